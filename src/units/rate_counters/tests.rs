//! Unit tests of the rate counters reference model.

use super::*;
use ndarray::array;

#[test]
fn counts_each_sign_and_additions_per_step() {
    let q = array![[[1i8, -1, 0], [1, 1, 0]], [[0, 0, 0], [-1, -1, -1]]];
    let c = Counters::count(q.view(), 10);
    assert_eq!(
        c.per_step[0],
        StepCounters {
            pos: 3,
            neg: 1,
            adds: 40
        }
    );
    assert_eq!(
        c.per_step[1],
        StepCounters {
            pos: 0,
            neg: 3,
            adds: 30
        }
    );
}

#[test]
fn counters_saturate_at_32_bits() {
    let mut c = StepCounters {
        pos: u32::MAX - 1,
        neg: u32::MAX,
        adds: u32::MAX - 5,
    };
    c.record(1, 10);
    assert_eq!((c.pos, c.adds), (u32::MAX, u32::MAX));
    c.record(1, 10);
    c.record(-1, 1);
    assert_eq!((c.pos, c.neg, c.adds), (u32::MAX, u32::MAX, u32::MAX));
}

/// The RTL counters with two lanes and 6-bit counters under Icarus: every lane's spikes are
/// counted, and the sum of the lanes saturates exactly where one counter would (the model's
/// clamp, at 2^6 − 1 here instead of 2^32 − 1). With all of Dout's bits added, and with its
/// two low bits left out as 0 for every layer (DOUTZ), where the add count keeps only the bits
/// above them: below the bound (3 beats) and saturated to all ones (64 beats).
#[test]
fn rtl_lanes_sum_and_saturate_like_one_counter() {
    check_lanes(5, 0, 64);
    check_lanes(4, 2, 64);
    check_lanes(4, 2, 3);
}

fn check_lanes(dout: u64, doutz: u32, n_beats: usize) {
    use crate::units::testbench::{simulate, Lcg};
    const CW: u32 = 6;
    let max = (1u64 << CW) - 1;
    // Beats of 2 lanes x 2 time steps: t = 0 always +1 in lane 0 and random in lane 1 (its +1
    // count passes 63), t = 1 always -1 in lane 0 (a -1 counter held at its maximum) and random
    // in lane 1. A step on every beat is the closest a counter comes to its maximum's flag.
    let mut rng = Lcg(0x7261_7465);
    let code = |rng: &mut Lcg| [0u8, 2, 3][rng.below(3) as usize];
    let beats: Vec<[u8; 4]> = (0..n_beats)
        .map(|_| [2, 3, code(&mut rng), code(&mut rng)])
        .collect();
    let mut body = String::new();
    for b in &beats {
        // Lane p's step t at [2*(p*T+t) +: 2]: lane 0 t 0, lane 0 t 1, lane 1 t 0, lane 1 t 1.
        let word = b
            .iter()
            .enumerate()
            .fold(0u32, |w, (k, &c)| w | (u32::from(c) << (2 * k)));
        body.push_str(&format!(
            "        inc = 1; spikes = {word}; #1 clk = 1; #1 clk = 0;\n"
        ));
    }
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0, clear = 1, inc = 0;\n    reg [7:0] spikes = 0;\n\
         \x20   wire [2*3*{CW}-1:0] counts;\n    integer k;\n\
         \x20   spikelm_rate_counters #(.T(2), .LANES(2), .CW({CW}), .DOUTW(4), .DOUTZ({doutz})) dut (\n\
         \x20       .clk(clk), .clear(clear), .inc(inc), .spikes(spikes), .dout(4'd{dout}), .counts(counts));\n\
         \x20   initial begin\n        #1 clk = 1; #1 clk = 0; clear = 0;\n{body}\
         \x20       inc = 0; repeat (4) begin #1 clk = 1; #1 clk = 0; end\n\
         \x20       for (k = 0; k < 6; k = k + 1) $display(\"C %0d\", (counts >> ({CW} * k)) & {max});\n\
         \x20       $finish;\n    end\nendmodule\n"
    );
    let log = simulate(&[], &tb);
    let got: Vec<u64> = log
        .lines()
        .filter_map(|l| l.strip_prefix("C "))
        .map(|v| v.trim().parse().expect("count"))
        .collect();
    let mut want = Vec::new();
    for t in 0..2 {
        let lanes = beats.iter().flat_map(|b| [b[t], b[2 + t]]);
        let (pos, neg) = lanes.fold((0u64, 0u64), |(p, n), c| {
            (p + u64::from(c == 2), n + u64::from(c == 3))
        });
        want.extend([pos.min(max), neg.min(max), ((pos + neg) * dout).min(max)]);
    }
    if n_beats >= 64 {
        assert!(want[0] == max, "t = 0 must saturate its +1 count: {want:?}");
        assert!(
            want[2] == max,
            "t = 0 must saturate its add count: {want:?}"
        );
        assert!(want[4] == max, "t = 1 must saturate its -1 count: {want:?}");
        assert!(
            want[1] < max && want[3] < max,
            "the other sign keeps a count below the bound: {want:?}"
        );
    } else {
        assert!(
            want.iter().all(|&c| c < max),
            "no count saturates: {want:?}"
        );
    }
    assert_eq!(got, want, "{log}");
}
