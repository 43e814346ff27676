//! Run a package's integer encoder beside the float SpikeLM forward of its checkpoint on some
//! text, and compare them site by site ([`crate::model::encoder::stats`]).

use super::checkpoint::{load_checkpoint, Checkpoint};
use super::package::Package;
use super::{text, ImportError};
use crate::model::encoder::stats::{compare, LayerStats};
use crate::model::encoder::{float, integer, isolate, Batch, LayerAlphas, Quantiser, Site};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct EncoderReport {
    pub package: String,
    pub checkpoint: String,
    pub tokens: usize,
    /// Lines of the text cut to `max_positions` tokens.
    pub truncated: Vec<text::Truncated>,
    pub max_positions: usize,
    pub layers: Vec<LayerStats>,
    /// Which operations are integer and which float (host).
    pub ops: Vec<(String, String)>,
    pub worst_spike_agreement: f64,
    pub worst_output_rel_error: f64,
    pub worst_spike_agreement_e2e: f64,
    pub final_cosine: f64,
    /// The last layer's cosine given the float forward's input to it (see
    /// [`crate::model::encoder::isolate`]), and the worst of any layer.
    pub final_cosine_given_float_input: f64,
    pub worst_cosine_given_float_input: f64,
    /// Input codes clipped at XW bits and output codes at the YW-bit limits, all sites and layers.
    pub input_saturated: usize,
    pub output_saturated: usize,
    /// How robust the float reference itself is: per layer, the hidden-state cosine between the
    /// float forward and the float forward with every site weight multiplied by (1 + ε·N(0,1)),
    /// ε = `sensitivity_eps`. A reference that moves this much under a perturbation far below any
    /// fixed-point format bounds what any integer model can reach.
    pub sensitivity_eps: Option<f64>,
    pub float_sensitivity: Option<Vec<f64>>,
}

/// Per-layer hidden-state cosine of the float forward against itself with site weights
/// perturbed by a relative `eps` (seeded, deterministic).
pub fn float_sensitivity(
    ck: &Checkpoint,
    alphas: &[LayerAlphas],
    batch: &Batch,
    layers: usize,
    reference: &[float::LayerTrace],
    eps: f64,
) -> Result<Vec<f64>, ImportError> {
    let mut w = ck.weights.clone();
    let mut g = crate::model::gauss::Gauss::new(1);
    for l in w.layers.iter_mut() {
        for s in l.sites.iter_mut() {
            s.w.mapv_inplace(|v| v * (1.0 + eps * g.normal()));
        }
    }
    let mut a = alphas.to_vec();
    let perturbed = float::forward(&w, batch, layers, &mut a)?;
    Ok(reference
        .iter()
        .zip(&perturbed)
        .map(|(x, y)| {
            let m = |t: &float::LayerTrace| {
                crate::model::encoder::host::mean_over_steps(t.output.view())
            };
            crate::model::encoder::stats::hidden_cosines(m(x).view(), m(y).view()).0
        })
        .collect())
}

/// α of every site and quantiser as the package holds them.
pub fn package_alphas(pkg: &Package) -> Vec<LayerAlphas> {
    pkg.layers
        .iter()
        .enumerate()
        .map(|(l, ql)| {
            let q = |k: Quantiser| {
                pkg.manifest
                    .quantisers
                    .iter()
                    .find(|e| e.layer == l && e.quantiser == k)
                    .map(|e| e.alphas.clone())
                    .unwrap_or_default()
            };
            LayerAlphas {
                sites: Site::ALL
                    .iter()
                    .map(|&s| ql.site(s).alphas.clone())
                    .collect(),
                key: q(Quantiser::Key),
                value: q(Quantiser::Value),
            }
        })
        .collect()
}

/// The package's checkpoint (or `checkpoint` instead), checked against the package's dimensions.
pub fn package_checkpoint(
    pkg: &Package,
    checkpoint: Option<&Path>,
) -> Result<Checkpoint, ImportError> {
    let path = checkpoint.unwrap_or(Path::new(&pkg.manifest.checkpoint));
    let ck = load_checkpoint(path, pkg.manifest.dims.time_steps)?;
    if ck.weights.dims != pkg.manifest.dims {
        return Err(ImportError::Package {
            path: pkg.dir.display().to_string(),
            detail: format!(
                "made from a checkpoint with dimensions {:?}, but {} has {:?}",
                pkg.manifest.dims,
                path.display(),
                ck.weights.dims
            ),
        });
    }
    Ok(ck)
}

/// [`text::tokenize_for`], the batch only.
pub fn batch_of(ck: &Checkpoint, text: &str) -> Result<Batch, ImportError> {
    Ok(text::tokenize_for(ck, text)?.batch)
}

/// Both forwards through `layers` layers (all when `None`) and their comparison.
pub fn evaluate(
    pkg: &Package,
    checkpoint: Option<&Path>,
    text: &str,
    layers: Option<usize>,
    sensitivity_eps: Option<f64>,
) -> Result<EncoderReport, ImportError> {
    let ck = package_checkpoint(pkg, checkpoint)?;
    let tokenized = text::tokenize_for(&ck, text)?;
    let batch = tokenized.batch;
    let n = layers.unwrap_or(pkg.layers.len()).min(pkg.layers.len());
    let mut alphas = package_alphas(pkg);
    let ft = float::forward(&ck.weights, &batch, n, &mut alphas)?;
    let it = integer::forward(&ck.weights, &pkg.layers, &batch, n)?;
    let isolated = isolate::given_float_input(&ck.weights, &pkg.layers, &alphas, &batch, &ft)?;
    let stats = compare(&pkg.layers, &ft, &it, &isolated)?;
    let float_sensitivity = match sensitivity_eps {
        Some(eps) => Some(float_sensitivity(
            &ck,
            &package_alphas(pkg),
            &batch,
            n,
            &ft,
            eps,
        )?),
        None => None,
    };
    let sites = || stats.iter().flat_map(|l| l.sites.iter());
    Ok(EncoderReport {
        package: pkg.dir.display().to_string(),
        checkpoint: ck.safetensors.display().to_string(),
        tokens: batch.tokens(),
        truncated: tokenized.truncated,
        max_positions: ck.weights.dims.max_positions,
        ops: integer::OPS
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        worst_spike_agreement: sites().map(|s| s.spike_agreement).fold(1.0, f64::min),
        worst_output_rel_error: sites().map(|s| s.output_rel_error).fold(0.0, f64::max),
        worst_spike_agreement_e2e: sites().map(|s| s.spike_agreement_e2e).fold(1.0, f64::min),
        final_cosine: stats.last().map_or(1.0, |l| l.cosine),
        final_cosine_given_float_input: stats.last().map_or(1.0, |l| l.given_float_input.integer),
        worst_cosine_given_float_input: stats
            .iter()
            .map(|l| l.given_float_input.integer)
            .fold(1.0, f64::min),
        input_saturated: sites().map(|s| s.input_saturated).sum(),
        output_saturated: sites().map(|s| s.output_saturated).sum(),
        sensitivity_eps,
        float_sensitivity,
        layers: stats,
    })
}

/// Firing rates per site and t of the package's integer model on `text` (for `flow --package`).
pub fn real_firing_rates(
    pkg: &Package,
    checkpoint: Option<&Path>,
    text: &str,
) -> Result<crate::report::RealFiringRates, ImportError> {
    let ck = package_checkpoint(pkg, checkpoint)?;
    let batch = batch_of(&ck, text)?;
    let traces = integer::forward(&ck.weights, &pkg.layers, &batch, pkg.layers.len())?;
    let sites = traces
        .iter()
        .enumerate()
        .flat_map(|(l, tr)| {
            Site::ALL.iter().map(move |&s| {
                let st = tr.site(s);
                (
                    format!("{l}.{}", s.name()),
                    st.x.dim().2,
                    crate::model::encoder::stats::firing_rate(st.q.view()),
                )
            })
        })
        .collect();
    Ok(crate::report::RealFiringRates {
        package: pkg.dir.display().to_string(),
        tokens: batch.tokens(),
        sites,
    })
}
