//! Run a package's integer encoder beside the float SpikeLM forward of its checkpoint on some
//! text, and compare them site by site ([`crate::model::encoder::stats`]).

use super::checkpoint::{load_checkpoint, Checkpoint};
use super::package::Package;
use super::{text, ImportError};
use crate::model::encoder::stats::{compare, LayerStats};
use crate::model::encoder::{float, integer, Batch, LayerAlphas, Quantiser, Site};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct EncoderReport {
    pub package: String,
    pub checkpoint: String,
    pub tokens: usize,
    pub layers: Vec<LayerStats>,
    /// Which operations are integer and which float (host).
    pub ops: Vec<(String, String)>,
    pub worst_spike_agreement: f64,
    pub worst_output_rel_error: f64,
    pub worst_spike_agreement_e2e: f64,
    pub final_cosine: f64,
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

/// Tokenize `text` with the checkpoint's tokenizer.
pub fn batch_of(ck: &Checkpoint, text: &str) -> Result<Batch, ImportError> {
    let tok = ck.tokenizer.as_ref().ok_or_else(|| {
        ImportError::field(
            &ck.config,
            "tokenizer.json",
            "missing beside the checkpoint",
        )
    })?;
    text::tokenize(tok, text, ck.weights.dims.max_positions)
}

/// Both forwards through `layers` layers (all when `None`) and their comparison.
pub fn evaluate(
    pkg: &Package,
    checkpoint: Option<&Path>,
    text: &str,
    layers: Option<usize>,
) -> Result<EncoderReport, ImportError> {
    let ck = package_checkpoint(pkg, checkpoint)?;
    let batch = batch_of(&ck, text)?;
    let n = layers.unwrap_or(pkg.layers.len()).min(pkg.layers.len());
    let mut alphas = package_alphas(pkg);
    let ft = float::forward(&ck.weights, &batch, n, &mut alphas)?;
    let it = integer::forward(&ck.weights, &pkg.layers, &batch, n)?;
    let stats = compare(&pkg.layers, &ft, &it)?;
    let sites = || stats.iter().flat_map(|l| l.sites.iter());
    Ok(EncoderReport {
        package: pkg.dir.display().to_string(),
        checkpoint: ck.safetensors.display().to_string(),
        tokens: batch.tokens(),
        ops: integer::OPS
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        worst_spike_agreement: sites().map(|s| s.spike_agreement).fold(1.0, f64::min),
        worst_output_rel_error: sites().map(|s| s.output_rel_error).fold(0.0, f64::max),
        worst_spike_agreement_e2e: sites().map(|s| s.spike_agreement_e2e).fold(1.0, f64::min),
        final_cosine: stats.last().map_or(1.0, |l| l.cosine),
        layers: stats,
    })
}
