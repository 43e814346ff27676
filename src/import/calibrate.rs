//! The import pipeline: checkpoint → float forward on calibration text (calibrating any α the
//! checkpoint lacks) → per-site formats → quantised sites → package.

use super::checkpoint::{load_checkpoint, Checkpoint};
use super::package::{self, Manifest, QuantiserEntry, SiteEntry};
use super::{text, ImportError};
use crate::config::{Config, ModelDims, NumericFormat, Params};
use crate::model::calibrate::max_out_shift;
use crate::model::encoder::float::{forward, LayerTrace};
use crate::model::encoder::integer::QuantLayer;
use crate::model::encoder::site::{
    choose_frac_in, choose_frac_out, frac_out_for_quantiser, quantiser_codes, QuantSite,
    WeightScale,
};
use crate::model::encoder::{Batch, LayerAlphas, Quantiser, Site};
use serde::Serialize;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// What `import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub checkpoint: PathBuf,
    pub out: PathBuf,
    /// Calibration text (one sequence per line); the built-in English sentences when `None`.
    pub text: Option<String>,
    pub weight_scale: WeightScale,
    /// T when neither the checkpoint's config (`T`) nor its α tensors give it
    /// ([`DEFAULT_TIME_STEPS`] when `None`); a T they contradict is refused.
    pub time_steps: Option<usize>,
    /// The F_in candidates per site.
    pub frac_in: RangeInclusive<u32>,
    /// The largest F_out.
    pub frac_out_max: u32,
    /// The format and array every site starts from (the preset's, with `--set` overrides).
    pub base: Params,
    pub force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub package: String,
    pub checkpoint: String,
    pub alpha_source: String,
    pub calibration_tokens: usize,
    /// Lines of the calibration text cut to `max_positions` tokens.
    pub truncated: Vec<text::Truncated>,
    pub max_positions: usize,
    pub seconds: f64,
    pub sites: Vec<SiteEntry>,
}

/// T of a checkpoint that names none, unless `--time-steps` says otherwise.
pub const DEFAULT_TIME_STEPS: usize = 4;

/// The spikelm-hw configuration of a checkpoint: its dimensions on the base format and array.
pub fn derived_config(
    base: &Params,
    dims: &crate::model::encoder::BertDims,
    seq_len: usize,
) -> Result<Params, ImportError> {
    let to_u32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    let config = Config {
        preset: format!(
            "imported {}x{}x{} (format and array of {})",
            dims.layers, dims.hidden, dims.ffn, base.config.preset
        ),
        model: ModelDims {
            layers: to_u32(dims.layers),
            hidden: to_u32(dims.hidden),
            heads: to_u32(dims.heads),
            ffn: to_u32(dims.ffn),
            seq_len: to_u32(seq_len),
            time_steps: to_u32(dims.time_steps),
        },
        format: base.format().clone(),
        array: base.array().clone(),
    };
    Ok(Params::new(config)?)
}

/// The quantised layers and the manifest lines of their sites and quantisers.
pub type QuantisedModel = (Vec<QuantLayer>, Vec<SiteEntry>, Vec<QuantiserEntry>);

/// Quantise every site from a float run on calibration text.
#[allow(clippy::too_many_arguments)]
pub fn quantise_model(
    ck: &Checkpoint,
    alphas: &[LayerAlphas],
    traces: &[LayerTrace],
    format: &NumericFormat,
    mode: WeightScale,
    max_shift: u32,
    frac_in: RangeInclusive<u32>,
    frac_out_max: u32,
) -> Result<QuantisedModel, ImportError> {
    let mut layers = Vec::new();
    let mut entries = Vec::new();
    let mut qentries = Vec::new();
    for (l, ((lw, la), tr)) in ck.weights.layers.iter().zip(alphas).zip(traces).enumerate() {
        let mut sites = Vec::new();
        for s in Site::ALL {
            let st = tr.site(s);
            let a = la.site(s);
            let (f_in, agreement) =
                choose_frac_in(st.x.view(), st.q.view(), a, format, frac_in.clone())?;
            let mut f_out = choose_frac_out(st.y.view(), format, frac_out_max);
            if let Some(k) = Quantiser::ALL.into_iter().find(|k| k.site() == s) {
                f_out = frac_out_for_quantiser(f_out, la.quantiser(k), format);
            }
            let site_fmt = NumericFormat {
                frac_bits: f_in,
                ..format.clone()
            };
            let q = QuantSite::quantise(lw.site(s), a, &site_fmt, f_out, mode, max_shift)?;
            entries.push(SiteEntry {
                layer: l,
                site: s,
                frac_in: f_in,
                frac_out: f_out,
                out_shift: q.out_shift,
                alphas: a.to_vec(),
                alpha_codes: q.alpha_codes.clone(),
                calibration_agreement: agreement,
            });
            sites.push(q);
        }
        let mut codes = Vec::new();
        for k in Quantiser::ALL {
            let f_out = sites[k.site().index()].frac_out;
            let c = quantiser_codes(la.quantiser(k), f_out, format)?;
            qentries.push(QuantiserEntry {
                layer: l,
                quantiser: k,
                alphas: la.quantiser(k).to_vec(),
                alpha_codes: c.clone(),
            });
            codes.push(c);
        }
        layers.push(QuantLayer {
            sites,
            value_codes: codes.pop().unwrap_or_default(),
            key_codes: codes.pop().unwrap_or_default(),
        });
    }
    Ok((layers, entries, qentries))
}

/// A configuration rule the checkpoint's dimensions break on the base array, named as such.
fn dimension_error(ck: &Checkpoint, e: ImportError) -> ImportError {
    match e {
        ImportError::Config(c) => ImportError::field(
            &ck.config,
            "hidden_size, intermediate_size, T",
            format!(
                "the checkpoint's dimensions do not fit the configuration of the preset and \
                 --set: {c}; choose one that holds them (e.g. --set array=RxC, C dividing \
                 hidden_size and intermediate_size, R a multiple of T)"
            ),
        ),
        other => other,
    }
}

/// Refuse a `--time-steps` the checkpoint contradicts (its config's `T` or its α tensors).
fn check_time_steps(ck: &Checkpoint, asked: Option<usize>) -> Result<(), ImportError> {
    let t = ck.weights.dims.time_steps;
    match asked {
        Some(a) if a != t => Err(ImportError::Field {
            path: "--time-steps".into(),
            field: a.to_string(),
            detail: format!(
                "the checkpoint gives T = {t} ({}); drop --time-steps or pass {t}",
                if ck.alphas.is_some() {
                    "its SpikeLM α tensors, one per step"
                } else {
                    "config.json's `T`"
                }
            ),
        }),
        _ => Ok(()),
    }
}

/// The largest F_in a site may take: F ≤ XW − 1, the configuration's rule.
pub fn max_frac_in(base: &Params) -> u32 {
    base.format().input_bits - 1
}

/// Import a checkpoint into a package (see the module doc).
pub fn import(opts: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let start = std::time::Instant::now();
    let top = max_frac_in(&opts.base);
    if opts.frac_in.is_empty() || *opts.frac_in.end() > top {
        return Err(ImportError::Field {
            path: "--frac-bits".into(),
            field: format!("{}:{}", opts.frac_in.start(), opts.frac_in.end()),
            detail: format!(
                "needs MIN ≤ MAX ≤ format.input_bits − 1 = {top} (the largest F the engine's \
                 configuration accepts); raise format.input_bits for more"
            ),
        });
    }
    package::check_target(&opts.out, opts.force)?;
    let asked = opts.time_steps.unwrap_or(DEFAULT_TIME_STEPS);
    let ck = load_checkpoint(&opts.checkpoint, asked)?;
    check_time_steps(&ck, opts.time_steps)?;
    let text = opts.text.as_deref().unwrap_or(text::DEFAULT_CALIBRATION);
    let dims = &ck.weights.dims;
    let tokenized = text::tokenize_for(&ck, text)?;
    let batch: Batch = tokenized.batch;
    let longest = batch.segments.iter().map(|s| s.len()).max().unwrap_or(1);
    // The engine's sequence buffer: the base configuration's seq_len, or the longest sequence
    // rounded up to a multiple of it.
    let base_seq = opts.base.model().seq_len.max(1) as usize;
    let params = derived_config(
        &opts.base,
        dims,
        longest.div_ceil(base_seq).max(1) * base_seq,
    )
    .map_err(|e| dimension_error(&ck, e))?;
    let (mut alphas, source) = match &ck.alphas {
        Some(a) => (a.clone(), "checkpoint"),
        None => (Vec::new(), "calibrated"),
    };
    let traces = forward(&ck.weights, &batch, dims.layers, &mut alphas)?;
    let (layers, sites, quantisers) = quantise_model(
        &ck,
        &alphas,
        &traces,
        params.format(),
        opts.weight_scale,
        max_out_shift(&params),
        opts.frac_in.clone(),
        opts.frac_out_max,
    )?;
    let manifest = Manifest {
        version: package::VERSION,
        checkpoint: std::fs::canonicalize(&ck.safetensors)
            .unwrap_or(ck.safetensors.clone())
            .display()
            .to_string(),
        weight_scale: opts.weight_scale,
        alpha_source: source.to_string(),
        calibration_tokens: batch.tokens(),
        dims: dims.clone(),
        config: params.config.clone(),
        sites: sites.clone(),
        quantisers,
    };
    package::write(&opts.out, opts.force, &manifest, &layers)?;
    Ok(ImportSummary {
        package: opts.out.display().to_string(),
        checkpoint: manifest.checkpoint,
        alpha_source: source.to_string(),
        calibration_tokens: batch.tokens(),
        truncated: tokenized.truncated,
        max_positions: dims.max_positions,
        seconds: start.elapsed().as_secs_f64(),
        sites,
    })
}
