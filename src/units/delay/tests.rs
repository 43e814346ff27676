//! `spikelm_delay` under Icarus: a chain (RAM_MIN = 0) and the same line with the project's
//! threshold (`DELAY_RAM_MIN_SAVED`) side by side on random words, each checked cycle by cycle
//! against the words sent N cycles before; the testbench also names the form the threshold must
//! choose (`g_ring` or `g_stages`), so a wrong choice fails to elaborate.

use crate::config::DELAY_RAM_MIN_SAVED;
use crate::units::testbench::simulate_files;

const CYCLES: usize = 700;

/// (W, N, RESET, ring expected) around the threshold: W·(N − 1) − 2·AB ≥ 64 without reset.
const CASES: [(u32, u32, u32, bool); 10] = [
    (12, 7, 0, true),  // 72 − 6 = 66: the encoder's input line of the UP5K fit
    (12, 6, 0, false), // 60 − 6 = 54
    (17, 11, 0, true), // 2^AB = 16 > N − 1 = 10
    (9, 9, 0, true),   // 2^AB = N − 1 = 8: the tightest ring
    (33, 3, 0, true),  // 66 − 2 = 64, the shortest line a ring takes
    (32, 3, 0, false), // 64 − 2 = 62
    (2, 300, 0, true), // deeper than one 256-entry block
    (40, 5, 1, false), // a reset keeps the chain
    (40, 2, 0, false), // too short for the two-cycle read
    (1, 1, 0, false),  // one register
];

fn testbench(w: u32, n: u32, reset: u32, ring: bool) -> String {
    let form = if ring {
        "g_ring.r_q[0]"
    } else {
        "g_stages.stage_q[0][0]"
    };
    format!(
        "`timescale 1ns/1ps\n\
         module tb;\n\
         \x20   reg clk = 0;\n\
         \x20   reg [{w}-1:0] in = 0;\n\
         \x20   wire [{w}-1:0] out_chain, out_line;\n\
         \x20   spikelm_delay #(.W({w}), .N({n}), .RESET({reset}), .RAM_MIN(0)) chain (\n\
         \x20       .clk(clk), .rst(1'b0), .in(in), .out(out_chain));\n\
         \x20   spikelm_delay #(.W({w}), .N({n}), .RESET({reset}), .RAM_MIN({DELAY_RAM_MIN_SAVED})) line (\n\
         \x20       .clk(clk), .rst(1'b0), .in(in), .out(out_line));\n\
         \x20   wire form_chosen = line.{form};\n\
         \x20   reg [{w}-1:0] sent [0:{CYCLES}-1];\n\
         \x20   integer c, errors, checked;\n\
         \x20   initial begin\n\
         \x20       errors = 0; checked = 0;\n\
         \x20       for (c = 0; c < {CYCLES}; c = c + 1) begin\n\
         \x20           in = {{$random, $random}};\n\
         \x20           sent[c] = in;\n\
         \x20           #1;\n\
         \x20           if (c > {n}) begin\n\
         \x20               checked = checked + 1;\n\
         \x20               if (out_chain !== sent[c - {n}] || out_line !== sent[c - {n}]) errors = errors + 1;\n\
         \x20           end\n\
         \x20           clk = 1; #1 clk = 0;\n\
         \x20       end\n\
         \x20       $display(\"RESULT errors=%0d checked=%0d form=%b\", errors, checked, form_chosen);\n\
         \x20       $finish;\n\
         \x20   end\n\
         endmodule\n"
    )
}

#[test]
fn a_ring_and_a_chain_both_give_the_word_sent_n_cycles_before() {
    for (w, n, reset, ring) in CASES {
        let log = simulate_files(
            &["rtl/spikelm_ram_sdp.v", "rtl/spikelm_delay.v"],
            &testbench(w, n, reset, ring),
        );
        let checked = CYCLES - n as usize - 1;
        assert!(
            log.contains(&format!("RESULT errors=0 checked={checked} ")),
            "W {w} N {n} RESET {reset}: {log}"
        );
    }
}
