//! `spikelm_mul18` under Icarus, in its plain form and its ECP5 DSP form (the MULT18X18D
//! simulation model): a new operand pair every cycle, every product three cycles later, against
//! integer products. Two shapes: the INT8 PE's 8 x 8 and the full 18 x 18 block.

use crate::units::testbench::{check_products_in_both_forms, Lcg};

/// (a, b) pairs in range for signed AW × BW operands: the corners, then pseudo-random values.
fn cases(aw: u32, bw: u32) -> Vec<(i64, i64)> {
    let (amin, amax) = (-(1i64 << (aw - 1)), (1i64 << (aw - 1)) - 1);
    let (bmin, bmax) = (-(1i64 << (bw - 1)), (1i64 << (bw - 1)) - 1);
    let mut v = vec![
        (amin, bmin),
        (amin, bmax),
        (amax, bmin),
        (amax, bmax),
        (-1, -1),
        (0, bmin),
    ];
    let mut rng = Lcg(0x006d_756c_3138_u64 + aw as u64);
    for _ in 0..100 {
        let a = rng.below(1 << aw) as i64 + amin;
        let b = rng.below(1 << bw) as i64 + bmin;
        v.push((a, b));
    }
    v
}

#[test]
fn both_forms_give_the_signed_product_three_cycles_later_every_cycle() {
    for (aw, bw) in [(8u32, 8u32), (18, 18), (8, 13)] {
        let cases = cases(aw, bw);
        let mut body = String::new();
        for (a, b) in &cases {
            body.push_str(&format!(
                "        a = {a}; b = {b}; #1 clk = 1; #1 clk = 0;\n"
            ));
        }
        let pw = aw + bw;
        let tb = format!(
            "`timescale 1ns/1ps\nmodule tb;\n    reg clk = 0;\n    reg signed [{}:0] a;\n    reg signed [{}:0] b;\n\
             \x20   wire [{}:0] p;\n    integer n = 0;\n\
             \x20   spikelm_mul18 #(.AW({aw}), .BW({bw}), .LAT(3)) dut (.clk(clk), .a(a), .b(b), .p(p));\n\
             \x20   always @(posedge clk) begin #0.5 n = n + 1; if (n >= 3) $display(\"P %0d\", $signed(p)); end\n\
             \x20   initial begin\n{body}        repeat (4) begin #1 clk = 1; #1 clk = 0; end\n        $finish;\n    end\nendmodule\n",
            aw - 1,
            bw - 1,
            pw - 1
        );
        // Case k is applied before edge k + 1 and is p after edge k + 3.
        let want: Vec<i128> = cases.iter().map(|(a, b)| (a * b) as i128).collect();
        check_products_in_both_forms(&tb, &want, &format!("{aw}x{bw}"));
    }
}
