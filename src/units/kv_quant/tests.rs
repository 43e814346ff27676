//! The quantiser's RTL against `model::quantiser::quantise`, bit for bit.

use super::*;
use crate::model::quantiser::quantise;
use crate::units::testbench::{
    assert_beat_per_cycle, drain_beats, lane_outputs, simulate_files, LaneBus, LaneStream, Lcg,
};
use ndarray::Array3;

const FILES: [&str; 2] = ["rtl/spikelm_rep_reg.v", "standalone/spikelm_kv_quant.v"];

/// The engine's 2-bit spike {non-zero, negative}, read back as a sign-extended 2-bit lane.
fn spike_of(code: i64) -> i8 {
    match code & 3 {
        0 => 0,
        2 => 1,
        3 => -1,
        _ => panic!("spike code {code:#b}: negative without non-zero"),
    }
}

/// Codes [T, N, LANES] around each time step's thresholds (2y = ±A, ±A ± 1, ±(A ± 2)), the
/// ends of the code range, and random codes; α codes with 1, the largest code and an even code
/// (where the ties 2y = ±A exist) among them.
fn stimulus(fmt: &KvQuantFormat, tokens: usize, seed: u64) -> (Array3<i64>, Vec<i64>) {
    let mut rng = Lcg(seed);
    let amax = (1i64 << fmt.aw) - 1;
    let half = 1i64 << (fmt.yw - 1);
    let alphas: Vec<i64> = (0..fmt.steps)
        .map(|t| match t {
            0 => 1,
            1 => amax,
            2 => 2 * (1 + rng.below(amax as u64 / 2) as i64), // even: 2y = ±A is reachable
            _ => 1 + rng.below(amax as u64) as i64,
        })
        .collect();
    let y = Array3::from_shape_fn((fmt.steps, tokens, fmt.lanes), |(t, n, l)| {
        let a = alphas[t];
        let v = match (n * fmt.lanes + l) % 11 {
            0 => a / 2,
            1 => a / 2 + 1,
            2 => -(a / 2),
            3 => -(a / 2) - 1,
            4 => (a + 1) / 2,
            5 => -(a + 1) / 2,
            6 => half - 1,
            7 => -half,
            _ => rng.below(2 * half as u64) as i64 - half,
        };
        v.clamp(-half, half - 1)
    });
    (y, alphas)
}

fn stream(fmt: &KvQuantFormat, y: &Array3<i64>, alphas: &[i64]) -> LaneStream {
    let tb = fmt.step_bits();
    let (steps, tokens) = (y.shape()[0], y.shape()[1]);
    let (ts, ys) = drain_beats(y);
    let writes: String = alphas
        .iter()
        .enumerate()
        .map(|(t, a)| format!("        @(negedge clk); a_we = 1; a_addr = {t}; a_data = {a};\n"))
        .collect::<String>()
        + "        @(negedge clk); a_we = 0;\n";
    let inst = format!(
        "    spikelm_kv_quant #(.LANES({}), .YW({}), .AW({}), .T({}), .TB({tb})) dut (\n\
         \x20       .clk(clk), .rst(rst), .a_we(a_we), .a_addr(a_addr), .a_data(a_data),\n\
         \x20       .in_valid(in_valid), .in_ready(in_ready), .in_t(in_t), .in_y(in_y),\n\
         \x20       .out_valid(out_valid), .out_ready(out_ready), .out_q(out_q));",
        fmt.lanes, fmt.yw, fmt.aw, fmt.steps
    );
    LaneStream {
        inst,
        decls: format!(
            "    reg a_we = 0; reg [{tb}-1:0] a_addr = 0; reg [{}-1:0] a_data = 0;\n",
            fmt.aw
        ),
        prelude: writes,
        inputs: vec![
            (
                LaneBus {
                    port: "in_t",
                    width: tb,
                    lanes: 1,
                },
                ts,
            ),
            (
                LaneBus {
                    port: "in_y",
                    width: fmt.yw,
                    lanes: fmt.lanes,
                },
                ys,
            ),
        ],
        output: out_bus(fmt),
        outputs: steps * tokens,
    }
}

fn out_bus(fmt: &KvQuantFormat) -> LaneBus {
    LaneBus {
        port: "out_q",
        width: 2,
        lanes: fmt.lanes,
    }
}

/// Under random valid/ready stalls the spikes equal the model's for every lane, token and time
/// step, in three formats (the engine's widths; narrow codes with wide α and T = 3; wide codes
/// with narrow α and T = 1).
#[test]
fn rtl_matches_the_model_under_random_stalls() {
    let formats = [
        KvQuantFormat {
            lanes: 4,
            yw: 16,
            aw: 16,
            steps: 4,
        },
        KvQuantFormat {
            lanes: 5,
            yw: 10,
            aw: 12,
            steps: 3,
        },
        KvQuantFormat {
            lanes: 2,
            yw: 24,
            aw: 8,
            steps: 1,
        },
    ];
    for (k, fmt) in formats.iter().enumerate() {
        fmt.check().expect("a valid format");
        let (y, alphas) = stimulus(fmt, 60, 7 + k as u64);
        let want = quantise(y.view(), &alphas).expect("valid codes");
        let s = stream(fmt, &y, &alphas);
        let log = simulate_files(&FILES, &s.testbench(3 + k as u32, true));
        let got = lane_outputs(&log, &out_bus(fmt));
        assert_eq!(
            got.len(),
            y.shape()[0] * y.shape()[1],
            "{fmt:?}: beats\n{log}"
        );
        let mut nonzero = 0;
        for (b, (lanes, _)) in got.iter().enumerate() {
            let (n, t) = (b / fmt.steps, b % fmt.steps);
            for (l, &code) in lanes.iter().enumerate() {
                let q = spike_of(code);
                assert_eq!(
                    q,
                    want[[t, n, l]],
                    "{fmt:?}: token {n} t {t} lane {l}, y = {}, A = {}",
                    y[[t, n, l]],
                    alphas[t]
                );
                nonzero += usize::from(q != 0);
            }
        }
        assert!(
            nonzero > 0 && nonzero < want.len(),
            "{fmt:?}: {nonzero} spikes of {}",
            want.len()
        );
    }
}

/// Without stalls the quantiser takes a beat every cycle and offers its spikes LATENCY cycles
/// later.
#[test]
fn rtl_takes_a_beat_per_cycle_with_its_latency() {
    let fmt = KvQuantFormat {
        lanes: 3,
        yw: 16,
        aw: 16,
        steps: 4,
    };
    let (y, alphas) = stimulus(&fmt, 16, 1);
    let log = simulate_files(&FILES, &stream(&fmt, &y, &alphas).testbench(1, false));
    assert_beat_per_cycle(&log, &out_bus(&fmt), 64, 1, LATENCY);
}

#[test]
fn formats_are_checked() {
    let ok = KvQuantFormat {
        lanes: 1,
        yw: 16,
        aw: 16,
        steps: 4,
    };
    assert!(ok.check().is_ok());
    assert_eq!(ok.step_bits(), 2);
    assert_eq!(KvQuantFormat { steps: 5, ..ok }.step_bits(), 3);
    assert!(KvQuantFormat { yw: 1, ..ok }.check().is_err());
    assert!(KvQuantFormat { steps: 0, ..ok }.check().is_err());
    assert!(KvQuantFormat { lanes: 0, ..ok }.check().is_err());
}
