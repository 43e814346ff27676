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
use super::{EncoderError, Site};
use crate::model::calibrate::spike_agreement;
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

/// Compare the integer run with the float run, layer by layer.
pub fn compare(
    quant: &[QuantLayer],
    float: &[LayerTrace],
    integer: &[LayerTrace],
) -> Result<Vec<LayerStats>, EncoderError> {
    let mut out = Vec::new();
    for (l, ((ql, fl), il)) in quant.iter().zip(float).zip(integer).enumerate() {
        let mut sites = Vec::new();
        for s in Site::ALL {
            let qs = ql.site(s);
            let (fs, is) = (fl.site(s), il.site(s));
            let (replay, y) = qs.run(fs.x.view())?;
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
        });
    }
    Ok(out)
}
