//! `spikelm_amp_shift` in csd mode under Icarus, against hand-derived sums of signed
//! power-of-two terms.

use crate::units::testbench::{check_products_in_both_forms, simulate, SMALL};

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
    // The pipeline is flushed with six more edges; p is printed on every edge from the 5th on.
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0;\n    reg signed [31:0] x;\n    reg [15:0] code;\n\
         \x20   wire [48:0] p;\n    integer n = 0;\n\
         \x20   spikelm_amp_shift #(.XW(32), .CW(16), .PW(49), .LAT(5)) dut (.clk(clk), .x(x), .code(code), .p(p));\n\
         \x20   always @(posedge clk) begin #0.5 n = n + 1; if (n >= 5) $display(\"P %0d\", $signed(p)); end\n\
         \x20   initial begin\n{body}        repeat (6) begin #1 clk = 1; #1 clk = 0; end\n        $finish;\n    end\nendmodule\n"
    );
    // Case k is applied before edge k + 1 and is p after edge k + 5 (n counts edges).
    let want: Vec<i128> = cases.iter().map(|(x, c)| *x as i128 * *c as i128).collect();
    check_products_in_both_forms(&tb, &want, "exact multiplier");
}
