//! The error of each fixed-point non-linear unit against float, measured on the activations a
//! float forward actually produces (docs/arithmetic.md section 4.6): every unit is fed the float
//! run's own inputs at its place, converted to the unit's input codes, and its output is compared
//! with the float operation on the same (dequantised) input. `benches/nl_units.rs` prints it for
//! all-MiniLM-L6-v2 on `tests/data/eval_text.txt`.

use super::float::LayerTrace;
use super::host;
use super::integer::{QuantLayer, PROB_FRAC_BITS};
use super::nonlinear::{
    self as nl, Tables, HIDDEN_BITS, HIDDEN_FRAC, RESIDUAL_BITS, RESIDUAL_FRAC,
};
use super::{Batch, BertWeights, EncoderError, LayerAlphas, LayerNormWeights, Site};
use crate::model::attention;
use crate::model::fixed::{rne, sat};
use ndarray::{s, Array2, Array3, ArrayView2, ArrayView3, Axis};
use serde::Serialize;

/// Error of one unit over every value it saw.
#[derive(Debug, Clone, Serialize)]
pub struct UnitError {
    pub unit: &'static str,
    /// Outputs compared.
    pub values: usize,
    /// max |fixed − float|.
    pub max_abs: f64,
    /// √(mean (fixed − float)²).
    pub rms: f64,
    /// ‖fixed − float‖ / ‖float‖.
    pub rel_l2: f64,
    /// The output LSB the errors compare to.
    pub lsb: f64,
}

#[derive(Default)]
struct Acc {
    n: usize,
    max: f64,
    d2: f64,
    y2: f64,
}

impl Acc {
    fn add(&mut self, got: f64, want: f64) {
        self.n += 1;
        self.max = self.max.max((got - want).abs());
        self.d2 += (got - want) * (got - want);
        self.y2 += want * want;
    }
    fn finish(&self, unit: &'static str, lsb: f64) -> UnitError {
        UnitError {
            unit,
            values: self.n,
            max_abs: self.max,
            rms: (self.d2 / self.n.max(1) as f64).sqrt(),
            rel_l2: if self.y2 > 0.0 {
                (self.d2 / self.y2).sqrt()
            } else {
                0.0
            },
            lsb,
        }
    }
}

fn codes3(x: ArrayView3<f64>, frac: u32, bits: u32) -> Array3<i64> {
    x.mapv(|v| sat(rne(v * f64::from(frac).exp2()), bits))
}

/// LayerNorm of `x` (float) through the unit: x to residual codes, integer LayerNorm, compared
/// with the float LayerNorm (float γ, β) of the same dequantised codes.
fn layer_norm_error(
    acc: &mut Acc,
    x: ArrayView3<f64>,
    w: &LayerNormWeights,
    eps: f64,
    tables: &Tables,
) -> Result<(), EncoderError> {
    let codes = codes3(x, RESIDUAL_FRAC, RESIDUAL_BITS);
    let got = nl::layer_norm(codes.view(), &nl::layer_norm_codes(w, eps)?, tables);
    let xf = nl::to_float(codes.view(), RESIDUAL_FRAC);
    let want = host::layer_norm_steps(xf.view(), w, eps);
    let gf = nl::to_float(got.view(), HIDDEN_FRAC);
    for (g, w) in gf.iter().zip(want.iter()) {
        acc.add(*g, *w);
    }
    Ok(())
}

/// Softmax of one score-code matrix through the unit and in float on the same scaled scores.
fn softmax_error(acc: &mut Acc, scores: ArrayView2<i64>, scale: f64, tables: &Tables) {
    let p = nl::softmax_codes(scores, scale, PROB_FRAC_BITS, tables);
    let mut f: Array2<f64> = scores.mapv(|v| v as f64 * scale);
    host::softmax_rows(&mut f);
    let one = f64::from(PROB_FRAC_BITS).exp2();
    for (g, w) in p.iter().zip(f.iter()) {
        acc.add(*g as f64 / one, *w);
    }
}

/// Every unit's error over the float run `float` of `batch` (all its layers).
pub fn measure(
    weights: &BertWeights,
    quant: &[QuantLayer],
    alphas: &[LayerAlphas],
    batch: &Batch,
    float: &[LayerTrace],
) -> Result<Vec<UnitError>, EncoderError> {
    let tables = Tables::new();
    let dims = &weights.dims;
    let eps = dims.layer_norm_eps;
    let (mut ln, mut ge, mut sm) = (Acc::default(), Acc::default(), Acc::default());
    let mut res = Acc::default();
    let emb = host::embedding_sum(weights, batch)?;
    layer_norm_error(
        &mut ln,
        emb.view().insert_axis(Axis(0)),
        &weights.embeddings.norm,
        eps,
        &tables,
    )?;
    let mut h_prev = host::repeat_steps(host::embed(weights, batch)?.view(), dims.time_steps);
    for (((lw, ql), la), fl) in weights.layers.iter().zip(quant).zip(alphas).zip(float) {
        // Softmax: the query site's output codes against the float run's ternary K.
        let qsite = ql.site(Site::Query);
        let q = codes3(fl.site(Site::Query).y.view(), qsite.frac_out, 16);
        let dh = dims.hidden / dims.heads.max(1);
        for seg in &batch.segments {
            for h in 0..dims.heads {
                let sl = s![.., seg.clone(), h * dh..(h + 1) * dh];
                let scores = attention::qk_scores(q.slice(sl), fl.key_spikes.slice(sl))?;
                for (t, &ak) in la.key.iter().enumerate().take(dims.time_steps) {
                    let scale = (-f64::from(qsite.frac_out)).exp2() * ak / (dh as f64).sqrt();
                    softmax_error(&mut sm, scores.slice(s![t, .., ..]), scale, &tables);
                }
            }
        }
        // Residuals: a site's output codes plus the hidden state's codes, against the float sum
        // of the same dequantised codes (exact unless it saturates).
        for (site, hidden) in [
            (Site::AttnOut, &h_prev),
            (Site::FfnOut, &fl.site(Site::FfnIn).x),
        ] {
            let fa = ql.site(site).frac_out;
            let a = codes3(fl.site(site).y.view(), fa, 16);
            let hc = codes3(hidden.view(), HIDDEN_FRAC, HIDDEN_BITS);
            let r = nl::residual(a.view(), fa, hc.view(), HIDDEN_FRAC);
            let want = nl::to_float(a.view(), fa) + nl::to_float(hc.view(), HIDDEN_FRAC);
            for (g, w) in nl::to_float(r.view(), RESIDUAL_FRAC)
                .iter()
                .zip(want.iter())
            {
                res.add(*g, *w);
            }
        }
        // LayerNorm after attention and after the FFN, on the float run's residual sums.
        let attn_sum = &fl.site(Site::AttnOut).y + &h_prev;
        layer_norm_error(&mut ln, attn_sum.view(), &lw.attn_norm, eps, &tables)?;
        let h1 = &fl.site(Site::FfnIn).x;
        let ffn_sum = &fl.site(Site::FfnOut).y + h1;
        layer_norm_error(&mut ln, ffn_sum.view(), &lw.out_norm, eps, &tables)?;
        // GELU on the FFN-in output codes.
        let fx = ql.site(Site::FfnIn).frac_out;
        let x = codes3(fl.site(Site::FfnIn).y.view(), fx, 16);
        let got = nl::gelu_codes(x.view(), fx, &tables);
        for (g, v) in got.iter().zip(x.iter()) {
            let xf = *v as f64 * (-f64::from(fx)).exp2();
            ge.add(*g as f64 * (-f64::from(HIDDEN_FRAC)).exp2(), host::gelu(xf));
        }
        h_prev = fl.output.clone();
    }
    let lsb = |f: u32| (-f64::from(f)).exp2();
    Ok(vec![
        sm.finish("softmax", lsb(PROB_FRAC_BITS)),
        ln.finish("layernorm", lsb(HIDDEN_FRAC)),
        ge.finish("gelu", lsb(HIDDEN_FRAC)),
        res.finish("residual", lsb(RESIDUAL_FRAC)),
    ])
}
