//! The fixed-point formats the integer encoder runs its non-linear units in, and the code-level
//! operations between them: residual additions, the mean over T, LayerNorm, GELU and softmax
//! over whole tensors (docs/arithmetic.md section 4). The unit models are in `src/units/`.

use super::EncoderError;
use crate::model::fixed::{rne, sat};
use crate::units::gelu::{self, GeluFormat};
use crate::units::interp::InterpTable;
use crate::units::layernorm::{self, LayerNormCodes, LayerNormFormat};
use crate::units::mean_t;
use crate::units::residual;
use crate::units::softmax::{self, SoftmaxFormat};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, Zip};

/// Residual sums (the LayerNorm inputs): FR fractional bits in RW signed bits.
pub const RESIDUAL_FRAC: u32 = 16;
pub const RESIDUAL_BITS: u32 = 26;
/// The hidden state between layers (LayerNorm outputs), the GELU outputs and the encoder output:
/// HIDDEN_FRAC fractional bits in HIDDEN_BITS signed bits.
pub const HIDDEN_FRAC: u32 = 14;
pub const HIDDEN_BITS: u32 = 22;

pub const LAYER_NORM: LayerNormFormat = LayerNormFormat {
    fx: RESIDUAL_FRAC,
    fn_: 14,
    fg: 15,
    yw: HIDDEN_BITS,
    fy: HIDDEN_FRAC,
};

/// The softmax: z in the log2 domain with 12 fractional bits, probabilities in `prob_frac` bits.
pub fn softmax_format(prob_frac: u32) -> SoftmaxFormat {
    SoftmaxFormat {
        fz: 12,
        zw: 24,
        pf: prob_frac,
    }
}

/// GELU of an FFN-in output with `fx` fractional bits (16-bit codes), output in the hidden format.
pub fn gelu_format(fx: u32) -> GeluFormat {
    GeluFormat {
        xw: 16,
        fx,
        yw: HIDDEN_BITS,
        fy: HIDDEN_FRAC,
    }
}

/// The unit tables, built once per run.
#[derive(Debug, Clone)]
pub struct Tables {
    pub gelu: InterpTable,
    pub exp2: InterpTable,
    pub recip: InterpTable,
    pub rsqrt: InterpTable,
}

impl Tables {
    pub fn new() -> Self {
        Tables {
            gelu: gelu::table(),
            exp2: softmax::exp2_table(),
            recip: softmax::recip_table(),
            rsqrt: layernorm::rsqrt_table(),
        }
    }
}

impl Default for Tables {
    fn default() -> Self {
        Self::new()
    }
}

/// Float to code, saturating: sat_bits(rne(x · 2^frac)) (the host's conversion of embeddings).
pub fn to_codes(x: ArrayView2<f64>, frac: u32, bits: u32) -> Array2<i64> {
    x.mapv(|v| sat(rne(v * f64::from(frac).exp2()), bits))
}

/// Codes to the floats they stand for (exact).
pub fn to_float(x: ArrayView3<i64>, frac: u32) -> Array3<f64> {
    x.mapv(|v| v as f64 * (-f64::from(frac)).exp2())
}

/// The residual addition: both operands aligned to FR (left shift, or R half up), added,
/// saturated to RW bits.
pub fn residual(a: ArrayView3<i64>, fa: u32, b: ArrayView3<i64>, fb: u32) -> Array3<i64> {
    Zip::from(a)
        .and(b)
        .map_collect(|&x, &y| residual::add(x, fa, y, fb, RESIDUAL_FRAC, RESIDUAL_BITS))
}

/// The mean over T of [T, N, H] codes: R(Σ_t x_t · M_T, 16) with M_T = rne(2^16 / T) (for T a
/// power of two, exactly R(Σ_t x_t, log2 T)).
pub fn mean_over_steps(x: ArrayView3<i64>) -> Array2<i64> {
    let steps = x.len_of(Axis(0));
    x.sum_axis(Axis(0)).mapv(|s| mean_t::mean_of_sum(s, steps))
}

/// The mean over T of hidden states given as floats that are exact HIDDEN_FRAC codes (the
/// integer forward's outputs), by [`mean_over_steps`], back to floats.
pub fn mean_of_hidden(x: ArrayView3<f64>) -> Array2<f64> {
    let codes = x.mapv(|v| rne(v * f64::from(HIDDEN_FRAC).exp2()));
    mean_over_steps(codes.view()).mapv(|v| v as f64 * (-f64::from(HIDDEN_FRAC)).exp2())
}

/// LayerNorm of every row of [T, N, H] residual codes.
pub fn layer_norm(x: ArrayView3<i64>, codes: &LayerNormCodes, tables: &Tables) -> Array3<i64> {
    let mut out = Array3::zeros(x.raw_dim());
    for (mut o, r) in out.lanes_mut(Axis(2)).into_iter().zip(x.lanes(Axis(2))) {
        let row = layernorm::layer_norm_row(&r.to_vec(), codes, &LAYER_NORM, &tables.rsqrt);
        o.assign(&ndarray::Array1::from(row));
    }
    out
}

/// γ, β, ε of one LayerNorm as codes, refusing a γ too large for 18-bit codes.
pub fn layer_norm_codes(
    w: &super::LayerNormWeights,
    eps: f64,
) -> Result<LayerNormCodes, EncoderError> {
    let c = LayerNormCodes::new(&w.gamma.to_vec(), &w.beta.to_vec(), eps, &LAYER_NORM);
    if let Some(g) = c.gamma.iter().find(|g| g.abs() >= 1 << 17) {
        return Err(EncoderError::Shape(format!(
            "LayerNorm γ code {g} does not fit 18 bits at {} fractional bits",
            LAYER_NORM.fg
        )));
    }
    Ok(c)
}

/// GELU of FFN-in output codes with `fx` fractional bits.
pub fn gelu_codes(x: ArrayView3<i64>, fx: u32, tables: &Tables) -> Array3<i64> {
    let fmt = gelu_format(fx);
    x.mapv(|v| gelu::gelu(v, &fmt, &tables.gelu))
}

/// Softmax of each row of `scores` (integer Q·Kᵀ sums) whose float value is `scale` times the
/// code: into the log2 domain by M / 2^S (M of 16 bits), then [`softmax::softmax_row`] with every
/// position kept (a batch has no padding; [`softmax::softmax_row`] takes the mask).
pub fn softmax_codes(
    scores: ArrayView2<i64>,
    scale: f64,
    prob_frac: u32,
    tables: &Tables,
) -> Array2<i64> {
    let fmt = softmax_format(prob_frac);
    let (m, s) = scale_code(scale * std::f64::consts::LOG2_E * f64::from(fmt.fz).exp2());
    let mut out = Array2::zeros(scores.raw_dim());
    for (mut o, row) in out.outer_iter_mut().zip(scores.outer_iter()) {
        let z: Vec<i64> = row
            .iter()
            .map(|&v| softmax::log2_score(v, m, s, &fmt))
            .collect();
        let keep = vec![true; z.len()];
        let p = softmax::softmax_row(&z, &keep, &fmt, &tables.exp2, &tables.recip);
        o.assign(&ndarray::Array1::from(p));
    }
    out
}

/// (M, S): M = rne(x · 2^S) < 2^16 with the largest S ≤ 40.
pub fn scale_code(x: f64) -> (i64, u32) {
    let mut s = 40;
    while s > 0 && rne(x * f64::from(s).exp2()) >= 1 << 16 {
        s -= 1;
    }
    (rne(x * f64::from(s).exp2()), s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn mean_over_steps_rounds_half_up_and_divides_by_any_t() {
        let x = Array3::from_shape_vec((4, 1, 2), vec![1, -1, 2, -2, 3, -3, 4, -4]).unwrap();
        // 10 / 4 = 2.5 -> 3, -2.5 -> -2 (half up).
        assert_eq!(
            mean_over_steps(x.view()).into_raw_vec_and_offset().0,
            vec![3, -2]
        );
        let y = Array3::from_shape_vec((3, 1, 1), vec![1, 1, 1]).unwrap();
        assert_eq!(mean_over_steps(y.view())[[0, 0]], 1);
    }

    #[test]
    fn residual_aligns_both_operands_and_saturates() {
        let a = Array3::from_elem((1, 1, 1), 3i64); // 3 / 2^12
        let b = Array3::from_elem((1, 1, 1), 5i64); // 5 / 2^14
        let r = residual(a.view(), 12, b.view(), 14);
        assert_eq!(
            r[[0, 0, 0]],
            (3 << (RESIDUAL_FRAC - 12)) + (5 << (RESIDUAL_FRAC - 14))
        );
        let big = Array3::from_elem((1, 1, 1), 1i64 << 30);
        let r = residual(big.view(), RESIDUAL_FRAC, big.view(), RESIDUAL_FRAC);
        assert_eq!(r[[0, 0, 0]], (1 << (RESIDUAL_BITS - 1)) - 1);
    }
}
