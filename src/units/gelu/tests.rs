//! Unit tests of the GELU model.

use super::*;
use crate::units::testbench::{handshake_terms, INPUT_STAMPS};

const FMT: GeluFormat = GeluFormat {
    xw: 16,
    fx: 10,
    yw: 20,
    fy: 12,
};

/// Over every 16-bit input code at F = 10 the fixed-point GELU is within 1.1 output LSB of the
/// float GELU (interpolation ≤ 0.8·2^−15, two roundings, the clamps at ±4 ≤ 1.3e-4).
#[test]
fn every_input_code_is_within_one_lsb_of_float() {
    let t = table();
    let lsb = (-f64::from(FMT.fy)).exp2();
    let mut worst = 0.0f64;
    for x in -(1i64 << 15)..(1 << 15) {
        let y = gelu(x, &FMT, &t) as f64 * lsb;
        let want = host::gelu(x as f64 / 1024.0);
        worst = worst.max((y - want).abs());
    }
    assert!(
        worst <= 1.1 * lsb,
        "worst error {worst} = {} LSB",
        worst / lsb
    );
}

#[test]
fn clamps_and_passes_through_outside_the_table() {
    let t = table();
    assert_eq!(gelu(-4097, &FMT, &t), 0);
    assert_eq!(gelu(-(1 << 15), &FMT, &t), 0);
    assert_eq!(gelu(4096, &FMT, &t), 4096 * 4);
    assert_eq!(gelu(0, &FMT, &t), 0);
    // Narrow output saturates.
    let narrow = GeluFormat { yw: 14, ..FMT };
    assert_eq!(gelu(32767, &narrow, &t), (1 << 13) - 1);
    assert!(FMT.check().is_ok());
    assert!(GeluFormat { fx: 4, ..FMT }.check().is_err());
}

/// Files of the GELU unit in the generated tree, leaves first.
pub const GELU_FILES: [&str; 4] = [
    "standalone/spikelm_sat.v",
    "standalone/spikelm_mul18_ce.v",
    "standalone/spikelm_interp.v",
    "standalone/spikelm_gelu.v",
];

/// A testbench streaming `xs` through `spikelm_gelu` with random valid and ready (seeded) or
/// without stalls, printing every output beat as `Y <value> <cycle>` and every value taken as
/// `A <cycle>`.
fn stream_tb(fmt: &GeluFormat, xs: &[i64], seed: u32, stalls: bool) -> String {
    let (valid, ready) = handshake_terms(stalls);
    let mut init = String::new();
    for (i, x) in xs.iter().enumerate() {
        init.push_str(&format!("        xs[{i}] = {x};\n"));
    }
    let (xw, yw, n) = (fmt.xw, fmt.yw, xs.len());
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
         \x20   reg clk = 0; always #1 clk = ~clk;\n\
         \x20   reg rst = 1, in_valid = 0, out_ready = 0;\n\
         \x20   reg [{xw}-1:0] in_x = 0; reg [{xw}-1:0] xs [0:{n}];\n\
         \x20   wire in_ready, out_valid; wire [{yw}-1:0] out_y;\n\
         \x20   integer accepted = 0, seed = {seed};\n\
         \x20   spikelm_gelu #(.XW({xw}), .FX({fx}), .YW({yw}), .FY({fy})) dut (\n\
         \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_x(in_x),\n\
         \x20       .out_valid(out_valid), .out_ready(out_ready), .out_y(out_y));\n\
{stamps}\
         \x20   always @(posedge clk) begin\n\
         \x20       if (in_valid && in_ready) accepted <= accepted + 1;\n\
         \x20       if (out_valid && out_ready) $display(\"Y %0d %0d\", $signed(out_y), cyc);\n\
         \x20   end\n\
         \x20   initial begin\n{init}\
         \x20       repeat (3) @(negedge clk); rst = 0;\n\
         \x20       while (accepted < {n}) begin\n\
         \x20           @(negedge clk);\n\
         \x20           in_valid = (accepted < {n}) && {valid};\n\
         \x20           in_x = xs[accepted];\n\
         \x20           out_ready = {ready};\n\
         \x20       end\n\
         \x20       in_valid = 0; out_ready = 1; repeat (20) @(negedge clk);\n\
         \x20       $finish;\n\
         \x20   end\nendmodule\n",
        stamps = INPUT_STAMPS,
        fx = fmt.fx,
        fy = fmt.fy,
    )
}

/// The outputs the testbench printed as `Y <value> <cycle>`.
fn outputs(log: &str) -> Vec<(i64, u64)> {
    log.lines()
        .filter_map(|l| {
            let mut it = l.strip_prefix("Y ")?.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .collect()
}

/// Inputs: both ends of the input range, the table's edges and their neighbours, 0 and ±1 LSB,
/// then random codes over the whole range and inside the table.
fn inputs(fmt: &GeluFormat, count: usize, seed: u64) -> Vec<i64> {
    let edge = 1i64 << (fmt.fx + RANGE_BITS);
    let half = 1i64 << (fmt.xw - 1);
    let mut xs = vec![
        -half,
        half - 1,
        -edge - 1,
        -edge,
        -edge + 1,
        edge - 1,
        edge,
        edge + 1,
        0,
        1,
        -1,
    ];
    let mut s = seed;
    while xs.len() < count {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (s >> 16) as i64;
        xs.push(if xs.len() % 2 == 0 {
            r.rem_euclid(2 * half) - half
        } else {
            r.rem_euclid(2 * edge + 64) - edge - 32
        });
    }
    xs
}

/// The RTL against the model, bit for bit, under random valid/ready stalls, for three formats:
/// output finer than the input (left-shifted pass-through), coarser (rounded) with a narrow
/// saturating output, and at the table's own precision; each in the plain form and in the ECP5
/// forms (registered MULT18X18D, the 512-word table in a DP16KD with its output register).
#[test]
fn rtl_matches_the_model_under_random_stalls() {
    let t = table();
    let formats = [
        FMT,
        GeluFormat {
            xw: 16,
            fx: 11,
            yw: 12,
            fy: 8,
        },
        GeluFormat {
            xw: 20,
            fx: 12,
            yw: 24,
            fy: 16,
        },
    ];
    for (k, fmt) in formats.iter().enumerate() {
        fmt.check().expect("a valid format");
        let xs = inputs(fmt, 1500, 11 + k as u64);
        let tb = stream_tb(fmt, &xs, 5 + k as u32, true);
        for ecp5 in [false, true] {
            let log = if ecp5 {
                crate::units::interp::ecp5_sim::simulate_files_ecp5(&GELU_FILES, &tb)
            } else {
                crate::units::testbench::simulate_files(&GELU_FILES, &tb)
            };
            let got: Vec<i64> = outputs(&log).iter().map(|o| o.0).collect();
            assert_eq!(got.len(), xs.len(), "{fmt:?} ecp5 {ecp5}: beats\n{log}");
            for (i, (x, y)) in xs.iter().zip(&got).enumerate() {
                assert_eq!(
                    *y,
                    gelu(*x, fmt, &t),
                    "{fmt:?} ecp5 {ecp5}: beat {i}, x = {x}"
                );
            }
        }
    }
}

/// Without stalls the unit takes a value every cycle and offers each result LATENCY cycles
/// after it took the value (the timing `perf` counts), in both forms.
#[test]
fn rtl_takes_a_value_per_cycle_with_its_latency() {
    let xs = inputs(&FMT, 64, 3);
    let tb = stream_tb(&FMT, &xs, 1, false);
    for ecp5 in [false, true] {
        let log = if ecp5 {
            crate::units::interp::ecp5_sim::simulate_files_ecp5(&GELU_FILES, &tb)
        } else {
            crate::units::testbench::simulate_files(&GELU_FILES, &tb)
        };
        let taken: Vec<u64> = log
            .lines()
            .filter_map(|l| l.strip_prefix("A ")?.trim().parse().ok())
            .collect();
        let out: Vec<u64> = outputs(&log).iter().map(|o| o.1).collect();
        assert_eq!(
            (taken.len(), out.len()),
            (xs.len(), xs.len()),
            "ecp5 {ecp5}"
        );
        assert!(
            taken.windows(2).all(|w| w[1] == w[0] + 1),
            "ecp5 {ecp5}: {taken:?}"
        );
        for (a, o) in taken.iter().zip(&out) {
            assert_eq!(o - a, LATENCY, "ecp5 {ecp5}");
        }
    }
}
