//! Real activations for the co-simulation: one site of a package, fed the input the integer
//! encoder gives it on some text, as the stimulus `sim --package` replays through the RTL.

use super::evaluate::{batch_of, package_checkpoint};
use super::package::Package;
use super::ImportError;
use crate::config::{LayerKind, NumericFormat, Params};
use crate::model::encoder::{integer, Site};
use crate::sim::stimulus::LayerStimulus;
use std::path::Path;

/// The engine layer shape a site runs on. Query, key and value each have their own α, F_in, scale
/// codes and S in a package, so each runs alone rather than in the fused qkv shape (Dout =
/// 3·hidden): on the attn_out shape, which has the same Din = Dout = hidden.
fn engine_kind(site: Site) -> LayerKind {
    match site {
        Site::Query | Site::Key | Site::Value | Site::AttnOut => LayerKind::AttnOut,
        Site::FfnIn => LayerKind::FfnIn,
        Site::FfnOut => LayerKind::FfnOut,
    }
}

/// The configuration and stimulus that replay `site` of `layer` on `text`: the package's
/// configuration with F = the site's F_in, the first tokens (a whole number of row blocks, at
/// most seq_len and at most `max_tokens`) of the site's integer input codes, its weights, biases,
/// α codes and scale codes M_t[j].
pub fn site_stimulus(
    pkg: &Package,
    checkpoint: Option<&Path>,
    text: &str,
    layer: usize,
    site: Site,
    max_tokens: Option<usize>,
) -> Result<(Params, LayerStimulus), ImportError> {
    let bad = |detail: String| ImportError::Package {
        path: pkg.dir.display().to_string(),
        detail,
    };
    let q = pkg.site(layer, site).ok_or_else(|| {
        bad(format!(
            "layer {layer}: the package has layers 0..{}",
            pkg.layers.len()
        ))
    })?;
    let kind = engine_kind(site);
    let linear = q.spike_linear()?;
    let mut config = pkg.params.config.clone();
    config.format = NumericFormat {
        frac_bits: q.format.frac_bits,
        ..config.format
    };
    let params = Params::new(config)?;
    let ck = package_checkpoint(pkg, checkpoint)?;
    let batch = batch_of(&ck, text)?;
    let traces = integer::forward(&ck.weights, &pkg.layers, &batch, layer + 1)?;
    let x = &traces[layer].site(site).x;
    let tpr = params.derived.tokens_per_row_block as usize;
    let limit = max_tokens.unwrap_or(usize::MAX);
    let tokens = (x.dim().1.min(params.model().seq_len as usize).min(limit) / tpr) * tpr;
    if tokens == 0 {
        return Err(bad(format!(
            "the text has {} tokens; the engine needs at least {tpr} (one row block)",
            x.dim().1
        )));
    }
    let codes = q.input_codes(x.slice(ndarray::s![.., ..tokens, ..]))?;
    let stim = LayerStimulus {
        layer: params.derived.shape(kind),
        tokens,
        x: codes,
        w: q.w.clone(),
        bias: q.bias.to_vec(),
        alpha: linear.alpha_codes().to_vec(),
        scale: linear.scale_codes().to_owned(),
        out_shift: linear.out_shift(),
    };
    Ok((params, stim))
}
