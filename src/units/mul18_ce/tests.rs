//! `spikelm_mul18_ce` under Icarus, in its plain form and its ECP5 DSP form (the MULT18X18D
//! simulation model): a new operand pair every cycle and the enable low on about a third of
//! the cycles, against a register-level model of the three enabled stages computing exact
//! integer products. The unit is outside files.f (standalone/), which the two-form runner
//! compiles, so the testbench includes it.

use crate::units::testbench::{check_products_in_both_forms, Lcg};

#[test]
fn both_forms_give_the_signed_product_three_enabled_cycles_later() {
    for (aw, bw) in [(18u32, 18u32), (13, 5), (17, 18)] {
        let (amin, bmin) = (-(1i64 << (aw - 1)), -(1i64 << (bw - 1)));
        let mut rng = Lcg(0x6365_0000 + u64::from(aw * 32 + bw));
        let mut body = String::new();
        let mut want = Vec::new();
        // The three registers of the model: input (the pair), pipeline and output (products).
        let (mut in_q, mut m_q, mut o_q): (Option<(i64, i64)>, Option<i128>, Option<i128>) =
            (None, None, None);
        for k in 0..300 {
            let (a, b) = match k {
                0 => (amin, bmin),
                1 => (amin, -bmin - 1),
                2 => (-amin - 1, bmin),
                _ => (
                    rng.below(1 << aw) as i64 + amin,
                    rng.below(1 << bw) as i64 + bmin,
                ),
            };
            let en = k < 4 || rng.below(3) != 0;
            if en {
                o_q = m_q;
                m_q = in_q.map(|(x, y)| i128::from(x) * i128::from(y));
                in_q = Some((a, b));
            }
            let show = match o_q {
                Some(p) => {
                    want.push(p);
                    "$display(\"P %0d\", $signed(p)); "
                }
                None => "",
            };
            body.push_str(&format!(
                "        a = {a}; b = {b}; en = {}; #1 clk = 1; #0.5 {show}#0.5 clk = 0;\n",
                u8::from(en)
            ));
        }
        let tb = format!(
            "`timescale 1ns/1ps\n`include \"standalone/spikelm_mul18_ce.v\"\nmodule tb;\n    reg clk = 0;\n    reg en = 0;\n\
             \x20   reg signed [{}:0] a;\n    reg signed [{}:0] b;\n    wire [{}:0] p;\n\
             \x20   spikelm_mul18_ce #(.AW({aw}), .BW({bw}), .LAT(3)) dut (.clk(clk), .en(en), .a(a), .b(b), .p(p));\n\
             \x20   initial begin\n{body}        $finish;\n    end\nendmodule\n",
            aw - 1,
            bw - 1,
            aw + bw - 1
        );
        assert!(want.len() > 150);
        check_products_in_both_forms(&tb, &want, &format!("{aw}x{bw}"));
    }
}
