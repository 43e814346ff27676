//! The mean unit's RTL against its model, bit for bit, and the model against the encoder's.

use super::*;
use crate::units::testbench::{
    assert_beat_per_cycle, drain_beats, lane_outputs, simulate_files, LaneBus, LaneStream, Lcg,
};
use ndarray::Array3;

const FILES: [&str; 3] = [
    "rtl/spikelm_rep_reg.v",
    "standalone/spikelm_mul18_ce.v",
    "standalone/spikelm_mean_t.v",
];

fn bus(port: &'static str, width: u32, lanes: usize) -> LaneBus {
    LaneBus { port, width, lanes }
}

/// Values [T, N, LANES]: whole tokens at the ends of the range (so the mean's width is
/// exercised), sums at rounding ties, and random values.
fn stimulus(fmt: &MeanFormat, tokens: usize, seed: u64) -> Array3<i64> {
    let mut rng = Lcg(seed);
    let half = 1i64 << (fmt.xw - 1);
    Array3::from_shape_fn((fmt.steps, tokens, fmt.lanes), |(t, n, _)| match n % 6 {
        0 => half - 1,
        1 => -half,
        2 => i64::from(t == 0) - i64::from(t == 1 && n % 4 == 2),
        _ => rng.below(2 * half as u64) as i64 - half,
    })
}

fn stream(fmt: &MeanFormat, x: &Array3<i64>) -> LaneStream {
    let tokens = x.shape()[1];
    let tb = fmt.step_bits();
    let (ts, xs) = drain_beats(x);
    LaneStream {
        inst: format!(
            "    spikelm_mean_t #(.LANES({}), .XW({}), .T({}), .TB({tb}), .YW({})) dut (\n\
             \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_t(in_t),\n\
             \x20       .in_x(in_x), .out_valid(out_valid), .out_ready(out_ready), .out_y(out_y));",
            fmt.lanes,
            fmt.xw,
            fmt.steps,
            fmt.yw()
        ),
        decls: String::new(),
        prelude: String::new(),
        inputs: vec![(bus("in_t", tb, 1), ts), (bus("in_x", fmt.xw, fmt.lanes), xs)],
        output: bus("out_y", fmt.yw(), fmt.lanes),
        outputs: tokens,
    }
}

/// Under random valid/ready stalls every mean equals the encoder model's
/// (`mean_over_steps`), for T = 4 (the shift), T = 1, and T = 3 and 6 (the product; M_6 > 2^16/6,
/// so the mean of extreme values needs XW + 1 bits) with sums wider than one multiplier.
#[test]
fn rtl_matches_the_model_under_random_stalls() {
    use crate::model::encoder::nonlinear::mean_over_steps;
    let formats = [
        MeanFormat {
            lanes: 4,
            xw: 22,
            steps: 4,
        },
        MeanFormat {
            lanes: 2,
            xw: 12,
            steps: 1,
        },
        MeanFormat {
            lanes: 3,
            xw: 22,
            steps: 3,
        },
        MeanFormat {
            lanes: 2,
            xw: 14,
            steps: 6,
        },
    ];
    for (k, fmt) in formats.iter().enumerate() {
        fmt.check().expect("a valid format");
        let x = stimulus(fmt, 90, 3 + k as u64);
        let want = mean_over_steps(x.view());
        let log = simulate_files(&FILES, &stream(fmt, &x).testbench(4 + k as u32, true));
        let got = lane_outputs(&log, &bus("out_y", fmt.yw(), fmt.lanes));
        assert_eq!(got.len(), x.shape()[1], "{fmt:?}: beats\n{log}");
        for (n, (lanes, _)) in got.iter().enumerate() {
            for (l, &y) in lanes.iter().enumerate() {
                assert_eq!(y, want[[n, l]], "{fmt:?}: token {n} lane {l}");
            }
        }
    }
}

/// Without stalls the unit takes a beat every cycle and offers each mean `latency()` cycles
/// after the value's last beat, in both forms.
#[test]
fn rtl_takes_a_beat_per_cycle_with_its_latency() {
    for steps in [4, 3] {
        let fmt = MeanFormat {
            lanes: 2,
            xw: 22,
            steps,
        };
        let x = stimulus(&fmt, 12, 1);
        let log = simulate_files(&FILES, &stream(&fmt, &x).testbench(1, false));
        let out = bus("out_y", fmt.yw(), fmt.lanes);
        assert_beat_per_cycle(&log, &out, 12 * steps, steps, fmt.latency());
    }
}

#[test]
fn the_mean_is_exact_where_it_can_be() {
    // T a power of two: R(Σ, log2 T) exactly, half up.
    assert_eq!(mean_of_sum(10, 4), 3);
    assert_eq!(mean_of_sum(-10, 4), -2);
    assert_eq!(mean_of_sum(7, 1), 7);
    // M_6 = 10923 > 2^16 / 6: the mean of six maxima exceeds the maximum.
    assert_eq!(scale(6), 10923);
    let max = (1i64 << 21) - 1;
    assert!(mean_of_sum(6 * max, 6) > max);
    let fmt = MeanFormat {
        lanes: 1,
        xw: 22,
        steps: 6,
    };
    assert_eq!((fmt.yw(), fmt.step_bits()), (23, 3));
    assert!(fmt.check().is_ok());
    assert!(MeanFormat { xw: 33, ..fmt }.check().is_err());
    assert!(MeanFormat { steps: 17, ..fmt }.check().is_err());
}
