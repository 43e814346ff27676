//! Formal equivalence of the CCU2C sign-select adder (`array.adder = ecp5_ccu2c`) against the
//! plain form, both as the tool generates them, through Yosys's SAT prover (`sat -prove`) with
//! the ECP5 cell library's own CCU2C model (`+/ecp5/cells_sim.v`, what synthesis maps to, not
//! the project's simulation model). Several widths; a wrong LUT INIT must fail the proof.

mod sim_support;

use sim_support::work;
use spikelm_hw::config::Params;
use spikelm_hw::synth::tools::{self, ToolKind};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Keeps the generated trees of concurrently running tests apart.
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The generated `spikelm_signsel_add` of `adder`, renamed to `name`.
fn adder_source(adder: &str, name: &str) -> String {
    let set = format!("array.adder={adder}");
    let p = Params::preset_with("spikelm-bert-tiny", &[set.as_str(), "array=4x4"]).expect("config");
    let rtl = spikelm_hw::rtl::generate(&p).expect("generate");
    let dir = work(&format!(
        "formal-src-{adder}-{name}-{}",
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    spikelm_hw::rtl::write_tree(&dir, &rtl, true).expect("write tree");
    let text = std::fs::read_to_string(dir.join("rtl/spikelm_signsel_add.v")).expect("adder");
    assert_eq!(text.matches("module spikelm_signsel_add").count(), 1);
    text.replacen("module spikelm_signsel_add", &format!("module {name}"), 1)
}

/// The adder's contract: a drain (`shift`) never coincides with a non-zero operand or carry-in;
/// the PE array masks the spikes before it shifts. Any operand and carry-in otherwise.
const MITER: &str = "module miter #(parameter integer N = 20, parameter integer WB = 8) (
    input wire [N-1:0] x, input wire [WB-1:0] op, input wire cin,
    input wire [N-1:0] below, input wire shift);
    wire [N-1:0] s_plain, s_ccu;
    plain_add #(.N(N), .WB(WB)) u_plain (.x(x), .op(op), .cin(cin), .below(below),
        .shift(shift), .sum(s_plain));
    ccu_add   #(.N(N), .WB(WB)) u_ccu   (.x(x), .op(op), .cin(cin), .below(below),
        .shift(shift), .sum(s_ccu));
    always @* assume (!(shift && (op != 0 || cin)));
    always @* assert (s_plain == s_ccu);
endmodule
";

/// Prove `plain_add ≡ ccu_add` for every (x, op, cin, below, shift) within the contract at width (n, wb) in `dir`; returns
/// whether Yosys reported the proof and its log.
fn prove(dir: &Path, n: u32, wb: u32) -> (bool, String) {
    let script = format!(
        "read_verilog plain_add.v\nread_verilog ccu_add.v\n\
         read_verilog -nooverwrite +/ecp5/cells_sim.v\nread_verilog -formal miter.sv\n\
         chparam -set N {n} -set WB {wb} miter\nhierarchy -top miter\nflatten\n\
         proc; async2sync; chformal -lower; opt_clean\nsat -set-assumes -prove-asserts -verify\n"
    );
    let ys = format!("prove_{n}_{wb}.ys");
    std::fs::write(dir.join(&ys), script).expect("write script");
    let yosys = tools::find(ToolKind::Yosys).expect("Yosys (scripts/setup.sh)");
    let out = Command::new(&yosys.path)
        .arg(&ys)
        .current_dir(dir)
        .output()
        .expect("run yosys");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let proved =
        out.status.success() && log.contains("SAT proof finished - no model found: SUCCESS!");
    (proved, log)
}

fn setup(name: &str, ccu: &str) -> std::path::PathBuf {
    let dir = work(name);
    std::fs::write(dir.join("plain_add.v"), adder_source("plain", "plain_add")).expect("write");
    std::fs::write(dir.join("ccu_add.v"), ccu).expect("write");
    std::fs::write(dir.join("miter.sv"), MITER).expect("write");
    dir
}

#[test]
fn ccu2c_adder_equals_the_plain_adder_at_every_width() {
    let dir = setup("formal-ccu2c", &adder_source("ecp5_ccu2c", "ccu_add"));
    // Even and odd N (the spare half), the tiny accumulator (17), wider than 32 bits.
    for (n, wb) in [(9, 8), (12, 4), (17, 8), (20, 8), (33, 8)] {
        let (proved, log) = prove(&dir, n, wb);
        assert!(proved, "N = {n}, WB = {wb}: not proved\n{log}");
    }
}

#[test]
fn a_wrong_ccu2c_init_fails_the_proof() {
    let good = adder_source("ecp5_ccu2c", "ccu_add");
    let from = ".INIT1(16'hCC5A)";
    assert_eq!(good.matches(from).count(), 1, "{from} occurs once");
    let dir = setup(
        "formal-ccu2c-mutant",
        &good.replacen(from, ".INIT1(16'hCC5B)", 1),
    );
    let (proved, log) = prove(&dir, 17, 8);
    assert!(!proved, "a wrong INIT must not be proved equal");
    assert!(log.contains("proof did fail"), "{log}");
}
