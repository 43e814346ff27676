//! Quality gates on the generated Verilog, for the presets and non-default configurations:
//! `verilator --lint-only -Wall` with zero warnings and Yosys `proc; check -assert`.
//! Run: `cargo test --release --test rtl_lint`. Yosys binary: `SPIKELM_HW_YOSYS` (default `yosys`).

mod rtl_common;

use rtl_common::*;
use std::process::Command;

#[test]
fn verilator_lint_wall_is_clean() {
    for (name, preset, sets) in CONFIGS {
        let dir = tempfile::tempdir().unwrap();
        let gen = generate_into(dir.path(), &params(preset, sets));
        let (ok, log) = run(Command::new("verilator").current_dir(&gen).args([
            "--lint-only",
            "-Wall",
            "-f",
            "files.f",
            "--top-module",
            "spikelm_engine",
        ]));
        assert!(ok && !log.contains("%Warning"), "{name}:\n{log}");
    }
}

#[test]
fn yosys_check_assert_is_clean() {
    for (name, preset, sets) in CONFIGS {
        let dir = tempfile::tempdir().unwrap();
        let gen = generate_into(dir.path(), &params(preset, sets));
        let script = format!(
            "read_verilog -Irtl {}; hierarchy -check -top spikelm_engine; proc; check -assert; select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
            sources(&gen).join(" ")
        );
        let (ok, log) = run(Command::new(yosys_bin())
            .current_dir(&gen)
            .args(["-q", "-p", &script]));
        assert!(ok, "{name}:\n{log}");
        assert!(!log.contains("Latch inferred"), "{name}:\n{log}");
    }
}
