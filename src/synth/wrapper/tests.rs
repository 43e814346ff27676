//! The narrow I/O top around a small stand-in core: each word shifted in reaches the core once,
//! the outputs shift back out, and its stages survive synthesis as flip-flops of their own.

use super::super::tools::{self, ToolKind};
use super::*;
use crate::units::testbench::run;
use std::process::Command;

/// A core that adds `d` to `q` in each cycle where `v` is high.
const CORE: &str =
    "module core (input wire clk, input wire rst, input wire v, input wire [7:0] d,\n\
    \x20   output reg [7:0] q);\n\
    \x20   always @(posedge clk) q <= rst ? 8'd0 : (v ? q + d : q);\n\
    endmodule\n";

fn ports() -> Vec<Port> {
    let port = |name: &str, dir, width| Port {
        name: name.to_string(),
        dir,
        width,
    };
    vec![
        port("clk", PortDir::Input, 1),
        port("rst", PortDir::Input, 1),
        port("v", PortDir::Input, 1),
        port("d", PortDir::Input, 8),
        port("q", PortDir::Output, 8),
    ]
}

/// The wrapper and the core written to a temporary directory.
fn sources(stages: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let top = io_wrapper("core", &ports(), stages).expect("the wrapper renders");
    std::fs::write(dir.path().join("top.v"), top).expect("write top.v");
    std::fs::write(dir.path().join("core.v"), CORE).expect("write core.v");
    dir
}

#[test]
fn each_word_reaches_the_core_once_and_the_outputs_shift_back_out() {
    for stages in [1, 2] {
        let dir = sources(stages);
        // Words {d, v}, shifted in most significant bit first: v = 0 words must not act. Then
        // wait for the last word, capture the sum and shift it out.
        let tb = "module tb;\n\
                  \x20   reg clk = 0, rst = 1, sin = 0, sload = 0; wire sout;\n\
                  \x20   always #1 clk = ~clk;\n\
                  \x20   spikelm_io_top dut (.clk(clk), .rst(rst), .sin(sin), .sload(sload), .sout(sout));\n\
                  \x20   integer w, b, sum = 0; reg [8:0] word; reg [7:0] got;\n\
                  \x20   initial begin\n\
                  \x20       repeat (4) @(negedge clk); rst = 0;\n\
                  \x20       for (w = 0; w < 12; w = w + 1) begin\n\
                  \x20           word = {w[7:0] * 8'd37 + 8'd5, w % 3 != 1};\n\
                  \x20           if (word[0]) sum = (sum + word[8:1]) % 256;\n\
                  \x20           for (b = 8; b >= 0; b = b - 1) begin sin = word[b]; @(negedge clk); end\n\
                  \x20           sload = 1; @(negedge clk); sload = 0;\n\
                  \x20           repeat (w % 4) @(negedge clk);\n\
                  \x20       end\n\
                  \x20       repeat (8) @(negedge clk);\n\
                  \x20       sload = 1; @(negedge clk); sload = 0;\n\
                  \x20       for (b = 7; b >= 0; b = b - 1) begin got[b] = sout; @(negedge clk); end\n\
                  \x20       $display(\"SUM %0d GOT %0d\", sum, got);\n\
                  \x20       $finish;\n\
                  \x20   end\n\
                  endmodule\n";
        std::fs::write(dir.path().join("tb.v"), tb).expect("write tb.v");
        run(Command::new("iverilog").current_dir(dir.path()).args([
            "-g2005", "-o", "t.vvp", "-s", "tb", "top.v", "core.v", "tb.v",
        ]));
        let log = run(Command::new("vvp")
            .current_dir(dir.path())
            .args(["-n", "t.vvp"]));
        let line = log
            .lines()
            .find(|l| l.starts_with("SUM "))
            .unwrap_or_else(|| panic!("no result (stages {stages}):\n{log}"));
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[1], fields[3], "stages {stages}: {line}");
    }
}

#[test]
fn every_stage_is_a_flip_flop_of_its_own_after_synthesis() {
    let stages = io_stages(Family::Ecp5);
    let dir = sources(stages);
    let yosys = tools::find(ToolKind::Yosys).expect("Yosys (scripts/setup.sh)");
    let log = run(Command::new(&yosys.path).current_dir(dir.path()).args([
        "-q",
        "-p",
        "read_verilog top.v core.v; synth -flatten -top spikelm_io_top; tee -o stat.txt stat",
    ]));
    let stat = std::fs::read_to_string(dir.path().join("stat.txt")).expect("stat.txt");
    let ffs: u32 = stat
        .lines()
        .filter(|l| l.contains("DFF"))
        .filter_map(|l| l.split_whitespace().next()?.parse::<u32>().ok())
        .sum();
    // The input shift register and its stages (9 bits each), the output stages and shift
    // register (8 bits each), the core's 8.
    let want = 9 * (1 + stages) + 8 * (1 + stages) + 8;
    assert!(ffs >= want, "{ffs} flip-flops, want {want}:\n{stat}\n{log}");
}
