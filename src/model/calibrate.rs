//! From floats to the integer codes of docs/arithmetic.md, and the fidelity of those codes.
//!
//! - inputs X = sat_XW(rne(x · 2^F)), biases B = sat_YW(rne(b · 2^F)) (outputs carry F fractional
//!   bits in YW bits);
//! - weights: symmetric WB-bit codes W = rne(w / s), s = max|w| / (2^(WB-1) − 1);
//! - α from data exactly as SpikeLM initialises it: α_t = 2 · mean|u_t| over the batch, in order
//!   of t through the float membrane recurrence (u_t depends on α_{t-1});
//! - α codes A_t = max(1, rne(α_t · 2^F)), clamped to 2^AW − 1;
//! - output scale M_t / 2^S = α_t · s · 2^F, with S the largest shift (≤ the register's maximum)
//!   for which every M_t < 2^MBW;
//! - effective codes: [`effective_code`] of A_t and M_t in the alpha mode.

use super::csd::effective_code;
use super::fixed::{rne, sat, unsigned_max};
use super::{float_model, ModelError, SpikeLinear};
use crate::config::{AlphaMode, NumericFormat, Params};
use crate::units::neuron;
use ndarray::{
    Array1, Array2, Array3, ArrayView1, ArrayView2, ArrayView3, Axis, Dimension, IntoDimension,
};
use serde::Serialize;

fn check_finite<D: Dimension>(arg: &str, a: &ndarray::ArrayView<f64, D>) -> Result<(), ModelError> {
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some((index, v)) => Err(ModelError::value(
            arg,
            Some(index.into_dimension().slice()),
            v,
            "must be finite",
        )),
        None => Ok(()),
    }
}

fn check_not_empty(arg: &str, shape: &[usize]) -> Result<(), ModelError> {
    if shape.contains(&0) {
        return Err(ModelError::shape(arg, shape, "must not be empty"));
    }
    Ok(())
}

/// Fixed-point codes with F fractional bits, saturated to `bits`.
fn to_fixed<D: Dimension>(
    arg: &str,
    a: ndarray::ArrayView<f64, D>,
    frac_bits: u32,
    bits: u32,
) -> Result<ndarray::Array<i64, D>, ModelError> {
    check_finite(arg, &a)?;
    let one = (frac_bits as f64).exp2();
    Ok(a.mapv(|v| sat(rne(v * one), bits)))
}

/// Input codes X = sat_XW(rne(x · 2^F)).
pub fn input_codes(x: ArrayView3<f64>, format: &NumericFormat) -> Result<Array3<i64>, ModelError> {
    check_not_empty("x", x.shape())?;
    to_fixed("x", x, format.frac_bits, format.input_bits)
}

/// Bias codes in the output format: B = sat_YW(rne(b · 2^F)).
pub fn bias_codes(b: ArrayView1<f64>, format: &NumericFormat) -> Result<Array1<i64>, ModelError> {
    to_fixed("bias", b, format.frac_bits, format.output_bits)
}

/// Symmetric WB-bit weight codes and the scale s with w ≈ s · W.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightCodes {
    pub codes: Array2<i64>,
    pub scale: f64,
}

/// W = clamp(rne(w / s), ±(2^(WB-1) − 1)) with s = max|w| / (2^(WB-1) − 1); an all-zero
/// matrix gets s = 1.
pub fn weight_codes(w: ArrayView2<f64>, weight_bits: u32) -> Result<WeightCodes, ModelError> {
    check_not_empty("w", w.shape())?;
    check_finite("w", &w)?;
    let wmax = unsigned_max(weight_bits.clamp(2, 32) - 1);
    let max_abs = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale = if max_abs > 0.0 {
        max_abs / wmax as f64
    } else {
        1.0
    };
    let codes = w.mapv(|v| rne(v / scale).clamp(-wmax, wmax));
    Ok(WeightCodes { codes, scale })
}

/// α_t = 2 · mean|u_t| over `x` [T, N, Din], sequentially through the float recurrence.
/// Decision: a time step whose membranes are all zero gets α_t = 2^-F (what its code clamps to).
pub fn alphas_from_data(x: ArrayView3<f64>, frac_bits: u32) -> Result<Vec<f64>, ModelError> {
    check_not_empty("x", x.shape())?;
    check_finite("x", &x)?;
    let floor = (-(frac_bits as f64)).exp2();
    let mut alphas = Vec::with_capacity(x.len_of(Axis(0)));
    let mut u = x.index_axis(Axis(0), 0).to_owned();
    let mut q = Array2::<i8>::zeros(u.raw_dim());
    for (t, x_t) in x.outer_iter().enumerate() {
        if t > 0 {
            let a_prev = alphas[t - 1];
            ndarray::Zip::from(&mut u)
                .and(&q)
                .and(&x_t)
                .for_each(|u, &q, &x| *u = float_model::carry(*u, q, a_prev) + x);
        }
        let mean_abs = u.iter().map(|v| v.abs()).sum::<f64>() / u.len() as f64;
        let alpha = if mean_abs > 0.0 {
            2.0 * mean_abs
        } else {
            floor
        };
        ndarray::Zip::from(&mut q)
            .and(&u)
            .for_each(|q, &u| *q = float_model::spike(u, alpha));
        alphas.push(alpha);
    }
    Ok(alphas)
}

/// A_t = max(1, rne(α_t · 2^F)) clamped to AW bits (2^AW − 1). α must be finite and positive.
pub fn alpha_codes(alphas: &[f64], format: &NumericFormat) -> Result<Vec<i64>, ModelError> {
    let one = (format.frac_bits as f64).exp2();
    let top = unsigned_max(format.alpha_bits);
    alphas
        .iter()
        .enumerate()
        .map(|(t, &a)| {
            if !a.is_finite() || a <= 0.0 {
                return Err(ModelError::value(
                    "alphas",
                    Some(&[t]),
                    a,
                    "α must be finite and > 0",
                ));
            }
            Ok(rne(a * one).clamp(1, top))
        })
        .collect()
}

/// Output scale codes M_t and the shift S.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputScale {
    pub codes: Vec<i64>,
    pub shift: u32,
}

/// M_t = rne(α_t · s · 2^F · 2^S) with S the largest value ≤ `max_shift` for which every
/// M_t < 2^MBW.
pub fn output_scales(
    alphas: &[f64],
    weight_scale: f64,
    format: &NumericFormat,
    max_shift: u32,
) -> Result<OutputScale, ModelError> {
    let limit = 1i64 << format.scale_bits.min(62);
    let unit = weight_scale * (format.frac_bits as f64).exp2();
    let codes_at = |s: u32| -> Vec<i64> {
        alphas
            .iter()
            .map(|a| rne(a * unit * (s as f64).exp2()))
            .collect()
    };
    for shift in (0..=max_shift.min(62)).rev() {
        let codes = codes_at(shift);
        if codes.iter().all(|&m| m < limit) {
            return Ok(OutputScale { codes, shift });
        }
    }
    let largest = alphas.iter().fold(0.0f64, |m, a| m.max(*a)) * unit;
    Err(ModelError::value(
        "output scale α·weight_scale·2^F",
        None,
        largest,
        format!(
            "needs more than scale_bits = {} bits even at S = 0; raise format.scale_bits or lower \
             format.frac_bits",
            format.scale_bits
        ),
    ))
}

/// The largest S the hardware's OUT_SHIFT register holds (capped at 62).
pub fn max_out_shift(params: &Params) -> u32 {
    ((1u64 << params.derived.out_shift_bits.min(32)) - 1).min(62) as u32
}

/// Every code of one calibrated layer apart from the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub alpha_mode: AlphaMode,
    pub alphas: Vec<f64>,
    /// A_t as calibrated (what `exact` uses).
    pub alpha_codes: Vec<i64>,
    /// A_t in the alpha mode (what the neuron multiplies by).
    pub alpha_effective: Vec<i64>,
    pub weight_scale: f64,
    pub scale_codes: Vec<i64>,
    pub scale_effective: Vec<i64>,
    pub out_shift: u32,
}

/// A layer in codes, ready for [`SpikeLinear`].
#[derive(Debug, Clone, PartialEq)]
pub struct QuantisedLayer {
    pub x: Array3<i64>,
    pub w: Array2<i64>,
    pub bias: Array1<i64>,
    pub calibration: Calibration,
}

impl QuantisedLayer {
    pub fn spike_linear(&self, format: &NumericFormat) -> Result<SpikeLinear, ModelError> {
        SpikeLinear::new(
            self.w.clone(),
            self.bias.clone(),
            self.calibration.alpha_effective.clone(),
            self.calibration.scale_effective.clone(),
            self.calibration.out_shift,
            format,
        )
    }
}

/// Turn a float layer into codes. `alphas`: given α per time step, or `None` to calibrate them
/// from `x`. `max_shift`: the largest S (see [`max_out_shift`]).
pub fn quantise_layer(
    x: ArrayView3<f64>,
    w: ArrayView2<f64>,
    bias: Option<ArrayView1<f64>>,
    alphas: Option<&[f64]>,
    format: &NumericFormat,
    max_shift: u32,
) -> Result<QuantisedLayer, ModelError> {
    let xq = input_codes(x, format)?;
    let wq = weight_codes(w, format.weight_bits)?;
    if w.ncols() != x.len_of(Axis(2)) {
        return Err(ModelError::shape(
            "w",
            w.shape(),
            format!("needs [Dout, Din = {}] to match x", x.len_of(Axis(2))),
        ));
    }
    let bq = match bias {
        Some(b) if b.len() != w.nrows() => {
            return Err(ModelError::shape(
                "bias",
                b.shape(),
                format!("needs Dout = {} entries", w.nrows()),
            ))
        }
        Some(b) => bias_codes(b, format)?,
        None => Array1::zeros(w.nrows()),
    };
    let alphas = match alphas {
        Some(a) if a.len() != x.len_of(Axis(0)) => {
            return Err(ModelError::shape(
                "alphas",
                &[a.len()],
                format!("needs one α per time step of x (T = {})", x.len_of(Axis(0))),
            ))
        }
        Some(a) => a.to_vec(),
        None => alphas_from_data(x, format.frac_bits)?,
    };
    let alpha_codes = alpha_codes(&alphas, format)?;
    let scale = output_scales(&alphas, wq.scale, format, max_shift)?;
    let mode = format.alpha_mode;
    let calibration = Calibration {
        alpha_mode: mode,
        alpha_effective: alpha_codes
            .iter()
            .map(|&a| effective_code(a, mode))
            .collect(),
        alpha_codes,
        alphas,
        weight_scale: wq.scale,
        scale_effective: scale
            .codes
            .iter()
            .map(|&m| effective_code(m, mode))
            .collect(),
        scale_codes: scale.codes,
        out_shift: scale.shift,
    };
    Ok(QuantisedLayer {
        x: xq,
        w: wq.codes,
        bias: bq,
        calibration,
    })
}

/// An output code as a float: Y / 2^F.
pub fn dequantise(y: i64, format: &NumericFormat) -> f64 {
    y as f64 * (-(format.frac_bits as f64)).exp2()
}

/// Fraction of positions where two spike arrays agree (1.0 for two empty arrays).
pub fn spike_agreement(a: ArrayView3<i8>, b: ArrayView3<i8>) -> Result<f64, ModelError> {
    if a.shape() != b.shape() {
        return Err(ModelError::shape(
            "b",
            b.shape(),
            format!("must match a {:?}", a.shape()),
        ));
    }
    if a.is_empty() {
        return Ok(1.0);
    }
    let same = ndarray::Zip::from(&a)
        .and(&b)
        .fold(0usize, |n, x, y| n + usize::from(x == y));
    Ok(same as f64 / a.len() as f64)
}

/// How far the integer spikes are from the float model's and from the exact mode's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fidelity {
    pub alpha_mode: AlphaMode,
    /// Spikes identical between this mode's effective α codes and exact codes.
    pub mode_vs_exact: f64,
    /// Spikes identical between the integer model (exact codes) and the float model.
    pub integer_vs_float: f64,
    /// Spikes identical between this mode's integer model and the float model.
    pub mode_vs_float: f64,
}

/// Measure [`Fidelity`] of float inputs `x` [T, N, Din] with α per time step.
pub fn fidelity(
    x: ArrayView3<f64>,
    alphas: &[f64],
    format: &NumericFormat,
) -> Result<Fidelity, ModelError> {
    let xq = input_codes(x, format)?;
    let exact = alpha_codes(alphas, format)?;
    let mode = format.alpha_mode;
    let effective: Vec<i64> = exact.iter().map(|&a| effective_code(a, mode)).collect();
    let (_, q_exact) = neuron::encode_layer(format, xq.view(), &exact)?;
    let (_, q_mode) = neuron::encode_layer(format, xq.view(), &effective)?;
    let float = float_model::neuron(x, alphas)?;
    Ok(Fidelity {
        alpha_mode: mode,
        mode_vs_exact: spike_agreement(q_exact.view(), q_mode.view())?,
        integer_vs_float: spike_agreement(q_exact.view(), float.q.view())?,
        mode_vs_float: spike_agreement(q_mode.view(), float.q.view())?,
    })
}

/// A copy of `format` in another alpha mode.
pub fn with_mode(format: &NumericFormat, mode: AlphaMode) -> NumericFormat {
    NumericFormat {
        alpha_mode: mode,
        ..format.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::preset;
    use crate::model::gauss::Gauss;
    use ndarray::array;

    fn format() -> NumericFormat {
        preset("spikelm-bert-tiny").expect("preset").format
    }

    #[test]
    fn inputs_round_half_even_and_saturate() {
        let f = format(); // F = 10, XW = 16
        let x = array![[[0.5 / 1024.0, 1.5 / 1024.0, -2.5 / 1024.0, 100.0, -100.0]]];
        let q = input_codes(x.view(), &f).expect("finite");
        assert_eq!(q, array![[[0i64, 2, -2, 32767, -32768]]]);
        let e = input_codes(array![[[1.0, f64::NAN]]].view(), &f)
            .expect_err("NaN")
            .to_string();
        assert!(
            e.contains("x[0, 0, 1] = NaN") && e.contains("finite"),
            "{e}"
        );
        assert!(input_codes(Array3::zeros((0, 1, 1)).view(), &f).is_err());
    }

    #[test]
    fn weights_are_symmetric_max_abs() {
        let w = array![[0.5, -1.0], [0.25, 0.0]];
        let q = weight_codes(w.view(), 8).expect("finite");
        assert_eq!(q.scale, 1.0 / 127.0);
        assert_eq!(q.codes, array![[64i64, -127], [32, 0]]); // 63.5 -> 64, 31.75 -> 32
        assert_eq!(
            weight_codes(Array2::zeros((1, 2)).view(), 8)
                .expect("zeros")
                .scale,
            1.0
        );
    }

    #[test]
    fn alphas_follow_the_float_recurrence() {
        // Two inputs, T = 2. α_0 = 2·mean(|1|, |-3|) = 4; q_0 = round(0.25) = 0, round(-0.75) = -1.
        // u_1 = 0.25·4·1·1 + 1 = 2 and 0.25·4·2·(-3) + 0 = -6: α_1 = 2·mean(2, 6) = 8.
        let x = array![[[1.0, -3.0]], [[1.0, 0.0]]];
        assert_eq!(
            alphas_from_data(x.view(), 10).expect("finite"),
            vec![4.0, 8.0]
        );
        let zero = Array3::zeros((1, 1, 3));
        assert_eq!(
            alphas_from_data(zero.view(), 10).expect("finite"),
            vec![1.0 / 1024.0]
        );
    }

    #[test]
    fn alpha_codes_clamp_both_ends() {
        let f = format();
        let codes = alpha_codes(&[1.0, 1e-9, 1e6, 1.6], &f).expect("positive");
        assert_eq!(codes, vec![1024, 1, 65535, rne(1.6 * 1024.0)]);
        assert!(alpha_codes(&[0.0], &f).is_err());
        assert!(alpha_codes(&[f64::INFINITY], &f).is_err());
    }

    #[test]
    fn out_shift_is_the_largest_that_fits() {
        let f = format(); // MBW = 16
        let s = output_scales(&[1.0, 2.0], 1.0 / 1024.0, &f, 40).expect("fits");
        // α·s·2^F = 1 and 2: 2·2^S < 2^16 -> S = 14, M = 2^14 and 2^15.
        assert_eq!(
            s,
            OutputScale {
                codes: vec![1 << 14, 1 << 15],
                shift: 14
            }
        );
        let s = output_scales(&[1.0], 1.0 / 1024.0, &f, 3).expect("fits");
        assert_eq!(s.shift, 3);
        let e = output_scales(&[1e6], 1.0, &f, 10)
            .expect_err("too large")
            .to_string();
        assert!(e.contains("scale_bits = 16"), "{e}");
    }

    #[test]
    fn scale_reproduces_the_float_output() {
        let f = format();
        let mut g = Gauss::new(3);
        let x = Array3::from_shape_fn((4, 8, 32), |_| g.normal());
        let w = Array2::from_shape_fn((16, 32), |_| 0.05 * g.normal());
        let b = Array1::from_shape_fn(16, |_| 0.1 * g.normal());
        let layer =
            quantise_layer(x.view(), w.view(), Some(b.view()), None, &f, 40).expect("valid");
        let trace = layer
            .spike_linear(&f)
            .expect("valid")
            .run(layer.x.view())
            .expect("valid");
        let wf = layer.w.mapv(|v| v as f64 * layer.calibration.weight_scale);
        let yf = float_model::linear(
            trace.q.view(),
            wf.view(),
            b.view(),
            &layer.calibration.alphas,
        )
        .expect("shapes");
        for (&y, &want) in trace.y.iter().zip(yf.iter()) {
            // Same spikes: the only error is the rounding of M, S and B (a few LSBs).
            assert!(
                (dequantise(y, &f) - want).abs() < 4.0 / 1024.0,
                "{y} vs {want}"
            );
        }
    }

    #[test]
    fn fidelity_is_one_for_identical_and_high_for_exact() {
        let f = format();
        let mut g = Gauss::new(5);
        let x = Array3::from_shape_fn((4, 32, 64), |_| g.normal());
        let alphas = alphas_from_data(x.view(), f.frac_bits).expect("finite");
        let exact = fidelity(x.view(), &alphas, &f).expect("valid");
        assert_eq!(exact.mode_vs_exact, 1.0);
        assert!(exact.integer_vs_float > 0.99, "{exact:?}");
        let pow2 = fidelity(x.view(), &alphas, &with_mode(&f, AlphaMode::Pow2)).expect("valid");
        assert!(pow2.mode_vs_exact < 1.0, "{pow2:?}");
    }
}
