//! Helpers shared by the RTL integration tests: configurations, generation into a temporary
//! directory, tool lookup.
#![allow(dead_code)]

use spikelm_hw::config::Params;
use spikelm_hw::rtl;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (name, preset, overrides) of every configuration the quality gates cover.
pub const CONFIGS: [(&str, &str, &[&str]); 14] = [
    ("tiny", "spikelm-bert-tiny", &[]),
    ("base", "spikelm-bert-base", &[]),
    ("tiny-4x8", "spikelm-bert-tiny", &["array=4x8"]),
    // Non-square and beyond 16 x 16 (2,048 PEs): a size `fit` may reach.
    ("tiny-32x64", "spikelm-bert-tiny", &["array=32x64"]),
    (
        "tiny-12x4",
        "spikelm-bert-tiny",
        &["array=12x4", "model.seq_len=96"],
    ),
    ("tiny-csd2", "spikelm-bert-tiny", &["alpha_mode=csd:2"]),
    ("tiny-pow2", "spikelm-bert-tiny", &["alpha_mode=pow2"]),
    ("tiny-int8", "spikelm-bert-tiny", &["array.pe=int8_mac"]),
    (
        "tiny-reuse",
        "spikelm-bert-tiny",
        &["array.resident_tokens=8"],
    ),
    ("base-csd3", "spikelm-bert-base", &["alpha_mode=csd:3"]),
    (
        "tiny-ccu2c",
        "spikelm-bert-tiny",
        &["array.adder=ecp5_ccu2c"],
    ),
    // The weight-stationary engine, plain and with CCU2C adders.
    (
        "tiny-ws",
        "spikelm-bert-tiny",
        &["array.dataflow=weight_stationary"],
    ),
    (
        "base-ws-ccu2c",
        "spikelm-bert-base",
        &["array.dataflow=weight_stationary", "array.adder=ecp5_ccu2c"],
    ),
    // The iCE40 fit: no landing registers, long delay lines as block-RAM rings.
    (
        "tiny-up5k",
        "spikelm-bert-tiny",
        &spikelm_hw::synth::UP5K_FIT,
    ),
];

/// Generate into `dir/gen` and return that path.
pub fn generate_into(dir: &Path, p: &Params) -> PathBuf {
    let out = dir.join("gen");
    let g = rtl::generate(p).expect("generate");
    rtl::write_tree(&out, &g, false).expect("write");
    out
}

/// The Verilog sources of a generated tree, from its files.f, relative to the tree.
pub fn sources(gen: &Path) -> Vec<String> {
    let fl = std::fs::read_to_string(gen.join("files.f")).expect("files.f");
    fl.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('+'))
        .map(String::from)
        .collect()
}

/// Run a command, returning (success, stdout + stderr); the command line is part of the text.
pub fn run(cmd: &mut Command) -> (bool, String) {
    let shown = format!("{cmd:?}");
    match cmd.output() {
        Ok(o) => (
            o.status.success(),
            format!(
                "$ {shown}\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => (false, format!("$ {shown}\ncannot run: {e}")),
    }
}

pub fn yosys_bin() -> String {
    std::env::var("SPIKELM_HW_YOSYS").unwrap_or_else(|_| "yosys".into())
}
