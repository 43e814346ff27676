//! The whole integer layer: neuron → accumulate → amplitude, with a value-by-value trace for the
//! co-simulation, and the INT8 multiply-accumulate baseline with the same amplitude stage.

use super::error::check_range;
use super::fixed::{signed_range, unsigned_max};
use super::ModelError;
use crate::config::NumericFormat;
use crate::units::neuron::encode_layer;
use crate::units::pe::{accumulate_int8, accumulate_spikes, PackedWeights};
use crate::units::rate_counters::Counters;
use ndarray::{Array1, Array2, Array3, ArrayView2, ArrayView3};

/// Every value of one SpikeLinear run, all indexed [T, N, ·] (time step, token, feature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpikeLinearTrace {
    /// Membrane U_t after saturation, [T, N, Din].
    pub u: Array3<i64>,
    /// Spikes q_t in {−1, 0, +1}, [T, N, Din].
    pub q: Array3<i8>,
    /// Accumulators ACC_t, [T, N, Dout].
    pub acc: Array3<i64>,
    /// Output codes Y_t (F fractional bits, YW bits), [T, N, Dout].
    pub y: Array3<i64>,
    /// Firing-rate counters per time step.
    pub counters: Counters,
}

/// What the neuron and the amplitude stage share between the ternary layer and the INT8 baseline:
/// packed weights, bias, output shift and format, validated once.
#[derive(Debug, Clone)]
struct OutputStage {
    weights: PackedWeights,
    bias: Array1<i64>,
    out_shift: u32,
    format: NumericFormat,
}

impl OutputStage {
    /// `act_max`: the largest |activation| of one term (1 for spikes, 128 for INT8).
    fn new(
        w: &Array2<i64>,
        bias: &Array1<i64>,
        out_shift: u32,
        format: &NumericFormat,
        act_max: i64,
    ) -> Result<Self, ModelError> {
        let (dout, din) = w.dim();
        if dout == 0 || din == 0 {
            return Err(ModelError::shape(
                "w",
                w.shape(),
                "needs [Dout, Din] with Dout, Din ≥ 1",
            ));
        }
        let wb = format.weight_bits;
        if !(2..=16).contains(&wb) {
            return Err(ModelError::value(
                "format.weight_bits",
                None,
                wb,
                "must be 2..=16",
            ));
        }
        let wmax = unsigned_max(wb - 1);
        check_range("w", w, -wmax, wmax, "weights are symmetric WB-bit codes")?;
        // The accumulator is 32 bits (the configuration refuses wider; .npy carries int32).
        let bound = din as i128 * wmax as i128 * act_max as i128;
        if bound > i32::MAX as i128 {
            return Err(ModelError::shape(
                "w",
                w.shape(),
                format!(
                    "a reduction over Din = {din} of {wb}-bit weights can reach {bound}, beyond a \
                     32-bit accumulator"
                ),
            ));
        }
        if bias.len() != dout {
            return Err(ModelError::shape(
                "bias",
                bias.shape(),
                format!("needs Dout = {dout} entries"),
            ));
        }
        let (lo, hi) = signed_range(format.output_bits);
        check_range("bias", bias, lo, hi, "bias codes are YW-bit signed")?;
        if format.scale_bits > 31 {
            return Err(ModelError::value(
                "format.scale_bits",
                None,
                format.scale_bits,
                "must be ≤ 31",
            ));
        }
        if out_shift > 62 {
            return Err(ModelError::value(
                "out_shift",
                None,
                out_shift,
                "must be 0..=62",
            ));
        }
        Ok(OutputStage {
            weights: PackedWeights::pack(w.view()),
            bias: bias.clone(),
            out_shift,
            format: format.clone(),
        })
    }

    /// Y from accumulators `acc` (row-major [rows, Dout]) with the scale code `m[j]` of each
    /// column: [`amplitude`] in 64-bit arithmetic only (|ACC| < 2^31, M ≤ 2^31, S ≤ 62 are
    /// checked in `new`, so ACC·M + 2^(S-1) < 2^63; the tests compare it with `amplitude`).
    fn scale_row_major(&self, acc: &[i32], m: &[i64], y: &mut [i64]) {
        let dout = self.weights.dout();
        let s = self.out_shift;
        let half = if s == 0 { 0 } else { 1i64 << (s - 1) };
        let (lo, hi) = signed_range(self.format.output_bits);
        for (acc_row, y_row) in acc.chunks_exact(dout).zip(y.chunks_exact_mut(dout)) {
            for (((y, &a), &b), &m) in y_row.iter_mut().zip(acc_row).zip(&self.bias).zip(m) {
                *y = (((a as i64 * m + half) >> s) + b).clamp(lo, hi);
            }
        }
    }

    /// Check scale codes [steps, Dout]: the shape and the effective range 0..=2^MBW.
    fn check_scales(&self, scale_codes: &Array2<i64>, steps: usize) -> Result<(), ModelError> {
        let dout = self.weights.dout();
        if scale_codes.dim() != (steps, dout) {
            return Err(ModelError::shape(
                "scale_codes",
                scale_codes.shape(),
                format!("needs one code per time step and column, [T = {steps}, Dout = {dout}]"),
            ));
        }
        let mmax = 1i64 << self.format.scale_bits.min(62);
        check_range("scale_codes", scale_codes, 0, mmax, "effective scale codes")
    }
}

/// Scale codes per time step broadcast to every one of `dout` columns ([T, Dout]).
fn per_step(scale_codes: &[i64], dout: usize) -> Array2<i64> {
    Array2::from_shape_fn((scale_codes.len(), dout), |(t, _)| scale_codes[t])
}

/// One SpikeLinear site in integer codes (docs/arithmetic.md).
#[derive(Debug, Clone)]
pub struct SpikeLinear {
    stage: OutputStage,
    alpha_codes: Vec<i64>,
    /// M_t[j], [T, Dout] (every column equal for one scale per tensor).
    scale_codes: Array2<i64>,
}

impl SpikeLinear {
    /// `w` [Dout, Din] WB-bit weight codes, `bias` \[Dout\] output codes, `alpha_codes` the
    /// effective α code A_t per time step (1..=2^AW), `scale_codes` the effective output scale
    /// M_t per time step (0..=2^MBW), the same for every column, `out_shift` S.
    pub fn new(
        w: Array2<i64>,
        bias: Array1<i64>,
        alpha_codes: Vec<i64>,
        scale_codes: Vec<i64>,
        out_shift: u32,
        format: &NumericFormat,
    ) -> Result<Self, ModelError> {
        if scale_codes.len() != alpha_codes.len() {
            return Err(ModelError::shape(
                "scale_codes",
                &[scale_codes.len()],
                format!("needs one code per time step, T = {}", alpha_codes.len()),
            ));
        }
        let m = per_step(&scale_codes, w.nrows());
        Self::with_column_scales(w, bias, alpha_codes, m, out_shift, format)
    }

    /// As [`SpikeLinear::new`] with a scale code per time step and output column:
    /// `scale_codes[t][j]` = M_t[j], [T, Dout] (docs/arithmetic.md, "Per-column scale").
    pub fn with_column_scales(
        w: Array2<i64>,
        bias: Array1<i64>,
        alpha_codes: Vec<i64>,
        scale_codes: Array2<i64>,
        out_shift: u32,
        format: &NumericFormat,
    ) -> Result<Self, ModelError> {
        if format.membrane_bits + format.alpha_bits + 1 > 64 || format.membrane_bits > 62 {
            return Err(ModelError::value(
                "format.membrane_bits",
                None,
                format.membrane_bits,
                "membrane_bits + alpha_bits + 1 must be ≤ 64",
            ));
        }
        let stage = OutputStage::new(&w, &bias, out_shift, format, 1)?;
        if alpha_codes.is_empty() {
            return Err(ModelError::shape(
                "alpha_codes",
                &[0],
                "needs one code per time step (T ≥ 1)",
            ));
        }
        let amax = 1i64 << format.alpha_bits.min(62);
        check_range(
            "alpha_codes",
            &ndarray::aview1(&alpha_codes),
            1,
            amax,
            "effective α codes",
        )?;
        stage.check_scales(&scale_codes, alpha_codes.len())?;
        Ok(SpikeLinear {
            stage,
            alpha_codes,
            scale_codes,
        })
    }

    pub fn time_steps(&self) -> usize {
        self.alpha_codes.len()
    }
    pub fn din(&self) -> usize {
        self.stage.weights.din()
    }
    pub fn dout(&self) -> usize {
        self.stage.weights.dout()
    }
    pub fn alpha_codes(&self) -> &[i64] {
        &self.alpha_codes
    }
    /// M_t[j], [T, Dout].
    pub fn scale_codes(&self) -> ArrayView2<'_, i64> {
        self.scale_codes.view()
    }
    pub fn out_shift(&self) -> u32 {
        self.stage.out_shift
    }
    pub fn format(&self) -> &NumericFormat {
        &self.stage.format
    }

    /// Check input codes `x` [T, N, Din]: shape and XW-bit range.
    pub fn check_input(&self, x: ArrayView3<i64>) -> Result<(), ModelError> {
        let (t, n, din) = x.dim();
        if t != self.time_steps() || din != self.din() || n == 0 {
            return Err(ModelError::shape(
                "x",
                x.shape(),
                format!(
                    "needs [T = {}, N ≥ 1, Din = {}]",
                    self.time_steps(),
                    self.din()
                ),
            ));
        }
        let (lo, hi) = signed_range(self.format().input_bits);
        check_range("x", &x, lo, hi, "input codes are XW-bit signed")
    }

    /// Run the layer on input codes `x` [T, N, Din].
    pub fn run(&self, x: ArrayView3<i64>) -> Result<SpikeLinearTrace, ModelError> {
        self.check_input(x)?;
        let (u, q) = encode_layer(self.format(), x, &self.alpha_codes)?;
        let (acc, y) = self.outputs_unchecked(q.view());
        let counters = Counters::count(q.view(), self.dout());
        Ok(SpikeLinearTrace {
            u,
            q,
            acc,
            y,
            counters,
        })
    }

    /// ACC and Y from spikes `q` [T, N, Din] (values −1, 0, +1), e.g. to replay spikes
    /// recorded from the RTL through the rest of the layer.
    pub fn outputs(&self, q: ArrayView3<i8>) -> Result<(Array3<i64>, Array3<i64>), ModelError> {
        let (t, n, din) = q.dim();
        if t != self.time_steps() || din != self.din() || n == 0 {
            return Err(ModelError::shape(
                "q",
                q.shape(),
                format!(
                    "needs [T = {}, N ≥ 1, Din = {}]",
                    self.time_steps(),
                    self.din()
                ),
            ));
        }
        if let Some((index, v)) = q.indexed_iter().find(|(_, v)| !(-1..=1).contains(*v)) {
            return Err(ModelError::value(
                "q",
                Some(&[index.0, index.1, index.2]),
                v,
                "spikes are −1, 0 or +1",
            ));
        }
        Ok(self.outputs_unchecked(q))
    }

    fn outputs_unchecked(&self, q: ArrayView3<i8>) -> (Array3<i64>, Array3<i64>) {
        let (t, n, _) = q.dim();
        let dout = self.dout();
        let q = q.as_standard_layout();
        let acc = accumulate_spikes(q.as_slice().unwrap_or(&[]), &self.stage.weights);
        let mut y = vec![0i64; acc.len()];
        for (step, (acc_t, y_t)) in acc.chunks(n * dout).zip(y.chunks_mut(n * dout)).enumerate() {
            let m = self.scale_codes.row(step);
            self.stage
                .scale_row_major(acc_t, m.as_slice().unwrap_or(&[]), y_t);
        }
        let acc = Array3::from_shape_vec((t, n, dout), acc.into_iter().map(i64::from).collect());
        let y = Array3::from_shape_vec((t, n, dout), y);
        match (acc, y) {
            (Ok(acc), Ok(y)) => (acc, y),
            // The lengths are t·n·dout by construction.
            _ => unreachable!("accumulator length is T·N·Dout"),
        }
    }
}

/// One INT8 multiply-accumulate run: ACC = Σ x·W and the same amplitude stage with t = 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Int8MacTrace {
    /// [N, Dout]
    pub acc: Array2<i64>,
    /// [N, Dout]
    pub y: Array2<i64>,
}

/// The INT8 baseline layer (array.pe = int8_mac).
#[derive(Debug, Clone)]
pub struct Int8Mac {
    stage: OutputStage,
    /// M[j] per output column.
    scale_codes: Vec<i64>,
}

impl Int8Mac {
    /// One scale code M for every column.
    pub fn new(
        w: Array2<i64>,
        bias: Array1<i64>,
        scale_code: i64,
        out_shift: u32,
        format: &NumericFormat,
    ) -> Result<Self, ModelError> {
        let m = vec![scale_code; w.nrows()];
        Self::with_column_scales(w, bias, m, out_shift, format)
    }

    /// A scale code M[j] per output column.
    pub fn with_column_scales(
        w: Array2<i64>,
        bias: Array1<i64>,
        scale_codes: Vec<i64>,
        out_shift: u32,
        format: &NumericFormat,
    ) -> Result<Self, ModelError> {
        let stage = OutputStage::new(&w, &bias, out_shift, format, 128)?;
        let dout = scale_codes.len();
        let m = Array2::from_shape_vec((1, dout), scale_codes)
            .map_err(|e| ModelError::shape("scale_codes", &[dout], e.to_string()))?;
        stage.check_scales(&m, 1)?;
        Ok(Int8Mac {
            stage,
            scale_codes: m.into_raw_vec_and_offset().0,
        })
    }

    /// Run on INT8 activations `x` [N, Din] (−128..=127).
    pub fn run(&self, x: ArrayView2<i64>) -> Result<Int8MacTrace, ModelError> {
        let (n, din) = x.dim();
        if din != self.stage.weights.din() || n == 0 {
            return Err(ModelError::shape(
                "x",
                x.shape(),
                format!("needs [N ≥ 1, Din = {}]", self.stage.weights.din()),
            ));
        }
        check_range("x", &x, -128, 127, "INT8 activations")?;
        let packed: Vec<i8> = x.iter().map(|&v| v as i8).collect();
        let acc = accumulate_int8(&packed, &self.stage.weights);
        let mut y = vec![0i64; acc.len()];
        self.stage.scale_row_major(&acc, &self.scale_codes, &mut y);
        let dout = self.stage.weights.dout();
        let acc = Array2::from_shape_vec((n, dout), acc.into_iter().map(i64::from).collect());
        let y = Array2::from_shape_vec((n, dout), y);
        match (acc, y) {
            (Ok(acc), Ok(y)) => Ok(Int8MacTrace { acc, y }),
            _ => unreachable!("accumulator length is N·Dout"),
        }
    }
}

/// The INT8 baseline in one call: `x` [N, Din] int8 activations, `w` [Dout, Din] weight codes,
/// `bias` [Dout] output codes, scale code M and shift S (the amplitude stage with t = 0).
pub fn int8_mac(
    x: ArrayView2<i64>,
    w: Array2<i64>,
    bias: Array1<i64>,
    scale_code: i64,
    out_shift: u32,
    format: &NumericFormat,
) -> Result<Int8MacTrace, ModelError> {
    Int8Mac::new(w, bias, scale_code, out_shift, format)?.run(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::preset;
    use crate::model::gauss::Gauss;
    use crate::units::neuron::encode;
    use crate::units::out_stage::amplitude;
    use crate::units::pe::accumulate_reference;

    fn format() -> NumericFormat {
        preset("spikelm-bert-tiny").expect("preset").format
    }

    fn layer(din: usize, dout: usize, seed: u64) -> (SpikeLinear, Array3<i64>) {
        let mut g = Gauss::new(seed);
        let w = Array2::from_shape_fn((dout, din), |_| g.uniform_int(-127, 127));
        let bias = Array1::from_shape_fn(dout, |_| g.uniform_int(-2000, 2000));
        let x = Array3::from_shape_fn((4, 3, din), |_| g.uniform_int(-3000, 3000));
        let sl = SpikeLinear::new(
            w,
            bias,
            vec![1600, 1500, 1700, 1024],
            vec![9, 10, 11, 12],
            3,
            &format(),
        )
        .expect("valid layer");
        (sl, x)
    }

    #[test]
    fn trace_is_the_composition_of_the_units() {
        let (din, dout) = (10, 70);
        let (sl, x) = layer(din, dout, 1);
        let tr = sl.run(x.view()).expect("valid input");
        let f = format();
        for n in 0..3 {
            for i in 0..din {
                let xs: Vec<i64> = (0..4).map(|t| x[[t, n, i]]).collect();
                for (t, &(u, q)) in encode(&f, &xs, sl.alpha_codes()).iter().enumerate() {
                    assert_eq!((tr.u[[t, n, i]], tr.q[[t, n, i]]), (u, q));
                }
            }
        }
        let mut g = Gauss::new(1);
        let w = Array2::from_shape_fn((dout, din), |_| g.uniform_int(-127, 127));
        let bias = Array1::from_shape_fn(dout, |_| g.uniform_int(-2000, 2000));
        for t in 0..4 {
            let acc = accumulate_reference(tr.q.index_axis(ndarray::Axis(0), t), w.view());
            assert_eq!(acc, tr.acc.index_axis(ndarray::Axis(0), t));
            for ((n, j), &a) in acc.indexed_iter() {
                let y = amplitude(a, sl.scale_codes()[[t, j]], 3, bias[j], f.output_bits);
                assert_eq!(tr.y[[t, n, j]], y);
            }
        }
        let c = &tr.counters.per_step[2];
        let q2 = tr.q.index_axis(ndarray::Axis(0), 2);
        assert_eq!(c.pos as usize, q2.iter().filter(|&&q| q == 1).count());
        assert_eq!(c.neg as usize, q2.iter().filter(|&&q| q == -1).count());
        assert_eq!(c.adds as usize, (c.pos + c.neg) as usize * dout);
    }

    #[test]
    fn column_scales_scale_each_column_with_its_own_code() {
        let f = format();
        let mut g = Gauss::new(3);
        let w = Array2::from_shape_fn((16, 10), |_| g.uniform_int(-127, 127));
        let bias = Array1::from_shape_fn(16, |_| g.uniform_int(-2000, 2000));
        let x = Array3::from_shape_fn((4, 3, 10), |_| g.uniform_int(-3000, 3000));
        let alphas = vec![1600, 1500, 1700, 1024];
        let build = |m: Array2<i64>| {
            SpikeLinear::with_column_scales(w.clone(), bias.clone(), alphas.clone(), m, 3, &f)
        };
        let cols = Array2::from_shape_fn((4, 16), |(t, j)| (3 + 5 * j + 7 * t) as i64);
        let tr = build(cols.clone())
            .expect("valid")
            .run(x.view())
            .expect("valid");
        for ((t, n, j), &a) in tr.acc.indexed_iter() {
            let want = amplitude(a, cols[[t, j]], 3, bias[j], f.output_bits);
            assert_eq!(tr.y[[t, n, j]], want);
        }
        // Per-step codes are the same layer as every column holding them.
        let steps = vec![9, 10, 11, 12];
        let sl = SpikeLinear::new(
            w.clone(),
            bias.clone(),
            alphas.clone(),
            steps.clone(),
            3,
            &f,
        )
        .expect("valid");
        let same = build(per_step(&steps, 16)).expect("valid");
        assert_eq!(same.run(x.view()).ok(), sl.run(x.view()).ok());
        let e = build(Array2::zeros((4, 15)))
            .expect_err("one column short")
            .to_string();
        assert!(e.contains("Dout = 16"), "{e}");
    }

    #[test]
    fn bad_arguments_name_argument_value_and_rule() {
        let f = format();
        let w = Array2::from_elem((2, 3), 1i64);
        let b = Array1::zeros(2);
        let err = |r: Result<SpikeLinear, ModelError>| r.expect_err("must be refused").to_string();
        let e = err(SpikeLinear::new(
            Array2::from_elem((2, 3), 128),
            b.clone(),
            vec![1],
            vec![1],
            0,
            &f,
        ));
        assert!(
            e.contains("w[0, 0] = 128") && e.contains("-127..=127"),
            "{e}"
        );
        let e = err(SpikeLinear::new(
            w.clone(),
            Array1::zeros(3),
            vec![1],
            vec![1],
            0,
            &f,
        ));
        assert!(e.contains("bias") && e.contains("Dout = 2"), "{e}");
        let e = err(SpikeLinear::new(
            w.clone(),
            b.clone(),
            vec![0],
            vec![1],
            0,
            &f,
        ));
        assert!(e.contains("alpha_codes[0] = 0"), "{e}");
        let e = err(SpikeLinear::new(
            w.clone(),
            b.clone(),
            vec![1 << 17],
            vec![1],
            0,
            &f,
        ));
        assert!(e.contains("alpha_codes[0]"), "{e}");
        let e = err(SpikeLinear::new(
            w.clone(),
            b.clone(),
            vec![1, 1],
            vec![1],
            0,
            &f,
        ));
        assert!(e.contains("scale_codes") && e.contains("T = 2"), "{e}");
        let e = err(SpikeLinear::new(
            w.clone(),
            b.clone(),
            vec![1],
            vec![-1],
            0,
            &f,
        ));
        assert!(e.contains("scale_codes[0, 0] = -1"), "{e}");
        let e = err(SpikeLinear::new(
            Array2::zeros((0, 3)),
            Array1::zeros(0),
            vec![1],
            vec![1],
            0,
            &f,
        ));
        assert!(e.contains("Dout, Din ≥ 1"), "{e}");
        // A reduction that could overflow 32 bits: 16-bit weights over 70000 inputs.
        let mut wide = f.clone();
        wide.weight_bits = 16;
        let e = err(SpikeLinear::new(
            Array2::zeros((1, 70000)),
            Array1::zeros(1),
            vec![1],
            vec![1],
            0,
            &wide,
        ));
        assert!(e.contains("32-bit accumulator"), "{e}");

        let sl = SpikeLinear::new(w, b, vec![1], vec![1], 0, &f).expect("valid");
        let e = sl
            .run(Array3::zeros((2, 1, 3)).view())
            .expect_err("wrong T")
            .to_string();
        assert!(e.contains("x: shape [2, 1, 3]"), "{e}");
        let e = sl
            .run(Array3::from_elem((1, 1, 3), 1 << 15).view())
            .expect_err("too wide")
            .to_string();
        assert!(e.contains("x[0, 0, 0] = 32768"), "{e}");
    }

    #[test]
    fn replayed_spikes_are_checked_and_give_the_same_outputs() {
        let (sl, x) = layer(6, 9, 4);
        let tr = sl.run(x.view()).expect("valid");
        let (acc, y) = sl.outputs(tr.q.view()).expect("valid spikes");
        assert_eq!((acc, y), (tr.acc.clone(), tr.y.clone()));
        let mut bad = tr.q.clone();
        bad[[1, 2, 3]] = 2;
        let e = sl.outputs(bad.view()).expect_err("not ternary").to_string();
        assert!(e.contains("q[1, 2, 3] = 2"), "{e}");
        assert!(sl.outputs(tr.q.slice(ndarray::s![..2, .., ..])).is_err());
    }

    #[test]
    fn output_saturates_to_output_bits() {
        let f = format();
        let w = Array2::from_elem((1, 4), 127i64);
        let sl =
            SpikeLinear::new(w, Array1::zeros(1), vec![2], vec![1 << 16], 0, &f).expect("valid");
        let x = Array3::from_shape_vec((1, 2, 4), vec![5, 5, 5, 5, -5, -5, -5, -5]).expect("shape");
        let tr = sl.run(x.view()).expect("valid");
        assert_eq!(tr.acc.as_slice(), Some(&[508i64, -508][..]));
        assert_eq!(tr.y.as_slice(), Some(&[32767i64, -32768][..]));
    }

    #[test]
    fn int8_mac_uses_products_and_the_same_amplitude() {
        let f = format();
        let w = ndarray::array![[1i64, -2, 3], [127, 127, -127]];
        let mac = Int8Mac::new(w.clone(), ndarray::array![10, -10], 3, 1, &f).expect("valid");
        let x = ndarray::array![[-128i64, 127, 5]];
        let tr = mac.run(x.view()).expect("valid");
        let acc = x.dot(&w.t());
        assert_eq!(tr.acc, acc);
        assert_eq!(
            tr.y[[0, 0]],
            amplitude(acc[[0, 0]], 3, 1, 10, f.output_bits)
        );
        assert_eq!(
            int8_mac(x.view(), w.clone(), ndarray::array![10, -10], 3, 1, &f).expect("valid"),
            tr
        );
        assert!(mac.run(ndarray::array![[-129i64, 0, 0]].view()).is_err());
        assert!(mac.run(ndarray::array![[0i64, 0]].view()).is_err());
    }
}
