//! `spikelm_signsel_add` under Icarus, exhaustively at a small width.

use crate::units::testbench::simulate;

/// Every x of N bits, every weight of 4 bits, every spike (the operand `(w ^ neg) & en` and carry-in
/// `en & neg` the PE registers), against integer arithmetic; and the drain (shift with a zero
/// operand) passes `below` through for every x.
pub(in crate::units) fn signsel_testbench(n: u32) -> String {
    let half = 1i64 << (n - 1);
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
        \x20   reg [{m}:0] x, below; reg [3:0] w; reg en, neg, shift;\n\
        \x20   wire [3:0] op = (w ^ {{4{{neg}}}}) & {{4{{en}}}};\n    wire cin = en & neg;\n\
        \x20   wire [{m}:0] sum;\n\
        \x20   integer xi, wi, s, errors = 0, want;\n\
        \x20   spikelm_signsel_add #(.N({n}), .WB(4)) dut (.x(x), .op(op), .cin(cin), .below(below), .shift(shift), .sum(sum));\n\
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
