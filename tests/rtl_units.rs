//! Unit-level functional tests of the arithmetic units under Icarus, against hand-derived
//! values: the neuron (leak/reset mux, rounding, saturation, comparator), the csd amplitude
//! shifter, and the sign-select adder (exhaustively at small widths).
//! Run: `cargo test --release --test rtl_units`.

mod rtl_common;

use rtl_common::*;
use spikelm_hw::config::Params;
use std::process::Command;

/// Generate the configuration, add `tb` (module `tb`), simulate, return stdout.
fn simulate(sets: &[&str], tb: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let gen = generate_into(
        dir.path(),
        &Params::preset_with("spikelm-bert-tiny", sets).expect("test configuration"),
    );
    std::fs::write(gen.join("tb.v"), tb).unwrap();
    let (ok, log) = run(Command::new("iverilog")
        .current_dir(&gen)
        .args(["-g2005", "-o", "u.vvp", "-s", "tb", "-c", "files.f", "tb.v"]));
    assert!(ok, "{log}");
    let (ok, log) = run(Command::new("vvp").current_dir(&gen).args(["-n", "u.vvp"]));
    assert!(ok, "{log}");
    log
}

/// 8-bit input and membrane, 8-bit alpha codes, F = 2 (alpha 1.0 = code 4).
const SMALL: [&str; 4] = [
    "format.input_bits=8",
    "format.membrane_bits=8",
    "format.alpha_bits=8",
    "format.frac_bits=2",
];

#[test]
fn neuron_follows_hand_derived_steps() {
    // (first, x, A_{t-1}, A_t) -> (spike, U). Spike codes: +1 = 2, -1 = 3, 0 = 0.
    //  t0: x=3:    L=0, U=3, 2U=6 > 4                                   -> +1
    //  t1: x=-3:   after +1 L=0, U=-3, -8 <= 2U=-6 <= 8                 -> 0
    //  t2: x=-2:   after 0 L=R(-3*8, 4) = (-24+8)>>4 = -1, U=-3, -6<-4 -> -1
    //  t3: x=127:  after -1 L=R(-3*4, 3) = (-12+4)>>3 = -1, U=126      -> +1
    //  t0: x=-128: L=0, U=-128                                          -> -1
    //  t1: x=-128: after -1 L=R(-128*4, 3) = (-512+4)>>3 = -64,
    //              U=sat8(-192) = -128                                  -> -1
    //  t2: x=100:  after -1 L=R(-128*8, 3) = -128, U=-28, 2U=-56 < -4   -> -1
    //  t3: x=0:    after -1 L=R(-28*4, 3) = (-112+4)>>3 = -14 (-13.5 rounds up), U=-14 -> -1
    let steps: [(u8, i32, u32, u32, u8, i32); 8] = [
        (1, 3, 0, 4, 2, 3),
        (0, -3, 4, 8, 0, -3),
        (0, -2, 8, 4, 3, -3),
        (0, 127, 4, 4, 2, 126),
        (1, -128, 4, 4, 3, -128),
        (0, -128, 4, 8, 3, -128),
        (0, 100, 8, 4, 3, -28),
        (0, 0, 4, 4, 3, -14),
    ];
    // Each step is checked in isolation on the unrolled step module (FIRST = 1 for t = 0),
    // fed the previous step's expected U and spike, inputs held until the pipeline settles.
    let mut body = String::new();
    let mut prev = (0u8, 0i32);
    for (k, (first, x, ap, ac, spike, u)) in steps.iter().enumerate() {
        let (ps, pu) = prev;
        body.push_str(&format!(
            "        x = {x}; a_prev = {ap}; a_cur = {ac}; u_prev = {pu}; q_prev = 2'd{ps};\n\
             \x20       repeat (12) begin #1 clk = 1; #1 clk = 0; end\n\
             \x20       if ({first} ? (q0 !== 2'd{spike} || $signed(u0) !== {u}) : (q1 !== 2'd{spike} || $signed(u1) !== {u})) begin\n\
             \x20           $display(\"FAIL step {k}: %0d %0d / %0d %0d\", q0, $signed(u0), q1, $signed(u1)); errors = errors + 1;\n\
             \x20       end\n"
        ));
        prev = (*spike, *u);
    }
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0;\n\
         \x20   reg signed [7:0] x, u_prev;\n    reg [1:0] q_prev;\n    reg [7:0] a_prev;\n    reg [8:0] a_cur;\n\
         \x20   wire [1:0] q0, q1;\n    wire [7:0] u0, u1;\n    integer errors = 0;\n\
         \x20   spikelm_neuron #(.XW(8), .MW(8), .AW(8), .F(2), .FIRST(1), .CODEW(8)) dut0 (\n\
         \x20       .clk(clk), .u_prev(u_prev), .q_prev(q_prev), .x(x), .a_prev(a_prev),\n\
         \x20       .a_cur(a_cur), .u_q(u0), .q_q(q0));\n\
         \x20   spikelm_neuron #(.XW(8), .MW(8), .AW(8), .F(2), .FIRST(0), .CODEW(8)) dut1 (\n\
         \x20       .clk(clk), .u_prev(u_prev), .q_prev(q_prev), .x(x), .a_prev(a_prev),\n\
         \x20       .a_cur(a_cur), .u_q(u1), .q_q(q1));\n\
         \x20   initial begin\n{body}        $display(\"ERRORS %0d\", errors);\n        $finish;\n    end\nendmodule\n"
    );
    let log = simulate(&SMALL, &tb);
    assert!(log.contains("ERRORS 0"), "{log}");
}

#[test]
fn csd_shifter_sums_signed_power_of_two_terms() {
    // csd:2, 8-bit alpha codes: shift field clog2(9) = 4 bits; digit word = e | neg<<4 | nz<<5.
    let d = |e: u32, neg: bool, nz: bool| e | (neg as u32) << 4 | (nz as u32) << 5;
    // (x, digit0, digit1, x * code)
    let cases = [
        (5, d(3, false, true), d(1, true, true), 5 * 6), // 2^3 - 2^1 = 6
        (-7, d(3, false, true), d(1, true, true), -42),
        (-128, d(8, false, true), 0, -32768), // code 2^8: one above the 8-bit code range
        (127, d(0, false, true), d(0, false, true), 254),
        (99, 0, 0, 0),                                  // all digits zero
        (-1, d(7, true, true), d(2, false, true), 124), // -(2^7) + 2^2 = -124
    ];
    let mut body = String::new();
    for (k, (x, d0, d1, want)) in cases.iter().enumerate() {
        body.push_str(&format!(
            "        x = {x}; code = {{6'd{d1}, 6'd{d0}}}; repeat (3) begin #1 clk = 1; #1 clk = 0; end\n\
             \x20       if ($signed(p) !== {want}) begin $display(\"FAIL {k}: %0d\", $signed(p)); errors = errors + 1; end\n"
        ));
    }
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0;\n    reg signed [7:0] x;\n    reg [11:0] code;\n\
         \x20   wire [16:0] p;\n    integer errors = 0;\n\
         \x20   spikelm_amp_shift #(.XW(8), .K(2), .SHW(4), .PW(17), .LAT(3)) dut (.clk(clk), .x(x), .code(code), .p(p));\n\
         \x20   initial begin\n{body}        $display(\"ERRORS %0d\", errors);\n        $finish;\n    end\nendmodule\n"
    );
    let mut sets = SMALL.to_vec();
    sets.push("alpha_mode=csd:2");
    let log = simulate(&sets, &tb);
    assert!(log.contains("ERRORS 0"), "{log}");
}

/// Every x of N bits, every weight of 4 bits, every spike, against integer arithmetic; and the
/// drain (shift with en = 0) passes `below` through for every x.
fn signsel_testbench(n: u32) -> String {
    let half = 1i64 << (n - 1);
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
        \x20   reg [{m}:0] x, below; reg [3:0] w; reg en, neg, shift;\n    wire [{m}:0] sum;\n\
        \x20   integer xi, wi, s, errors = 0, want;\n\
        \x20   spikelm_signsel_add #(.N({n}), .WB(4)) dut (.x(x), .w(w), .en(en), .neg(neg), .below(below), .shift(shift), .sum(sum));\n\
        \x20   initial begin\n\
        \x20       for (xi = -{half}; xi < {half}; xi = xi + 1)\n\
        \x20         for (wi = -7; wi < 8; wi = wi + 1)\n\
        \x20           for (s = 0; s < 3; s = s + 1) begin\n\
        \x20             x = xi; w = wi; en = (s != 0); neg = (s == 2); shift = 0; below = ~xi; #1;\n\
        \x20             want = xi + (s == 1 ? wi : (s == 2 ? -wi : 0));\n\
        \x20             if (sum !== want[{m}:0]) errors = errors + 1;\n\
        \x20             en = 0; neg = (s == 2); shift = 1; below = xi + 3 * wi; #1;\n\
        \x20             want = xi + 3 * wi;\n\
        \x20             if (sum !== want[{m}:0]) errors = errors + 1;\n\
        \x20           end\n\
        \x20       $display(\"ERRORS %0d\", errors);\n        $finish;\n    end\nendmodule\n",
        m = n - 1
    )
}

#[test]
fn signsel_adder_is_exhaustively_correct() {
    let log = simulate(&[], &signsel_testbench(7));
    assert!(log.contains("ERRORS 0"), "{log}");
}

#[test]
fn ccu2c_signsel_adder_is_exhaustively_correct_at_odd_and_even_widths() {
    // Odd N: the chain ends on a sum half; even N: it ends on a spare half.
    for n in [7, 8] {
        let log = simulate(&["array.adder=ecp5_ccu2c"], &signsel_testbench(n));
        assert!(log.contains("ERRORS 0"), "N = {n}: {log}");
    }
}

/// The exact amplitude multiplier (32-bit x, 16-bit code: two 17-bit slices) in its plain form
/// and in its ECP5 DSP form (registered MULT18X18D, simulation model), fed a new operand pair
/// every cycle: each p must be x * code, four cycles later, against 128-bit integer arithmetic.
#[test]
fn exact_multiplier_plain_and_dsp_forms_are_x_times_code_every_cycle() {
    let mut cases: Vec<(i64, u64)> = vec![
        (i32::MIN as i64, 0xffff),
        (i32::MAX as i64, 0xffff),
        (-1, 0xffff),
        (0x1_ffff, 0x8000),
        (-0x2_0000, 1),
        (0, 0xffff),
    ];
    let mut s = 0x5eed_u64;
    for _ in 0..200 {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        cases.push(((s >> 32) as u32 as i32 as i64, (s >> 7) & 0xffff));
    }
    let mut body = String::new();
    for (x, c) in &cases {
        body.push_str(&format!(
            "        x = {x}; code = 16'd{c}; #1 clk = 1; #1 clk = 0;\n"
        ));
    }
    // The pipeline is flushed with five more edges; p is printed on every edge from the 4th on.
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0;\n    reg signed [31:0] x;\n    reg [15:0] code;\n\
         \x20   wire [48:0] p;\n    integer n = 0;\n\
         \x20   spikelm_amp_shift #(.XW(32), .CW(16), .PW(49), .LAT(4)) dut (.clk(clk), .x(x), .code(code), .p(p));\n\
         \x20   always @(posedge clk) begin #0.5 n = n + 1; if (n >= 4) $display(\"P %0d\", $signed(p)); end\n\
         \x20   initial begin\n{body}        repeat (5) begin #1 clk = 1; #1 clk = 0; end\n        $finish;\n    end\nendmodule\n"
    );
    for define in [None, Some("SPIKELM_ECP5_DSP")] {
        let dir = tempfile::tempdir().unwrap();
        let gen = generate_into(
            dir.path(),
            &Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration"),
        );
        std::fs::write(gen.join("tb.v"), &tb).unwrap();
        let mut args = vec![
            "-g2005".to_string(),
            "-o".into(),
            "u.vvp".into(),
            "-s".into(),
            "tb".into(),
        ];
        if let Some(d) = define {
            args.push(format!("-D{d}"));
        }
        args.extend(["-c".into(), "files.f".into(), "tb.v".into()]);
        let (ok, log) = run(Command::new("iverilog").current_dir(&gen).args(&args));
        assert!(ok, "{log}");
        let (ok, log) = run(Command::new("vvp").current_dir(&gen).args(["-n", "u.vvp"]));
        assert!(ok, "{log}");
        let got: Vec<i128> = log
            .lines()
            .filter_map(|l| l.strip_prefix("P "))
            .map(|v| v.trim().parse().expect("a product"))
            .collect();
        // Case k is applied before edge k + 1 and is p after edge k + 4 (n counts edges).
        assert!(
            got.len() >= cases.len(),
            "{define:?}: {} products\n{log}",
            got.len()
        );
        for (k, (x, c)) in cases.iter().enumerate() {
            let want = *x as i128 * *c as i128;
            assert_eq!(got[k], want, "{define:?}: case {k}: {x} * {c}");
        }
    }
}

/// The output stage (exact mode, one lane: 20-bit ACC, 16-bit M, 16-bit Y) for every shift S
/// its 6-bit register can hold, extreme and random operands, against the reference model
/// `model::out_stage::amplitude`: Y = sat(R(ACC * M, S) + B).
#[test]
fn output_stage_rounds_shifts_and_saturates_like_the_model_for_every_shift() {
    use spikelm_hw::model::out_stage::amplitude;
    let (accw, yw) = (20u32, 16u32);
    let mut s = 0xfeed_u64;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 20) % m
    };
    let mut rows: Vec<(u32, i64, i64, i64)> = Vec::new(); // (S, acc, m, b)
    for shift in 0..64u32 {
        for k in 0..6 {
            let acc = match k {
                0 => -(1 << (accw - 1)),
                1 => (1 << (accw - 1)) - 1,
                _ => next(1 << accw) as i64 - (1 << (accw - 1)),
            };
            let m = if k < 2 { 0xffff } else { next(1 << 16) as i64 };
            let b = next(1 << yw) as i64 - (1 << (yw - 1));
            rows.push((shift, acc, m, b));
        }
    }
    let mut body = String::new();
    for (shift, acc, m, b) in &rows {
        body.push_str(&format!(
            "        shift = {shift}; repeat (2) @(negedge clk);\n\
             \x20       in_take = 1; @(negedge clk); in_take = 0;\n\
             \x20       in_valid = 1; in_acc = {acc}; in_scale = {m}; in_bias = {b}; @(negedge clk); in_valid = 0;\n\
             \x20       repeat (12) @(negedge clk);\n"
        ));
    }
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0; always #1 clk = ~clk;\n    reg rst = 1;\n\
         \x20   reg in_take = 0, in_valid = 0; reg signed [19:0] in_acc = 0; reg [15:0] in_scale = 0;\n\
         \x20   reg signed [15:0] in_bias = 0; reg [5:0] shift = 0;\n\
         \x20   wire in_ready, out_valid, out_last; wire [15:0] out_data;\n\
         \x20   spikelm_out_stage #(.C(1), .ACCW(20), .YW(16), .OSB(6), .SCW(16), .PW(37), .LAT(4), .FD(16), .FB(4)) dut (\n\
         \x20       .clk(clk), .rst(rst), .in_take(in_take), .in_ready(in_ready), .in_valid(in_valid),\n\
         \x20       .in_acc(in_acc), .in_scale(in_scale), .in_bias(in_bias), .in_last(1'b0), .shift(shift),\n\
         \x20       .out_valid(out_valid), .out_ready(1'b1), .out_data(out_data), .out_last(out_last));\n\
         \x20   always @(posedge clk) if (out_valid) $display(\"Y %0d\", $signed(out_data));\n\
         \x20   initial begin\n        repeat (2) @(negedge clk); rst = 0;\n{body}        $finish;\n    end\nendmodule\n"
    );
    let log = simulate(&[], &tb);
    let got: Vec<i64> = log
        .lines()
        .filter_map(|l| l.strip_prefix("Y "))
        .map(|v| v.trim().parse().expect("an output"))
        .collect();
    assert_eq!(got.len(), rows.len(), "{log}");
    for (k, ((shift, acc, m, b), y)) in rows.iter().zip(&got).enumerate() {
        let want = amplitude(*acc, *m, *shift, *b, yw);
        assert_eq!(*y, want, "row {k}: acc {acc} m {m} S {shift} b {b}");
    }
}
