//! Each rule of docs/arithmetic.md observed through the public layer API (`SpikeLinear` traces),
//! one rule per test, with hand-derived small cases.

use ndarray::{Array1, Array2, Array3};
use spikelm_hw::config::{preset, AlphaMode, NumericFormat};
use spikelm_hw::model::calibrate::{quantise_layer, with_mode};
use spikelm_hw::model::csd::{digits, effective_code};
use spikelm_hw::model::gauss::Gauss;
use spikelm_hw::model::{ModelError, SpikeLinear, SpikeLinearTrace};

fn format() -> NumericFormat {
    preset("spikelm-bert-base").expect("preset").format // F = 10, MW = 32, YW = 16
}

/// One token, one input, one output of weight 1: the trace shows U_t and q_t of one lane.
fn lane(x: &[i64], alphas: &[i64], f: &NumericFormat) -> SpikeLinearTrace {
    let t = x.len();
    let sl = SpikeLinear::new(
        Array2::ones((1, 1)),
        Array1::zeros(1),
        alphas.to_vec(),
        vec![1; t],
        0,
        f,
    )
    .expect("valid layer");
    let x = Array3::from_shape_vec((t, 1, 1), x.to_vec()).expect("shape");
    sl.run(x.view()).expect("valid input")
}

fn u_q(tr: &SpikeLinearTrace) -> Vec<(i64, i8)> {
    tr.u.iter().copied().zip(tr.q.iter().copied()).collect()
}

#[test]
fn tie_gives_zero_and_one_lsb_more_fires() {
    let f = format();
    assert_eq!(u_q(&lane(&[500], &[1000], &f)), vec![(500, 0)]);
    assert_eq!(u_q(&lane(&[501], &[1000], &f)), vec![(501, 1)]);
    assert_eq!(u_q(&lane(&[-500], &[1000], &f)), vec![(-500, 0)]);
    assert_eq!(u_q(&lane(&[-501], &[1000], &f)), vec![(-501, -1)]);
}

#[test]
fn plus_one_resets_zero_leaks_quarter_minus_one_keeps_half() {
    let f = format();
    // α = 4.0 (code 4096): leak factor 0.25·α = 1, keep factor 0.5·α = 2.
    // t0: U = 1000 < 2048: 0. t1: L = 1000, U = 1000 + 1100 = 2100 > 2048: +1.
    // t2: reset, U = -2100 < -2048: -1. t3: L = 2·(-2100) = -4200, U = -4200 + 4000 = -200: 0.
    let tr = lane(&[1000, 1100, -2100, 4000], &[4096; 4], &f);
    assert_eq!(u_q(&tr), vec![(1000, 0), (2100, 1), (-2100, -1), (-200, 0)]);
}

#[test]
fn membrane_saturates_at_mw_bits() {
    let mut f = format();
    f.membrane_bits = 16;
    // α = 8192 (8.0): L = 2·U after no spike; 2·12000 + 12000 = 36000 saturates to 32767.
    let tr = lane(&[12000, 12000], &[30000, 8192], &f);
    assert_eq!(tr.u[[1, 0, 0]], 32767);
    let tr = lane(&[-12000, -12000], &[30000, 8192], &f);
    assert_eq!(tr.u[[1, 0, 0]], -32768);
}

#[test]
fn output_saturates_at_yw_bits_after_the_bias() {
    let f = format();
    let sl = SpikeLinear::new(
        Array2::from_elem((2, 1), 100),
        Array1::from_vec(vec![0, -20000]),
        vec![2],
        vec![500],
        0,
        &f,
    )
    .expect("valid");
    let tr = sl
        .run(Array3::from_elem((1, 1, 1), 5).view())
        .expect("valid");
    // ACC = 100, ACC·M = 50000: saturates alone; minus 20000 it fits.
    assert_eq!(tr.y.iter().copied().collect::<Vec<_>>(), vec![32767, 30000]);
}

#[test]
fn accumulator_reaches_its_bound_and_wider_layers_are_refused() {
    let f = format(); // WB = 8
    let din = 3072;
    let sl = SpikeLinear::new(
        Array2::from_elem((1, din), 127),
        Array1::zeros(1),
        vec![1],
        vec![0],
        0,
        &f,
    )
    .expect("BERT-base reduction fits 32 bits");
    let tr = sl
        .run(Array3::from_elem((1, 1, din), 1).view())
        .expect("valid");
    assert_eq!(tr.acc[[0, 0, 0]], 3072 * 127);
    let mut wide = f.clone();
    wide.weight_bits = 16;
    // 65538 · 32767 = 2^31 - 2 still fits; 65540 does not.
    assert!(SpikeLinear::new(
        Array2::zeros((1, 65538)),
        Array1::zeros(1),
        vec![1],
        vec![0],
        0,
        &wide
    )
    .is_ok());
    let err = SpikeLinear::new(
        Array2::zeros((1, 65540)),
        Array1::zeros(1),
        vec![1],
        vec![0],
        0,
        &wide,
    )
    .expect_err("65540 · 32767 > 2^31 - 1");
    assert!(matches!(err, ModelError::Shape { .. }), "{err}");
}

#[test]
fn csd_mode_layers_multiply_by_the_rounded_codes() {
    let f = with_mode(&format(), AlphaMode::Csd(2));
    let mut g = Gauss::new(8);
    let x = Array3::from_shape_fn((4, 4, 16), |_| g.normal());
    let w = Array2::from_shape_fn((8, 16), |_| 0.1 * g.normal());
    let layer = quantise_layer(x.view(), w.view(), None, None, &f, 40).expect("valid");
    let cal = &layer.calibration;
    for (&code, &eff) in cal.alpha_codes.iter().zip(&cal.alpha_effective) {
        assert_eq!(eff, effective_code(code, AlphaMode::Csd(2)));
        let d = digits(code, 2);
        assert!(d.len() <= 2);
        assert_eq!(d.iter().map(|d| d.value()).sum::<i64>(), eff);
    }
    // The csd layer equals an exact layer given the rounded codes as ordinary integers.
    let csd = layer
        .spike_linear(&f)
        .expect("valid")
        .run(layer.x.view())
        .expect("valid");
    let exact = SpikeLinear::new(
        layer.w.clone(),
        layer.bias.clone(),
        cal.alpha_effective.clone(),
        cal.scale_effective.clone(),
        cal.out_shift,
        &with_mode(&f, AlphaMode::Exact),
    )
    .expect("valid")
    .run(layer.x.view())
    .expect("valid");
    assert_eq!(csd, exact);
}

#[test]
fn counters_count_each_sign_and_the_additions() {
    let f = format();
    let sl = SpikeLinear::new(
        Array2::ones((5, 3)),
        Array1::zeros(5),
        vec![1000, 1000],
        vec![1, 1],
        0,
        &f,
    )
    .expect("valid");
    // t0: +1, -1, 0 -> pos 1, neg 1, adds 2·5. t1 (after reset / keep / leak): inputs 0.
    let x = Array3::from_shape_vec((2, 1, 3), vec![600, -600, 100, 0, 0, 0]).expect("shape");
    let tr = sl.run(x.view()).expect("valid");
    let c = tr.counters.per_step[0];
    assert_eq!((c.pos, c.neg, c.adds), (1, 1, 10));
    // t1: U = 0, -600·1000/2^11 = -293 (no spike, |2U| < A), 100·1000/2^12 = 24: all zero.
    let c = tr.counters.per_step[1];
    assert_eq!((c.pos, c.neg, c.adds), (0, 0, 0));
}
