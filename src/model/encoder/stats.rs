//! How close the integer encoder is to the float SpikeLM forward, per site and layer.
//!
//! Two views of every site:
//! - **replay**: the integer site fed the float forward's own input at that site, the way each
//!   site is verified alone (spike agreement with the float neuron, output error against the
//!   float layer with float weights);
//! - **end to end**: the integer forward's spikes against the float forward's, with every
//!   earlier site's differences carried along.

use super::float::LayerTrace;
use super::integer::QuantLayer;
use super::isolate::LayerCosines;
use super::site::QuantSite;
use super::{EncoderError, Site};
use crate::model::calibrate::spike_agreement;
use crate::model::fixed::{rne, signed_range};
use ndarray::{ArrayView2, ArrayView3};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SiteStats {
    pub layer: usize,
    pub site: &'static str,
    pub din: usize,
    pub dout: usize,
    pub frac_in: u32,
    pub frac_out: u32,
    pub weight_scale: String,
    /// Non-zero spikes / (N · Din) per t, integer forward.
    pub firing_rate: Vec<f64>,
    /// Same for the float forward.
    pub float_firing_rate: Vec<f64>,
    /// Replay: integer site on the float input vs the float neuron.
    pub spike_agreement: f64,
    /// Replay: ‖y_int − y_float‖ / ‖y_float‖.
    pub output_rel_error: f64,
    /// End to end: integer forward's spikes vs the float forward's.
    pub spike_agreement_e2e: f64,
    /// Integer forward: input codes clipped at the XW-bit range (|x| ≥ 2^(XW−1−F_in)), of
    /// `input_values`.
    pub input_saturated: usize,
    pub input_values: usize,
    /// Integer forward: output codes at the YW-bit limits, of `output_values`.
    pub output_saturated: usize,
    pub output_values: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LayerStats {
    pub layer: usize,
    pub sites: Vec<SiteStats>,
    /// Spike agreement of the K and V quantisers, end to end.
    pub key_agreement_e2e: f64,
    pub value_agreement_e2e: f64,
    /// Cosine of the layer's hidden state (mean over T), all tokens flattened.
    pub cosine: f64,
    /// The worst per-token cosine.
    pub min_token_cosine: f64,
    /// The cosines of this layer alone, given the float forward's layer input.
    pub given_float_input: LayerCosines,
}

/// Non-zero spikes / (N · D) per time step.
pub fn firing_rate(q: ArrayView3<i8>) -> Vec<f64> {
    q.outer_iter()
        .map(|q_t| q_t.iter().filter(|&&v| v != 0).count() as f64 / q_t.len().max(1) as f64)
        .collect()
}

/// ‖a − b‖ / ‖b‖ (0 when both are zero).
pub fn rel_error(a: ArrayView3<f64>, b: ArrayView3<f64>) -> f64 {
    let (mut d, mut n) = (0.0, 0.0);
    for (x, y) in a.iter().zip(b.iter()) {
        d += (x - y) * (x - y);
        n += y * y;
    }
    if n > 0.0 {
        (d / n).sqrt()
    } else {
        d.sqrt()
    }
}

pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        return if na == nb { 1.0 } else { 0.0 };
    }
    dot / (na * nb)
}

/// (flattened cosine, worst per-row cosine) of two [N, H] states.
pub fn hidden_cosines(a: ArrayView2<f64>, b: ArrayView2<f64>) -> (f64, f64) {
    let flat = cosine(
        &a.iter().copied().collect::<Vec<_>>(),
        &b.iter().copied().collect::<Vec<_>>(),
    );
    let worst = a
        .outer_iter()
        .zip(b.outer_iter())
        .map(|(x, y)| cosine(&x.to_vec(), &y.to_vec()))
        .fold(1.0f64, f64::min);
    (flat, worst)
}

/// How many of `x` (float values, `frac` fractional bits) fall outside a signed `bits`-bit
/// code, or (`at_limit`) sit at one of its two ends.
fn saturated(x: ArrayView3<f64>, frac: u32, bits: u32, at_limit: bool) -> usize {
    let (lo, hi) = signed_range(bits);
    let k = f64::from(frac).exp2();
    x.iter()
        .filter(|&&v| {
            let c = rne(v * k);
            if at_limit {
                c <= lo || c >= hi
            } else {
                c < lo || c > hi
            }
        })
        .count()
}

/// (inputs clipped, outputs at the limits) of one integer site run.
fn site_saturation(qs: &QuantSite, run: &super::float::SiteTrace) -> (usize, usize) {
    (
        saturated(
            run.x.view(),
            qs.format.frac_bits,
            qs.format.input_bits,
            false,
        ),
        saturated(run.y.view(), qs.frac_out, qs.format.output_bits, true),
    )
}

/// Compare the integer run with the float run, layer by layer; `isolated` holds each layer's
/// cosines given the float layer input ([`super::isolate::given_float_input`]).
pub fn compare(
    quant: &[QuantLayer],
    float: &[LayerTrace],
    integer: &[LayerTrace],
    isolated: &[LayerCosines],
) -> Result<Vec<LayerStats>, EncoderError> {
    let mut out = Vec::new();
    for (l, (((ql, fl), il), iso)) in quant
        .iter()
        .zip(float)
        .zip(integer)
        .zip(isolated)
        .enumerate()
    {
        let mut sites = Vec::new();
        for s in Site::ALL {
            let qs = ql.site(s);
            let (fs, is) = (fl.site(s), il.site(s));
            let (replay, y) = qs.run(fs.x.view())?;
            let (input_saturated, output_saturated) = site_saturation(qs, is);
            sites.push(SiteStats {
                layer: l,
                site: s.name(),
                din: qs.w.ncols(),
                dout: qs.w.nrows(),
                frac_in: qs.format.frac_bits,
                frac_out: qs.frac_out,
                weight_scale: qs.weight_scale.to_string(),
                firing_rate: firing_rate(is.q.view()),
                float_firing_rate: firing_rate(fs.q.view()),
                spike_agreement: spike_agreement(replay.q.view(), fs.q.view())?,
                output_rel_error: rel_error(y.view(), fs.y.view()),
                spike_agreement_e2e: spike_agreement(is.q.view(), fs.q.view())?,
                input_saturated,
                input_values: is.x.len(),
                output_saturated,
                output_values: is.y.len(),
            });
        }
        // The float run's mean in float, the integer run's by the integer rule.
        let fm = super::host::mean_over_steps(fl.output.view());
        let im = super::nonlinear::mean_of_hidden(il.output.view());
        let (cos, worst) = hidden_cosines(im.view(), fm.view());
        out.push(LayerStats {
            layer: l,
            sites,
            key_agreement_e2e: spike_agreement(il.key_spikes.view(), fl.key_spikes.view())?,
            value_agreement_e2e: spike_agreement(il.value_spikes.view(), fl.value_spikes.view())?,
            cosine: cos,
            min_token_cosine: worst,
            given_float_input: *iso,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn saturation_counts_clipped_inputs_and_outputs_at_the_limits() {
        // 8-bit codes with 4 fractional bits: −128 … 127, i.e. −8.0 … 7.9375.
        let x = Array3::from_shape_vec((1, 1, 5), vec![7.9375, 7.97, -8.0, -8.04, 100.0])
            .expect("shape");
        // Beyond the range: 7.97 (128 after rounding), −8.04 (−129), 100.
        assert_eq!(saturated(x.view(), 4, 8, false), 3);
        // At or beyond a limit: also 7.9375 (127) and −8.0 (−128).
        assert_eq!(saturated(x.view(), 4, 8, true), 5);
        assert_eq!(saturated(x.view(), 2, 8, true), 1);
    }
}
