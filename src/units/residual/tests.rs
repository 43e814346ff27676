//! The residual adder's RTL against its model, bit for bit, and the model against the encoder's.

use super::*;
use crate::units::testbench::{
    assert_beat_per_cycle, lane_outputs, simulate_files, LaneBus, LaneStream, Lcg,
};

const FILES: [&str; 2] = ["standalone/spikelm_sat.v", "standalone/spikelm_residual.v"];

/// The encoder's first residual: the attention output site's codes (16 bits, F_out 12) plus the
/// hidden state (22 bits, 14), into 26 bits with 16.
const ENCODER: ResidualFormat = ResidualFormat {
    lanes: 4,
    aw: 16,
    fa: 12,
    bw: 22,
    fb: 14,
    rw: 26,
    fr: 16,
};

fn bus(port: &'static str, width: u32, lanes: usize) -> LaneBus {
    LaneBus { port, width, lanes }
}

/// Pairs over both operands' whole ranges, their ends and half-LSB ties of the rounding.
fn stimulus(fmt: &ResidualFormat, beats: usize, seed: u64) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let mut rng = Lcg(seed);
    let mut draw = |w: u32, k: usize| {
        let half = 1i64 << (w - 1);
        match k % 7 {
            0 => half - 1,
            1 => -half,
            2 => 0,
            3 => -1,
            _ => rng.below(2 * half as u64) as i64 - half,
        }
    };
    let mut a = Vec::new();
    let mut b = Vec::new();
    for k in 0..beats {
        a.push((0..fmt.lanes).map(|l| draw(fmt.aw, k + l)).collect());
        b.push((0..fmt.lanes).map(|l| draw(fmt.bw, k * 3 + l)).collect());
    }
    (a, b)
}

fn stream(fmt: &ResidualFormat, a: Vec<Vec<i64>>, b: Vec<Vec<i64>>) -> LaneStream {
    let outputs = a.len();
    LaneStream {
        inst: format!(
            "    spikelm_residual #(.LANES({}), .AW({}), .FA({}), .BW({}), .FB({}), .RW({}), .FR({})) dut (\n\
             \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_a(in_a),\n\
             \x20       .in_b(in_b), .out_valid(out_valid), .out_ready(out_ready), .out_r(out_r));",
            fmt.lanes, fmt.aw, fmt.fa, fmt.bw, fmt.fb, fmt.rw, fmt.fr
        ),
        decls: String::new(),
        prelude: String::new(),
        inputs: vec![
            (bus("in_a", fmt.aw, fmt.lanes), a),
            (bus("in_b", fmt.bw, fmt.lanes), b),
        ],
        output: bus("out_r", fmt.rw, fmt.lanes),
        outputs,
    }
}

/// Under random valid/ready stalls every sum equals the model's, in four formats: the
/// encoder's (RW wider than any exact sum: no saturation stage); one operand finer than the sum
/// (rounded) with a narrow saturating sum; both finer; the sum exactly as wide as the aligned
/// operands' sum.
#[test]
fn rtl_matches_the_model_under_random_stalls() {
    let formats = [
        ENCODER,
        ResidualFormat {
            lanes: 3,
            aw: 20,
            fa: 18,
            bw: 12,
            fb: 8,
            rw: 14,
            fr: 10,
        },
        ResidualFormat {
            lanes: 2,
            aw: 16,
            fa: 9,
            bw: 16,
            fb: 7,
            rw: 12,
            fr: 5,
        },
        ResidualFormat {
            lanes: 2,
            aw: 10,
            fa: 4,
            bw: 10,
            fb: 4,
            rw: 11,
            fr: 4,
        },
    ];
    for (k, fmt) in formats.iter().enumerate() {
        fmt.check().expect("a valid format");
        let (a, b) = stimulus(fmt, 400, 5 + k as u64);
        let log = simulate_files(
            &FILES,
            &stream(fmt, a.clone(), b.clone()).testbench(2 + k as u32, true),
        );
        let got = lane_outputs(&log, &bus("out_r", fmt.rw, fmt.lanes));
        assert_eq!(got.len(), a.len(), "{fmt:?}: beats\n{log}");
        let mut saturated = 0;
        for (i, (lanes, _)) in got.iter().enumerate() {
            for (l, &r) in lanes.iter().enumerate() {
                let want = fmt.add(a[i][l], b[i][l]);
                assert_eq!(
                    r, want,
                    "{fmt:?}: beat {i} lane {l}, a = {}, b = {}",
                    a[i][l], b[i][l]
                );
                saturated += usize::from(want.abs() >= (1 << (fmt.rw - 1)) - 1);
            }
        }
        if k == 1 {
            assert!(saturated > 0, "the narrow format saturates some sums");
        }
    }
}

/// Without stalls the adder takes a beat every cycle and offers each sum LATENCY cycles later.
#[test]
fn rtl_takes_a_beat_per_cycle_with_its_latency() {
    let (a, b) = stimulus(&ENCODER, 32, 1);
    let log = simulate_files(&FILES, &stream(&ENCODER, a, b).testbench(1, false));
    assert_beat_per_cycle(
        &log,
        &bus("out_r", ENCODER.rw, ENCODER.lanes),
        32,
        1,
        LATENCY,
    );
}

/// The encoder's tensor-wide residual is this unit's rule at FR = 16, RW = 26.
#[test]
fn the_encoder_residual_is_this_rule() {
    use crate::model::encoder::nonlinear::{residual, RESIDUAL_BITS, RESIDUAL_FRAC};
    let (a, b) = stimulus(&ENCODER, 50, 9);
    let flat = |v: &Vec<Vec<i64>>| v.iter().flatten().copied().collect::<Vec<i64>>();
    let shape = (1, a.len(), ENCODER.lanes);
    let ta = ndarray::Array3::from_shape_vec(shape, flat(&a)).expect("shape");
    let tb = ndarray::Array3::from_shape_vec(shape, flat(&b)).expect("shape");
    let r = residual(ta.view(), ENCODER.fa, tb.view(), ENCODER.fb);
    assert_eq!((ENCODER.fr, ENCODER.rw), (RESIDUAL_FRAC, RESIDUAL_BITS));
    for ((x, y), z) in ta.iter().zip(&tb).zip(&r) {
        assert_eq!(*z, ENCODER.add(*x, *y));
    }
}

#[test]
fn formats_are_checked() {
    assert!(ENCODER.check().is_ok());
    assert!(ResidualFormat { rw: 40, ..ENCODER }.check().is_err());
    assert!(ResidualFormat {
        rw: 41,
        fr: 30,
        ..ENCODER
    }
    .check()
    .is_err());
    assert!(ResidualFormat {
        lanes: 0,
        ..ENCODER
    }
    .check()
    .is_err());
    // A format that rounds a away to fewer than 2 bits.
    assert!(ResidualFormat {
        aw: 4,
        fa: 10,
        fr: 6,
        ..ENCODER
    }
    .check()
    .is_err());
}
