//! Runs a unit's RTL test under Icarus: generates the tiny engine (with overrides) into a
//! temporary directory, adds a testbench module `tb`, simulates it and returns the log.

use crate::config::Params;
use std::process::Command;

/// 8-bit input and membrane, 8-bit alpha codes, F = 2 (alpha 1.0 = code 4).
pub const SMALL: [&str; 4] = [
    "format.input_bits=8",
    "format.membrane_bits=8",
    "format.alpha_bits=8",
    "format.frac_bits=2",
];

/// Generate the configuration, add `tb` (module `tb`), simulate, return stdout and stderr.
/// Panics with the command's output when compiling or simulating fails.
pub fn simulate(sets: &[&str], tb: &str) -> String {
    simulate_with_defines(sets, tb, &[])
}

/// As [`simulate`], with Verilog macros defined for the compile (e.g. a technology form).
pub fn simulate_with_defines(sets: &[&str], tb: &str, defines: &[&str]) -> String {
    let mut sources: Vec<String> = defines.iter().map(|d| format!("-D{d}")).collect();
    sources.extend(["-c".to_string(), "files.f".to_string()]);
    simulate_sources(sets, tb, &sources)
}

/// As [`simulate`] for units outside `files.f` (`standalone/`): compiles only `files` (paths in
/// the generated tree, leaves first) and `tb`.
pub fn simulate_files(files: &[&str], tb: &str) -> String {
    let sources: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    simulate_sources(&[], tb, &sources)
}

/// Generate the configuration into a temporary tree, add `tb`, compile `sources` (iverilog
/// arguments: macros and files) with it, simulate.
fn simulate_sources(sets: &[&str], tb: &str, sources: &[String]) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let gen = dir.path().join("gen");
    let params = Params::preset_with("spikelm-bert-tiny", sets).expect("test configuration");
    let rtl = crate::rtl::generate(&params).expect("generate");
    crate::rtl::write_tree(&gen, &rtl, false).expect("write");
    std::fs::write(gen.join("tb.v"), tb).expect("write tb.v");
    run(Command::new("iverilog")
        .current_dir(&gen)
        .args(["-g2005", "-o", "u.vvp", "-s", "tb"])
        .args(sources)
        .arg("tb.v"));
    run(Command::new("vvp").current_dir(&gen).args(["-n", "u.vvp"]))
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("$ {shown}\ncannot run: {e}"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "$ {shown}\n{log}");
    log
}
