//! The float SpikeLM forward of docs/arithmetic.md section 1 on real weights, and the official α
//! calibration: a site or quantiser without α gets α_t = 2·mean|u_t| (for a quantiser: of its
//! input y_t) over the whole batch the first time it runs, sequentially over t and layer by
//! layer, exactly as SpikeLM initialises its frozen α on the first batch.

use super::host::{gelu, layer_norm_steps, repeat_steps, softmax_rows};
use super::{
    Batch, BertDims, BertWeights, EncoderError, LayerAlphas, LayerWeights, Linear, Quantiser, Site,
};
use crate::model::{calibrate, float_model};
use ndarray::{s, Array2, Array3, ArrayView3};

/// One site of one run: its input, spikes and output, all [T, N, ·].
#[derive(Debug, Clone)]
pub struct SiteTrace {
    pub x: Array3<f64>,
    pub q: Array3<i8>,
    pub y: Array3<f64>,
}

/// One layer of the float run.
#[derive(Debug, Clone)]
pub struct LayerTrace {
    /// Indexed by [`Site::index`].
    pub sites: Vec<SiteTrace>,
    pub key_spikes: Array3<i8>,
    pub value_spikes: Array3<i8>,
    /// The layer's output [T, N, H].
    pub output: Array3<f64>,
}

impl LayerTrace {
    pub fn site(&self, s: Site) -> &SiteTrace {
        &self.sites[s.index()]
    }
}

/// Smallest α a calibration gives (a step whose values are all zero); the frac_bits of
/// [`calibrate::alphas_from_data`]'s floor.
const ALPHA_FLOOR_BITS: u32 = 16;

/// α_t = 2·mean|y_t| per time step for a memoryless ternary quantiser (SpikeLM's
/// initialisation with Qp = 1).
pub fn quantiser_alphas(y: ArrayView3<f64>) -> Vec<f64> {
    let floor = (-(ALPHA_FLOOR_BITS as f64)).exp2();
    y.outer_iter()
        .map(|y_t| {
            let m = y_t.iter().map(|v| v.abs()).sum::<f64>() / y_t.len().max(1) as f64;
            if m > 0.0 {
                2.0 * m
            } else {
                floor
            }
        })
        .collect()
}

/// The ternary quantiser q = clamp(round_half_even(y/α), ±1), per time step.
pub fn quantise(y: ArrayView3<f64>, alphas: &[f64]) -> Array3<i8> {
    let mut q = Array3::<i8>::zeros(y.raw_dim());
    for ((mut q_t, y_t), &a) in q.outer_iter_mut().zip(y.outer_iter()).zip(alphas) {
        q_t.zip_mut_with(&y_t, |q, &y| *q = float_model::spike(y, a));
    }
    q
}

/// A float SpikeLinear site: neuron then y_t = α_t·(W q_t) + b.
pub fn run_site(
    x: Array3<f64>,
    linear: &Linear,
    alphas: &[f64],
) -> Result<SiteTrace, EncoderError> {
    let spikes = float_model::neuron(x.view(), alphas)?;
    let y = float_model::linear(spikes.q.view(), linear.w.view(), linear.b.view(), alphas)?;
    Ok(SiteTrace { x, q: spikes.q, y })
}

/// Attention of every sequence and head with ternary K and V: softmax(Q·(α_K q_K)ᵀ/√d_h)·(α_V q_V).
pub fn attention(
    q: ArrayView3<f64>,
    k_spikes: ArrayView3<i8>,
    v_spikes: ArrayView3<i8>,
    alpha_k: &[f64],
    alpha_v: &[f64],
    batch: &Batch,
    heads: usize,
) -> Array3<f64> {
    let (steps, _, hidden) = q.dim();
    let dh = hidden / heads.max(1);
    let mut ctx = Array3::<f64>::zeros(q.raw_dim());
    let norm = 1.0 / (dh as f64).sqrt();
    for t in 0..steps {
        for seg in &batch.segments {
            for h in 0..heads {
                let cols = h * dh..(h + 1) * dh;
                let qh = q.slice(s![t, seg.clone(), cols.clone()]);
                let kh = k_spikes
                    .slice(s![t, seg.clone(), cols.clone()])
                    .mapv(f64::from);
                let vh = v_spikes
                    .slice(s![t, seg.clone(), cols.clone()])
                    .mapv(f64::from);
                let mut scores: Array2<f64> = qh.dot(&kh.t()) * (alpha_k[t] * norm);
                softmax_rows(&mut scores);
                let c = scores.dot(&vh) * alpha_v[t];
                ctx.slice_mut(s![t, seg.clone(), cols]).assign(&c);
            }
        }
    }
    ctx
}

/// One layer of the float forward on the layer input `h` [T, N, H] with complete α.
pub fn layer(
    lw: &LayerWeights,
    la: &LayerAlphas,
    h: Array3<f64>,
    batch: &Batch,
    dims: &BertDims,
) -> Result<LayerTrace, EncoderError> {
    run_layer(lw, &mut la.clone(), false, h, batch, dims)
}

/// One layer; with `calibrating`, every α is set from this batch as it is first needed.
fn run_layer(
    lw: &LayerWeights,
    la: &mut LayerAlphas,
    calibrating: bool,
    h: Array3<f64>,
    batch: &Batch,
    dims: &BertDims,
) -> Result<LayerTrace, EncoderError> {
    let site = |s: Site, x: Array3<f64>, la: &mut LayerAlphas| {
        if calibrating {
            la.sites[s.index()] = calibrate::alphas_from_data(x.view(), ALPHA_FLOOR_BITS)?;
        }
        run_site(x, lw.site(s), la.site(s))
    };
    let tq = site(Site::Query, h.clone(), la)?;
    let tk = site(Site::Key, h.clone(), la)?;
    let tv = site(Site::Value, h.clone(), la)?;
    if calibrating {
        la.key = quantiser_alphas(tk.y.view());
        la.value = quantiser_alphas(tv.y.view());
    }
    let ks = quantise(tk.y.view(), la.quantiser(Quantiser::Key));
    let vs = quantise(tv.y.view(), la.quantiser(Quantiser::Value));
    let ctx = attention(
        tq.y.view(),
        ks.view(),
        vs.view(),
        &la.key,
        &la.value,
        batch,
        dims.heads,
    );
    let ta = site(Site::AttnOut, ctx, la)?;
    let h1 = layer_norm_steps((&ta.y + &h).view(), &lw.attn_norm, dims.layer_norm_eps);
    let tf = site(Site::FfnIn, h1.clone(), la)?;
    let g = tf.y.mapv(gelu);
    let to = site(Site::FfnOut, g, la)?;
    let output = layer_norm_steps((&to.y + &h1).view(), &lw.out_norm, dims.layer_norm_eps);
    Ok(LayerTrace {
        sites: vec![tq, tk, tv, ta, tf, to],
        key_spikes: ks,
        value_spikes: vs,
        output,
    })
}

/// The embedding output repeated over T: the first layer's input [T, N, H].
pub fn embed(weights: &BertWeights, batch: &Batch) -> Result<Array3<f64>, EncoderError> {
    let emb = super::host::embed(weights, batch)?;
    Ok(repeat_steps(emb.view(), weights.dims.time_steps))
}

/// The float forward through the first `layers` layers. `alphas[l]` is used where present;
/// missing layers are calibrated on this batch and appended (so `alphas` comes back complete).
pub fn forward(
    weights: &BertWeights,
    batch: &Batch,
    layers: usize,
    alphas: &mut Vec<LayerAlphas>,
) -> Result<Vec<LayerTrace>, EncoderError> {
    let mut h = embed(weights, batch)?;
    let mut traces = Vec::with_capacity(layers);
    for (l, lw) in weights.layers.iter().take(layers).enumerate() {
        let calibrating = alphas.len() <= l;
        let mut la = alphas.get(l).cloned().unwrap_or(LayerAlphas {
            sites: vec![Vec::new(); Site::ALL.len()],
            key: Vec::new(),
            value: Vec::new(),
        });
        let trace = run_layer(lw, &mut la, calibrating, h, batch, &weights.dims)?;
        if calibrating {
            alphas.push(la);
        }
        h = trace.output.clone();
        traces.push(trace);
    }
    Ok(traces)
}
