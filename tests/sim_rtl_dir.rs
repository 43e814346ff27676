//! `sim --rtl DIR` verifies an existing tree against the configuration its manifest records,
//! and bad requests are refused with a message that says what to change.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::Params;
use std::process::Command;

fn spikelm_hw() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"));
    c.env("SPIKELM_HW_CACHE", cache());
    c
}

#[test]
fn rtl_dir_is_verified_against_its_manifest_configuration() {
    // The narrow-membrane configuration of tests/sim_configs.rs, so the build cache is shared.
    let p = Params::preset_with(
        "spikelm-bert-tiny",
        &[
            "model.hidden=16",
            "model.ffn=32",
            "model.heads=1",
            "model.seq_len=8",
            "array.rows=8",
            "array.cols=8",
            "format.membrane_bits=18",
            "format.alpha_mode=csd:2",
        ],
    )
    .expect("test configuration");
    let dir = work("rtl-dir").join("rtl");
    let rtl = spikelm_hw::rtl::generate(&p).expect("generate");
    spikelm_hw::rtl::write_tree(&dir, &rtl, true).expect("write tree");
    let out = spikelm_hw()
        .args([
            "sim",
            "--json",
            "--stall",
            "0",
            "--case",
            "firing-tie",
            "--rtl",
        ])
        .arg(&dir)
        .output()
        .expect("run spikelm-hw");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(report["config_hash"], p.derived.config_hash.as_str());
    assert_eq!(report["alpha_mode"], "csd:2");
    assert_eq!(report["runs"].as_array().map(Vec::len), Some(4));
    for run in report["runs"].as_array().into_iter().flatten() {
        assert_eq!(run["cycles_model"], run["cycles_register"], "{run}");
    }
}

#[test]
fn bad_requests_say_what_to_change() {
    let cases: [(&[&str], &str); 4] = [
        (&["--tokens", "3"], "must be a multiple of 2"),
        (
            &["--layer", "ffn"],
            "expected qkv, attn_out, ffn_in, ffn_out or all",
        ),
        (&["--case", "nope"], "known cases are random"),
        (&["--stall", "1.5"], "a probability in [0, 1)"),
    ];
    for (args, message) in cases {
        let out = spikelm_hw()
            .arg("sim")
            .args(args)
            .output()
            .expect("run spikelm-hw");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} must be refused");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
