//! The encoder with the engine's integer arithmetic at every site and float only where the
//! hardware leaves the work to a host. [`OPS`] lists which is which; the report prints it.

use super::float::{LayerTrace as FloatLayer, SiteTrace};
use super::host::embedding_sum;
use super::nonlinear::{
    self as nl, Tables, HIDDEN_BITS, HIDDEN_FRAC, RESIDUAL_BITS, RESIDUAL_FRAC,
};
use super::site::QuantSite;
use super::{Batch, BertDims, BertWeights, EncoderError, LayerWeights, Site};
use crate::model::fixed::{rne, sat};
use crate::model::{attention, quantiser};
use ndarray::{s, Array3, ArrayView3, Axis};

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
    (
        "score scale α_K/√d_h, mask, softmax",
        "integer: score·M >> S into log2 domain, exp2 and reciprocal tables (arithmetic.md 4.2)",
    ),
    (
        "P·V context",
        "integer: sums of P codes (15 fractional bits, from the softmax unit) over ternary V",
    ),
    ("context scale α_V", "float (host)"),
    (
        "site input codes X = sat(rne(x·2^F_in))",
        "float to integer (host)",
    ),
    (
        "residual, LayerNorm, GELU (erf)",
        "integer: aligned saturating add; exact Σx, Σx², rsqrt table; GELU table (4.3–4.5)",
    ),
    (
        "embeddings, mean over T",
        "embedding sum float (host), then integer LayerNorm; mean over T integer: R(Σ_t h_t, log2 T)",
    ),
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
    let tables = Tables::new();
    for seg in &batch.segments {
        for h in 0..heads {
            let cols = h * dh..(h + 1) * dh;
            let sl = s![.., seg.clone(), cols.clone()];
            let scores = attention::qk_scores(q.slice(sl), k_spikes.slice(sl))?;
            let mut p = Array3::<i64>::zeros(scores.raw_dim());
            for (t, &ak) in alpha_k.iter().enumerate().take(steps) {
                let k = (-(frac_q as f64)).exp2() * ak / (dh as f64).sqrt();
                p.slice_mut(s![t, .., ..]).assign(&nl::softmax_codes(
                    scores.slice(s![t, .., ..]),
                    k,
                    PROB_FRAC_BITS,
                    &tables,
                ));
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

/// The embedding output as hidden-state codes (HIDDEN_FRAC fractional bits) repeated over T:
/// the embedding sum from the host, then the integer LayerNorm.
pub fn embed(weights: &BertWeights, batch: &Batch) -> Result<Array3<i64>, EncoderError> {
    let dims = &weights.dims;
    let emb = nl::to_codes(
        embedding_sum(weights, batch)?.view(),
        RESIDUAL_FRAC,
        RESIDUAL_BITS,
    );
    let emb_norm = nl::layer_norm_codes(&weights.embeddings.norm, dims.layer_norm_eps)?;
    let emb = nl::layer_norm(emb.insert_axis(Axis(0)).view(), &emb_norm, &Tables::new());
    Ok(emb
        .broadcast((dims.time_steps, emb.dim().1, emb.dim().2))
        .ok_or_else(|| EncoderError::Shape("embedding output".into()))?
        .to_owned())
}

/// A float hidden state (e.g. the float forward's layer input) as hidden-state codes:
/// sat_HIDDEN_BITS(rne(h · 2^HIDDEN_FRAC)).
pub fn hidden_codes(h: ArrayView3<f64>) -> Array3<i64> {
    h.mapv(|v| sat(rne(v * f64::from(HIDDEN_FRAC).exp2()), HIDDEN_BITS))
}

/// One integer layer on hidden-state codes `h` [T, N, H]: its trace (the float forward's shape,
/// so [`super::stats`] compares them directly) and its output codes.
pub fn layer(
    lw: &LayerWeights,
    ql: &QuantLayer,
    h: &Array3<i64>,
    batch: &Batch,
    dims: &BertDims,
    tables: &Tables,
) -> Result<(FloatLayer, Array3<i64>), EncoderError> {
    let hf = nl::to_float(h.view(), HIDDEN_FRAC);
    let (tq, yq) = site_step(ql.site(Site::Query), hf.clone())?;
    let (tk, yk) = site_step(ql.site(Site::Key), hf.clone())?;
    let (tv, yv) = site_step(ql.site(Site::Value), hf)?;
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
    let (ta, ya) = site_step(ql.site(Site::AttnOut), ctx)?;
    let attn_norm = nl::layer_norm_codes(&lw.attn_norm, dims.layer_norm_eps)?;
    let r1 = nl::residual(
        ya.view(),
        ql.site(Site::AttnOut).frac_out,
        h.view(),
        HIDDEN_FRAC,
    );
    let h1 = nl::layer_norm(r1.view(), &attn_norm, tables);
    let (tf, yf) = site_step(ql.site(Site::FfnIn), nl::to_float(h1.view(), HIDDEN_FRAC))?;
    let g = nl::gelu_codes(yf.view(), ql.site(Site::FfnIn).frac_out, tables);
    let (to, yo) = site_step(ql.site(Site::FfnOut), nl::to_float(g.view(), HIDDEN_FRAC))?;
    let out_norm = nl::layer_norm_codes(&lw.out_norm, dims.layer_norm_eps)?;
    let r2 = nl::residual(
        yo.view(),
        ql.site(Site::FfnOut).frac_out,
        h1.view(),
        HIDDEN_FRAC,
    );
    let out = nl::layer_norm(r2.view(), &out_norm, tables);
    let trace = FloatLayer {
        sites: vec![tq, tk, tv, ta, tf, to],
        key_spikes: ks,
        value_spikes: vs,
        output: nl::to_float(out.view(), HIDDEN_FRAC),
    };
    Ok((trace, out))
}

/// The integer forward through `layers` layers: host parameters (embeddings, LayerNorms) from
/// `weights`, sites from `quant`.
pub fn forward(
    weights: &BertWeights,
    quant: &[QuantLayer],
    batch: &Batch,
    layers: usize,
) -> Result<Vec<FloatLayer>, EncoderError> {
    let tables = Tables::new();
    let mut h = embed(weights, batch)?;
    let mut traces = Vec::with_capacity(layers);
    for (lw, ql) in weights.layers.iter().zip(quant).take(layers) {
        let (trace, out) = layer(lw, ql, &h, batch, &weights.dims, &tables)?;
        h = out;
        traces.push(trace);
    }
    Ok(traces)
}
