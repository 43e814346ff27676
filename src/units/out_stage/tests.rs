//! Unit tests of the output stage: the reference model, and the RTL against it under Icarus.

use super::*;
use crate::units::testbench::simulate;

#[test]
fn scales_rounds_adds_bias() {
    // 100 · 3 / 2^4 = 18.75 -> 19, + 5.
    assert_eq!(amplitude(100, 3, 4, 5, 16), 24);
    // -100 · 3 / 16 = -18.75 -> -19; -24 / 16 = -1.5 -> -1 (half up).
    assert_eq!(amplitude(-100, 3, 4, 0, 16), -19);
    assert_eq!(amplitude(-24, 1, 4, 0, 16), -1);
    assert_eq!(amplitude(7, 9, 0, -3, 16), 60);
}

#[test]
fn output_saturates_after_the_bias() {
    assert_eq!(amplitude(1000, 100, 0, 0, 16), 32767);
    assert_eq!(amplitude(-1000, 100, 0, 0, 16), -32768);
    // The bias brings an out-of-range product back in range before saturation.
    assert_eq!(amplitude(330, 100, 0, -1000, 16), 32000);
    assert_eq!(amplitude(1, 1, 0, 127, 8), 127);
    assert_eq!(amplitude(2, 1, 0, 127, 8), 127);
}

/// The output stage (exact mode, one lane: 20-bit ACC, 16-bit M, 16-bit Y, both shifter forms)
/// for every shift S its 6-bit register can hold, extreme, power-of-two and random operands,
/// against the reference model `amplitude`: Y = sat(R(ACC * M, S) + B).
#[test]
fn output_stage_rounds_shifts_and_saturates_like_the_model_for_every_shift() {
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
    // Products at and beside every power of two the accumulator and scale can form, so each
    // bit of Q above YW is the only one that differs from its sign in some row (the range
    // test's groups of bits; random operands almost never isolate one), at every fine shift
    // of both shifter forms (the test takes Q's high bits from before the fine shift).
    for a in 0..accw - 1 {
        for m_exp in [0, 7, 15] {
            for acc in [1i64 << a, -(1i64 << a), (1i64 << a) - 1, -(1i64 << a) - 1] {
                for shift in 0..8 {
                    rows.push((shift, acc, 1 << m_exp, 0));
                }
            }
        }
    }
    let mut body = String::new();
    for (shift, acc, m, b) in &rows {
        body.push_str(&format!(
            "        shift = {shift}; repeat (2) @(negedge clk);\n\
             \x20       @(negedge clk);\n\
             \x20       in_valid = 1; in_acc = {acc}; in_scale = {m}; in_bias = {b}; @(negedge clk); in_valid = 0;\n\
             \x20       repeat (12) @(negedge clk);\n"
        ));
    }
    // Both shifter forms: three stages of 4:1 (landing registers) and two of 8:1.
    for shs in [2, 3] {
        let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0; always #1 clk = ~clk;\n    reg rst = 1;\n\
         \x20   reg in_valid = 0; reg signed [19:0] in_acc = 0; reg [15:0] in_scale = 0;\n\
         \x20   reg signed [15:0] in_bias = 0; reg [5:0] shift = 0;\n\
         \x20   wire out_freed, out_valid, out_last; wire [15:0] out_data;\n\
         \x20   spikelm_out_stage #(.C(1), .ACCW(20), .YW(16), .OSB(6), .SCW(16), .PW(37), .LAT(5), .SRW(2), .SHS({shs}), .FD(16), .FB(4)) dut (\n\
         \x20       .clk(clk), .rst(rst), .in_valid(in_valid),\n\
         \x20       .in_acc(in_acc), .in_scale(in_scale), .in_bias(in_bias), .in_last(1'b0), .shift(shift),\n\
         \x20       .out_valid(out_valid), .out_ready(1'b1), .out_data(out_data), .out_last(out_last),\n\
         \x20       .out_freed(out_freed));\n\
         \x20   always @(posedge clk) if (out_valid) $display(\"Y %0d\", $signed(out_data));\n\
         \x20   initial begin\n        repeat (2) @(negedge clk); rst = 0;\n{body}        repeat (8) @(negedge clk);  // the last row through the FIFO\n        $finish;\n    end\nendmodule\n"
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
            assert_eq!(
                *y, want,
                "SHS {shs}, row {k}: acc {acc} m {m} S {shift} b {b}"
            );
        }
    }
}

/// The output FIFO in both its forms (one LUT-RAM cell of 16 rows; cells interleaved by address,
/// each read into a register, with the bypass for a row written the cycle before its take),
/// under a sender that keeps the credit rule and an out_ready that stalls at random: every row
/// leaves once, in order, with its `last` flag. Y = ACC here (M = 1, S = 0, B = 0).
#[test]
fn output_fifo_keeps_every_row_in_order_under_random_stalls() {
    for (sets, interleaved) in [
        (vec![], false),
        (vec!["array.dataflow=weight_stationary"], true),
    ] {
        let what = if interleaved {
            "interleaved cells"
        } else {
            "one cell"
        };
        let params = crate::config::Params::preset_with("spikelm-bert-tiny", &sets)
            .expect("a valid configuration");
        let fd = crate::perf::pipeline::out_fifo_depth(&params);
        assert_eq!(fd > 16, interleaved, "{what}: FD {fd}");
        let rows = 600;
        let tb = format!(
            "`timescale 1ns/1ps\nmodule tb;\n\
             \x20   reg clk = 0; always #1 clk = ~clk;\n    reg rst = 1;\n\
             \x20   reg in_valid = 0, in_last = 0, out_ready = 0; reg [39:0] in_acc = 0;\n\
             \x20   wire out_freed, out_valid, out_last; wire [31:0] out_data;\n\
             \x20   spikelm_out_stage #(.C(2), .ACCW(20), .YW(16), .OSB(6), .SCW(16), .PW(37), .FD({fd}), .FB({fb})) dut (\n\
             \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_acc(in_acc), .in_scale({{2{{16'd1}}}}),\n\
             \x20       .in_bias(32'd0), .in_last(in_last), .shift(6'd0), .out_valid(out_valid), .out_ready(out_ready),\n\
             \x20       .out_data(out_data), .out_last(out_last), .out_freed(out_freed));\n\
             \x20   integer sent = 0, got = 0, owed = 0, bad = 0, seed = 7, mode = 0;\n\
             \x20   wire [15:0] want0 = got, want1 = -got; wire [19:0] acc0 = sent, acc1 = -sent;\n\
             \x20   always @(posedge clk) if (!rst) begin\n\
             \x20       if (out_valid && out_ready) begin\n\
             \x20           if (out_data !== {{want1, want0}} || out_last !== (got % 7 == 6)) begin\n\
             \x20               bad = bad + 1; $display(\"BAD row %0d: %h last %b\", got, out_data, out_last);\n\
             \x20           end\n\
             \x20           got = got + 1;\n\
             \x20       end\n\
             \x20       owed = owed + (in_valid ? 1 : 0) - (out_freed ? 1 : 0);\n\
             \x20   end\n\
             \x20   initial begin\n\
             \x20       repeat (3) @(negedge clk); rst = 0;\n\
             \x20       while (sent < {rows}) begin\n\
             \x20           mode = (sent / 150) % 4;  // bursts, stalls, a slow reader, a full-speed reader\n\
             \x20           out_ready = (mode == 3) ? 1 : (mode == 2) ? ($random(seed) % 4 == 0) : $random(seed);\n\
             \x20           if (owed < {fd} && (mode != 1 || $random(seed) % 3 == 0)) begin\n\
             \x20               in_valid = 1; in_last = (sent % 7 == 6);\n\
             \x20               in_acc = {{acc1, acc0}}; sent = sent + 1;\n\
             \x20           end else begin\n\
             \x20               in_valid = 0;\n\
             \x20           end\n\
             \x20           @(negedge clk);\n\
             \x20       end\n\
             \x20       in_valid = 0; out_ready = 1;\n\
             \x20       repeat (200) @(negedge clk);\n\
             \x20       $display(\"ROWS %0d BAD %0d\", got, bad);\n\
             \x20       $finish;\n\
             \x20   end\nendmodule\n",
            fb = fd.trailing_zeros(),
        );
        let log = simulate(&sets, &tb);
        assert!(
            log.contains(&format!("ROWS {rows} BAD 0")),
            "{what} (FD {fd}):\n{log}"
        );
    }
}
