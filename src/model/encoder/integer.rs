//! The encoder with the engine's integer arithmetic at every site and float only where the
//! hardware leaves the work to a host. [`OPS`] lists which is which; the report prints it.

use super::float::{LayerTrace as FloatLayer, SiteTrace};
use super::host::{embed, gelu, layer_norm_steps, repeat_steps, softmax_rows};
use super::site::QuantSite;
use super::{Batch, BertWeights, EncoderError, Site};
use crate::model::{attention, quantiser};
use ndarray::{s, Array3, ArrayView3};

/// Every operation of a layer and whether the integer model computes it as the engine does
/// (`integer`) or leaves it to the host in float (`float (host)`).
pub const OPS: [(&str, &str); 11] = [
    (
        "spike neurons (6 sites)",
        "integer: membrane, leak, comparator (F_in per site)",
    ),
    ("ternary accumulate (6 sites)", "integer: additions only"),
    (
        "amplitude stage (6 sites)",
        "integer: ACC·M_t[j] >> S + B[j], per-column scale",
    ),
    (
        "K/V quantisers",
        "integer: comparator on the K/V output codes",
    ),
    ("Q·Kᵀ scores", "integer: sums of Q codes over ternary K"),
    ("score scale α_K/√d_h, mask, softmax", "float (host)"),
    (
        "P·V context",
        "integer: sums of P codes (15 fractional bits, host-rounded) over ternary V",
    ),
    ("context scale α_V", "float (host)"),
    (
        "site input codes X = sat(rne(x·2^F_in))",
        "float to integer (host)",
    ),
    ("residual, LayerNorm, GELU (erf)", "float (host)"),
    ("embeddings, mean over T", "float (host)"),
];

/// Fractional bits of the softmax probabilities the host hands the P·V sums.
pub const PROB_FRAC_BITS: u32 = 15;

/// The quantised sites and K/V quantiser codes of one layer.
#[derive(Debug, Clone)]
pub struct QuantLayer {
    /// Indexed by [`Site::index`].
    pub sites: Vec<QuantSite>,
    /// α codes of the K and V quantisers, in the K and V sites' output formats.
    pub key_codes: Vec<i64>,
    pub value_codes: Vec<i64>,
}

impl QuantLayer {
    pub fn site(&self, s: Site) -> &QuantSite {
        &self.sites[s.index()]
    }
}

/// Integer attention for every sequence and head. `q` are the query site's output codes,
/// `k_spikes`/`v_spikes` the quantisers' ternary outputs; the float scale of the scores is
/// 2^−F_q · α_K / √d_h with α_K = its code / 2^F_k (the value the hardware holds).
#[allow(clippy::too_many_arguments)]
pub fn attention_codes(
    q: ArrayView3<i64>,
    frac_q: u32,
    k_spikes: ArrayView3<i8>,
    alpha_k: &[f64],
    v_spikes: ArrayView3<i8>,
    alpha_v: &[f64],
    batch: &Batch,
    heads: usize,
) -> Result<Array3<f64>, EncoderError> {
    let (steps, _, hidden) = q.dim();
    let dh = hidden / heads.max(1);
    let mut ctx = Array3::<f64>::zeros(q.raw_dim());
    let pscale = (PROB_FRAC_BITS as f64).exp2();
    for seg in &batch.segments {
        for h in 0..heads {
            let cols = h * dh..(h + 1) * dh;
            let sl = s![.., seg.clone(), cols.clone()];
            let scores = attention::qk_scores(q.slice(sl), k_spikes.slice(sl))?;
            let mut p = Array3::<i64>::zeros(scores.raw_dim());
            for (t, &ak) in alpha_k.iter().enumerate().take(steps) {
                let k = (-(frac_q as f64)).exp2() * ak / (dh as f64).sqrt();
                let mut st = scores.slice(s![t, .., ..]).mapv(|v| v as f64 * k);
                softmax_rows(&mut st);
                p.slice_mut(s![t, .., ..])
                    .assign(&st.mapv(|v| (v * pscale).round_ties_even() as i64));
            }
            let c = attention::pv_context(p.view(), v_spikes.slice(sl))?;
            for (t, &av) in alpha_v.iter().enumerate().take(steps) {
                let k = av / pscale;
                ctx.slice_mut(s![t, seg.clone(), cols.clone()])
                    .assign(&c.slice(s![t, .., ..]).mapv(|v| v as f64 * k));
            }
        }
    }
    Ok(ctx)
}

/// One integer site run in the layer: its spikes and dequantised outputs.
fn site_step(site: &QuantSite, x: Array3<f64>) -> Result<(SiteTrace, Array3<i64>), EncoderError> {
    let (run, y) = site.run(x.view())?;
    Ok((SiteTrace { x, q: run.q, y }, run.y))
}

/// The integer forward through `layers` layers: host parameters (embeddings, LayerNorms) from
/// `weights`, sites from `quant`. Traces have the float forward's shape, so [`super::stats`]
/// compares them directly.
pub fn forward(
    weights: &BertWeights,
    quant: &[QuantLayer],
    batch: &Batch,
    layers: usize,
) -> Result<Vec<FloatLayer>, EncoderError> {
    let dims = &weights.dims;
    let emb = embed(weights, batch)?;
    let mut h = repeat_steps(emb.view(), dims.time_steps);
    let mut traces = Vec::with_capacity(layers);
    for (lw, ql) in weights.layers.iter().zip(quant).take(layers) {
        let (tq, yq) = site_step(ql.site(Site::Query), h.clone())?;
        let (tk, yk) = site_step(ql.site(Site::Key), h.clone())?;
        let (tv, yv) = site_step(ql.site(Site::Value), h.clone())?;
        let ks = quantiser::quantise(yk.view(), &ql.key_codes)?;
        let vs = quantiser::quantise(yv.view(), &ql.value_codes)?;
        let code_alpha = |codes: &[i64], f: u32| -> Vec<f64> {
            codes
                .iter()
                .map(|&c| c as f64 * (-(f as f64)).exp2())
                .collect()
        };
        let ctx = attention_codes(
            yq.view(),
            ql.site(Site::Query).frac_out,
            ks.view(),
            &code_alpha(&ql.key_codes, ql.site(Site::Key).frac_out),
            vs.view(),
            &code_alpha(&ql.value_codes, ql.site(Site::Value).frac_out),
            batch,
            dims.heads,
        )?;
        let (ta, _) = site_step(ql.site(Site::AttnOut), ctx)?;
        let h1 = layer_norm_steps((&ta.y + &h).view(), &lw.attn_norm, dims.layer_norm_eps);
        let (tf, _) = site_step(ql.site(Site::FfnIn), h1.clone())?;
        let g = tf.y.mapv(gelu);
        let (to, _) = site_step(ql.site(Site::FfnOut), g)?;
        h = layer_norm_steps((&to.y + &h1).view(), &lw.out_norm, dims.layer_norm_eps);
        traces.push(FloatLayer {
            sites: vec![tq, tk, tv, ta, tf, to],
            key_spikes: ks,
            value_spikes: vs,
            output: h.clone(),
        });
    }
    Ok(traces)
}
