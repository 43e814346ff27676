//! One SpikeLinear site in integer codes with a scale per output column (or one per tensor),
//! and its own fixed-point formats: F_in for inputs, membranes and α codes, F_out for outputs
//! and biases.
//!
//! The arithmetic is docs/arithmetic.md section 2 with the amplitude stage's scale indexed by column:
//! `Y_t[n][j] = sat_YW(R(ACC_t[n][j] · M_t[j], S) + B[j])`, M_t[j] / 2^S = α_t · s_j · 2^F_out,
//! s_j the weight scale of output column j. With one scale per tensor every column holds the
//! same M_t and the site is exactly [`SpikeLinear`] (the tests check it).

use super::Linear;
use crate::config::NumericFormat;
use crate::model::calibrate::{self, alpha_codes, bias_codes, output_scales};
use crate::model::csd::effective_code;
use crate::model::fixed::{rne, unsigned_max};
use crate::model::{ModelError, SpikeLinear};
use crate::units::neuron::encode_layer;
use crate::units::out_stage::amplitude;
use crate::units::pe::{accumulate_spikes, PackedWeights};
use ndarray::{Array1, Array2, Array3, ArrayView3, Axis};
use serde::{Deserialize, Serialize};

/// How weights are scaled to WB-bit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeightScale {
    /// One max-abs scale per output column (row of W): outliers stay in their own column.
    #[default]
    PerChannel,
    /// One max-abs scale for the whole matrix.
    PerTensor,
}

impl std::fmt::Display for WeightScale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WeightScale::PerChannel => "per-channel",
            WeightScale::PerTensor => "per-tensor",
        })
    }
}

impl std::str::FromStr for WeightScale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "per-channel" => Ok(WeightScale::PerChannel),
            "per-tensor" => Ok(WeightScale::PerTensor),
            _ => Err(format!("`{s}`: expected per-channel or per-tensor")),
        }
    }
}

/// Symmetric WB-bit codes of W [Dout, Din] and the scale of each output column.
pub fn weight_codes(
    w: &Array2<f64>,
    weight_bits: u32,
    mode: WeightScale,
) -> Result<(Array2<i64>, Vec<f64>), ModelError> {
    match mode {
        WeightScale::PerTensor => {
            let c = calibrate::weight_codes(w.view(), weight_bits)?;
            Ok((c.codes, vec![c.scale; w.nrows()]))
        }
        WeightScale::PerChannel => {
            let mut codes = Array2::zeros(w.raw_dim());
            let mut scales = Vec::with_capacity(w.nrows());
            for (j, row) in w.outer_iter().enumerate() {
                let c = calibrate::weight_codes(row.insert_axis(Axis(0)), weight_bits)?;
                codes.row_mut(j).assign(&c.codes.row(0));
                scales.push(c.scale);
            }
            Ok((codes, scales))
        }
    }
}

/// Everything the engine holds for one site, validated.
#[derive(Debug, Clone)]
pub struct QuantSite {
    /// The input format: `frac_bits` is F_in.
    pub format: NumericFormat,
    /// Fractional bits of the output codes and biases.
    pub frac_out: u32,
    pub weight_scale: WeightScale,
    pub w: Array2<i64>,
    /// s_j per output column (all equal per tensor).
    pub column_scales: Vec<f64>,
    pub bias: Array1<i64>,
    pub alphas: Vec<f64>,
    /// Effective α codes A_t (F_in fractional bits).
    pub alpha_codes: Vec<i64>,
    /// Effective scale codes M_t[j], [T, Dout].
    pub scale_codes: Array2<i64>,
    pub out_shift: u32,
    packed: PackedWeights,
}

/// One integer run of a site.
#[derive(Debug, Clone)]
pub struct SiteRun {
    pub q: Array3<i8>,
    pub acc: Array3<i64>,
    pub y: Array3<i64>,
}

impl QuantSite {
    /// Quantise a float site: weights by `mode`, α codes in F_in = `format.frac_bits`, outputs
    /// and biases in `frac_out`, S the largest ≤ `max_shift` that keeps every M_t[j] in MBW bits.
    pub fn quantise(
        linear: &Linear,
        alphas: &[f64],
        format: &NumericFormat,
        frac_out: u32,
        mode: WeightScale,
        max_shift: u32,
    ) -> Result<Self, ModelError> {
        let (w, column_scales) = weight_codes(&linear.w, format.weight_bits, mode)?;
        let out_fmt = NumericFormat {
            frac_bits: frac_out,
            ..format.clone()
        };
        let bias = bias_codes(linear.b.view(), &out_fmt)?;
        let codes = alpha_codes(alphas, format)?;
        let products: Vec<f64> = alphas
            .iter()
            .flat_map(|a| column_scales.iter().map(move |s| a * s))
            .collect();
        let scale = output_scales(&products, 1.0, &out_fmt, max_shift)?;
        let mode_a = format.alpha_mode;
        let scale_codes = Array2::from_shape_vec(
            (alphas.len(), column_scales.len()),
            scale
                .codes
                .iter()
                .map(|&m| effective_code(m, mode_a))
                .collect(),
        )
        .map_err(|e| ModelError::shape("scale_codes", &[scale.codes.len()], e.to_string()))?;
        Self::from_codes(
            format.clone(),
            frac_out,
            mode,
            w,
            column_scales,
            bias,
            alphas.to_vec(),
            codes.iter().map(|&a| effective_code(a, mode_a)).collect(),
            scale_codes,
            scale.shift,
        )
    }

    /// Build from codes (e.g. read from a package), checking every range the hardware relies on.
    #[allow(clippy::too_many_arguments)]
    pub fn from_codes(
        format: NumericFormat,
        frac_out: u32,
        weight_scale: WeightScale,
        w: Array2<i64>,
        column_scales: Vec<f64>,
        bias: Array1<i64>,
        alphas: Vec<f64>,
        alpha_codes: Vec<i64>,
        scale_codes: Array2<i64>,
        out_shift: u32,
    ) -> Result<Self, ModelError> {
        let steps = alpha_codes.len();
        let dout = w.nrows();
        if scale_codes.dim() != (steps, dout) {
            return Err(ModelError::shape(
                "scale_codes",
                scale_codes.shape(),
                format!("needs [T = {steps}, Dout = {dout}]"),
            ));
        }
        if column_scales.len() != dout || alphas.len() != steps {
            return Err(ModelError::shape(
                "column_scales",
                &[column_scales.len(), alphas.len()],
                format!("needs Dout = {dout} column scales and T = {steps} α"),
            ));
        }
        // The engine's layer checks weights, bias, α and scale codes, shift and accumulator width.
        SpikeLinear::with_column_scales(
            w.clone(),
            bias.clone(),
            alpha_codes.clone(),
            scale_codes.clone(),
            out_shift,
            &format,
        )?;
        let packed = PackedWeights::pack(w.view());
        Ok(QuantSite {
            format,
            frac_out,
            weight_scale,
            w,
            column_scales,
            bias,
            alphas,
            alpha_codes,
            scale_codes,
            out_shift,
            packed,
        })
    }

    pub fn time_steps(&self) -> usize {
        self.alpha_codes.len()
    }

    /// Whether every column has the same scale codes (one weight scale per tensor).
    pub fn is_per_tensor(&self) -> bool {
        self.scale_codes
            .outer_iter()
            .all(|r| r.iter().all(|&m| m == r[0]))
    }

    /// The site as the [`SpikeLinear`] the engine runs (a scale code per time step and column).
    pub fn spike_linear(&self) -> Result<SpikeLinear, ModelError> {
        SpikeLinear::with_column_scales(
            self.w.clone(),
            self.bias.clone(),
            self.alpha_codes.clone(),
            self.scale_codes.clone(),
            self.out_shift,
            &self.format,
        )
    }

    /// Float inputs to input codes X = sat_XW(rne(x · 2^F_in)).
    pub fn input_codes(&self, x: ArrayView3<f64>) -> Result<Array3<i64>, ModelError> {
        calibrate::input_codes(x, &self.format)
    }

    /// Run on input codes `x` [T, N, Din].
    pub fn run_codes(&self, x: ArrayView3<i64>) -> Result<SiteRun, ModelError> {
        let (t, n, din) = x.dim();
        if t != self.time_steps() || din != self.w.ncols() {
            return Err(ModelError::shape(
                "x",
                x.shape(),
                format!(
                    "needs [T = {}, N, Din = {}]",
                    self.time_steps(),
                    self.w.ncols()
                ),
            ));
        }
        let (_, q) = encode_layer(&self.format, x, &self.alpha_codes)?;
        let qs = q.as_standard_layout();
        let acc = accumulate_spikes(qs.as_slice().unwrap_or(&[]), &self.packed);
        let dout = self.w.nrows();
        let yw = self.format.output_bits;
        let mut y = Array3::<i64>::zeros((t, n, dout));
        let mut acc3 = Array3::<i64>::zeros((t, n, dout));
        for ((idx, y), a) in y.indexed_iter_mut().zip(acc.iter()) {
            let (step, _, j) = idx;
            *y = amplitude(
                i64::from(*a),
                self.scale_codes[[step, j]],
                self.out_shift,
                self.bias[j],
                yw,
            );
        }
        for (dst, a) in acc3.iter_mut().zip(acc.iter()) {
            *dst = i64::from(*a);
        }
        Ok(SiteRun { q, acc: acc3, y })
    }

    /// Run on float inputs; outputs dequantised (Y / 2^F_out).
    pub fn run(&self, x: ArrayView3<f64>) -> Result<(SiteRun, Array3<f64>), ModelError> {
        let run = self.run_codes(self.input_codes(x)?.view())?;
        let y = self.dequantise(run.y.view());
        Ok((run, y))
    }

    /// The weights the codes stand for, W[j][i] · s_j [Dout, Din]: a float layer with these
    /// differs from the checkpoint's by weight quantisation alone.
    pub fn dequantised_weights(&self) -> Array2<f64> {
        let mut w = self.w.mapv(|v| v as f64);
        for (mut row, &s) in w.outer_iter_mut().zip(&self.column_scales) {
            row *= s;
        }
        w
    }

    pub fn dequantise(&self, y: ArrayView3<i64>) -> Array3<f64> {
        let k = (-(self.frac_out as f64)).exp2();
        y.mapv(|v| v as f64 * k)
    }
}

/// α code of a memoryless quantiser on a site's output codes: A = max(1, rne(α·2^F_out)), in
/// the alpha mode. An α whose code needs more than AW bits is an error, never a clamp: a clamped
/// threshold makes nearly every K or V spike ±1 ([`frac_out_for_quantiser`] picks an F_out where
/// it fits).
pub fn quantiser_codes(
    alphas: &[f64],
    frac_out: u32,
    format: &NumericFormat,
) -> Result<Vec<i64>, ModelError> {
    let one = (frac_out as f64).exp2();
    let top = unsigned_max(format.alpha_bits);
    alphas
        .iter()
        .enumerate()
        .map(|(t, &a)| {
            let code = rne(a * one).max(1);
            if code > top {
                return Err(ModelError::value(
                    "quantiser alphas",
                    Some(&[t]),
                    a,
                    format!(
                        "its code at F_out = {frac_out} is {code}, above the {}-bit α code's \
                         {top}; lower F_out",
                        format.alpha_bits
                    ),
                ));
            }
            Ok(effective_code(code, format.alpha_mode))
        })
        .collect()
}

/// The largest F ≤ `frac_out` at which every α of a memoryless quantiser on the site's outputs
/// has a code within AW bits (rne(α·2^F) ≤ 2^AW − 1). With YW ≤ AW the output headroom rule
/// already guarantees it; wider outputs (`format.output_bits`, `--frac-out-max`) need it.
pub fn frac_out_for_quantiser(frac_out: u32, alphas: &[f64], format: &NumericFormat) -> u32 {
    let top = unsigned_max(format.alpha_bits);
    let amax = alphas.iter().fold(0.0f64, |m, &a| m.max(a));
    (0..=frac_out)
        .rev()
        .find(|&f| rne(amax * (f as f64).exp2()) <= top)
        .unwrap_or(0)
}

/// The F_in in `candidates` whose integer spikes agree best with the float neuron's spikes
/// `float_q` on `x` (ties to the smaller F), skipping any F where an α code would clamp at
/// 2^AW − 1. Returns (F_in, agreement).
pub fn choose_frac_in(
    x: ArrayView3<f64>,
    float_q: ArrayView3<i8>,
    alphas: &[f64],
    format: &NumericFormat,
    candidates: std::ops::RangeInclusive<u32>,
) -> Result<(u32, f64), ModelError> {
    let top = unsigned_max(format.alpha_bits) as f64;
    let amax = alphas.iter().fold(0.0f64, |m, &a| m.max(a));
    let mut best: Option<(u32, f64)> = None;
    for f in candidates {
        if amax * (f as f64).exp2() >= top && best.is_some() {
            break;
        }
        let fmt = NumericFormat {
            frac_bits: f,
            ..format.clone()
        };
        let codes = calibrate::input_codes(x, &fmt)?;
        let a: Vec<i64> = alpha_codes(alphas, &fmt)?
            .iter()
            .map(|&a| effective_code(a, fmt.alpha_mode))
            .collect();
        let (_, q) = encode_layer(&fmt, codes.view(), &a)?;
        let agreement = calibrate::spike_agreement(q.view(), float_q)?;
        if best.is_none_or(|(_, b)| agreement > b) {
            best = Some((f, agreement));
        }
    }
    best.ok_or_else(|| ModelError::shape("candidates", &[0], "needs at least one F"))
}

/// The largest F_out ≤ `max` for which the largest |y| keeps one bit of headroom in YW bits.
pub fn choose_frac_out(y: ArrayView3<f64>, format: &NumericFormat, max: u32) -> u32 {
    let ymax = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let limit = (format.output_bits as f64 - 2.0).exp2();
    (0..=max)
        .rev()
        .find(|&f| ymax * (f as f64).exp2() < limit)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::preset;
    use crate::model::gauss::Gauss;

    fn format() -> NumericFormat {
        preset("spikelm-bert-tiny").expect("preset").format
    }

    fn linear(g: &mut Gauss, dout: usize, din: usize) -> Linear {
        let mut w = Array2::from_shape_fn((dout, din), |_| 0.05 * g.normal());
        w[[1, 2]] = 4.0; // an outlier in column 1
        Linear {
            w,
            b: Array1::from_shape_fn(dout, |_| 0.1 * g.normal()),
        }
    }

    #[test]
    fn per_tensor_site_equals_spike_linear() {
        let mut g = Gauss::new(7);
        let f = format();
        let lin = linear(&mut g, 12, 20);
        let x = Array3::from_shape_fn((4, 5, 20), |_| g.normal());
        let site = QuantSite::quantise(
            &lin,
            &[0.8, 0.9, 1.1, 1.0],
            &f,
            10,
            WeightScale::PerTensor,
            40,
        )
        .expect("valid");
        assert!(site.is_per_tensor());
        let codes = site.input_codes(x.view()).expect("finite");
        let run = site.run_codes(codes.view()).expect("valid");
        let sl = site.spike_linear().expect("valid");
        let trace = sl.run(codes.view()).expect("valid");
        assert_eq!((run.q, run.acc, run.y), (trace.q, trace.acc, trace.y));
    }

    #[test]
    fn per_channel_scales_keep_small_columns_accurate() {
        let mut g = Gauss::new(8);
        let f = format();
        let lin = linear(&mut g, 12, 64);
        let alphas = [1.0; 4];
        let x = Array3::from_shape_fn((4, 16, 64), |_| g.normal());
        let err = |mode| {
            let site = QuantSite::quantise(&lin, &alphas, &f, 10, mode, 40).expect("valid");
            let (run, y) = site.run(x.view()).expect("valid");
            // The float layer on the same spikes: only the weight and output rounding differ.
            let want = crate::model::float_model::linear(
                run.q.view(),
                lin.w.view(),
                lin.b.view(),
                &alphas,
            )
            .expect("shapes");
            // Every column but the outlier's (column 1).
            let (mut d, mut n) = (0.0, 0.0);
            for ((idx, &v), &want) in y.indexed_iter().zip(want.iter()) {
                if idx.2 != 1 {
                    d += (v - want) * (v - want);
                    n += want * want;
                }
            }
            (d / n).sqrt()
        };
        let (tensor, channel) = (err(WeightScale::PerTensor), err(WeightScale::PerChannel));
        assert!(channel < 0.01, "per channel {channel}");
        assert!(
            tensor > 3.0 * channel,
            "per tensor {tensor} vs per channel {channel}"
        );
        let site =
            QuantSite::quantise(&lin, &alphas, &f, 10, WeightScale::PerChannel, 40).expect("valid");
        assert!(!site.is_per_tensor());
        // The per-column site is the engine's layer with column scales, value for value.
        let codes = site.input_codes(x.view()).expect("finite");
        let run = site.run_codes(codes.view()).expect("valid");
        let trace = site
            .spike_linear()
            .expect("valid")
            .run(codes.view())
            .expect("valid");
        assert_eq!((run.q, run.acc, run.y), (trace.q, trace.acc, trace.y));
    }

    #[test]
    fn quantiser_alpha_codes_fit_or_are_refused() {
        // YW = 24 lets F_out reach 20, where α = 1.4 needs a 21-bit code: AW = 16 cannot hold it.
        let f = NumericFormat {
            output_bits: 24,
            ..format()
        };
        let alphas = [1.4, 1.6];
        let e = quantiser_codes(&alphas, 20, &f).expect_err("does not fit");
        assert!(e.to_string().contains("F_out = 20"), "{e}");
        let fq = frac_out_for_quantiser(20, &alphas, &f);
        assert_eq!(fq, 15, "1.6 · 2^15 = 52429 ≤ 65535 < 1.6 · 2^16");
        let codes = quantiser_codes(&alphas, fq, &f).expect("fits");
        assert_eq!(codes, vec![rne(1.4 * 32768.0), rne(1.6 * 32768.0)]);
        // Where the codes already fit, F_out is kept.
        assert_eq!(frac_out_for_quantiser(12, &alphas, &f), 12);
    }

    #[test]
    fn frac_out_leaves_headroom() {
        let f = format(); // YW = 16: |y| · 2^F < 2^14
        let y = Array3::from_elem((1, 1, 1), 3.0);
        assert_eq!(choose_frac_out(y.view(), &f, 14), 12);
        let y = Array3::from_elem((1, 1, 1), 100.0);
        assert_eq!(choose_frac_out(y.view(), &f, 14), 7);
    }
}
