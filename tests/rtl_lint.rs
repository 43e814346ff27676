//! Quality gates on the generated Verilog, for the presets and non-default configurations:
//! `verilator --lint-only -Wall` with zero warnings and Yosys `proc; check -assert`, including
//! the ECP5 CCU2C adder (`array.adder = ecp5_ccu2c`, its simulation model linted by Verilator,
//! Yosys' library cell read as a blackbox), and the ECP5 technology forms (DP16KD, MULT18X18D)
//! under Verilator with their simulation models.
//! Run: `cargo test --release --test rtl_lint`. Yosys binary: `SPIKELM_HW_YOSYS` (default `yosys`).

mod rtl_common;

use rtl_common::*;
use spikelm_hw::config::AdderKind;
use spikelm_hw::config::Params;
use spikelm_hw::rtl::RtlContext;
use std::process::Command;

#[test]
fn verilator_lint_wall_is_clean() {
    for (name, preset, sets) in CONFIGS {
        let dir = tempfile::tempdir().unwrap();
        let gen = generate_into(
            dir.path(),
            &Params::preset_with(preset, sets).expect("test configuration"),
        );
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
        let p = Params::preset_with(preset, sets).expect("test configuration");
        let gen = generate_into(dir.path(), &p);
        // ECP5 carry cells come from Yosys' own library (the generated model is skipped under
        // SYNTHESIS); read it as blackboxes before the design.
        let cells = if p.array().adder == AdderKind::Ecp5Ccu2c {
            "read_verilog -lib +/ecp5/cells_sim.v; "
        } else {
            ""
        };
        let script = format!(
            "{cells}read_verilog -Irtl {}; hierarchy -check -top spikelm_engine; proc; check -assert; select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
            sources(&gen).join(" ")
        );
        let (ok, log) = run(Command::new(yosys_bin())
            .current_dir(&gen)
            .args(["-q", "-p", &script]));
        assert!(ok, "{name}:\n{log}");
        assert!(!log.contains("Latch inferred"), "{name}:\n{log}");
    }
}

/// The verification checkers (`formal/`, not in files.f): lint clean on their own, and absent
/// from what synthesis and the co-simulation read.
#[test]
fn checkers_lint_clean_and_stay_out_of_the_file_list() {
    let dir = tempfile::tempdir().unwrap();
    let gen = generate_into(
        dir.path(),
        &Params::preset_with("spikelm-bert-tiny", &[]).expect("tiny"),
    );
    let list = std::fs::read_to_string(gen.join("files.f")).expect("files.f");
    for module in ["spikelm_axis_checker", "spikelm_csr_checker"] {
        let file = format!("formal/{module}.v");
        assert!(gen.join(&file).is_file(), "{file} is generated");
        assert!(!list.contains(module), "{module} must not be in files.f");
        let (ok, log) = run(Command::new("verilator").current_dir(&gen).args([
            "--lint-only",
            "-Wall",
            &file,
            "--top-module",
            module,
        ]));
        assert!(ok && !log.contains("%Warning"), "{module}:\n{log}");
    }
}

/// The units no engine instantiates yet (`standalone/`, not in files.f): each one as the top,
/// read with the engine's files (its leaves), Verilator `-Wall` clean and Yosys `check -assert`
/// without latches, in the plain tree and in the tree with the CCU2C adder (the
/// weight-stationary PE's ECP5 form).
#[test]
fn standalone_units_lint_clean_and_latch_free() {
    for sets in [&[][..], &["array.adder=ecp5_ccu2c"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let p = Params::preset_with("spikelm-bert-tiny", sets).expect("tiny");
        let gen = generate_into(dir.path(), &p);
        let list = std::fs::read_to_string(gen.join("files.f")).expect("files.f");
        let ctx = RtlContext::new(&p).expect("context");
        let standalone: Vec<_> = spikelm_hw::rtl::units()
            .into_iter()
            .filter(|u| !u.is_checker() && !u.in_engine(&ctx))
            .collect();
        assert!(!standalone.is_empty());
        let files: Vec<String> = standalone.iter().map(|u| u.path(&ctx)).collect();
        let cells = if sets.is_empty() {
            ""
        } else {
            "read_verilog -lib +/ecp5/cells_sim.v; "
        };
        for unit in &standalone {
            let what = format!("{} {sets:?}", unit.module);
            assert!(!list.contains(unit.module), "{what} is in files.f");
            let (ok, log) = run(Command::new("verilator")
                .current_dir(&gen)
                .args(["--lint-only", "-Wall", "-f", "files.f"])
                .args(&files)
                .args(["--top-module", unit.module]));
            assert!(ok && !log.contains("%Warning"), "{what}:\n{log}");
            let script = format!(
                "{cells}read_verilog -Irtl {} {}; hierarchy -check -top {}; proc; check -assert; select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
                sources(&gen).join(" "),
                files.join(" "),
                unit.module
            );
            let (ok, log) = run(Command::new(yosys_bin())
                .current_dir(&gen)
                .args(["-q", "-p", &script]));
            assert!(ok, "{what}:\n{log}");
            assert!(!log.contains("Latch inferred"), "{what}:\n{log}");
        }
    }
}

/// Waivers for the ECP5 forms, each a fact of the primitive and not of the design: the row
/// buffers write through DP16KD port A and read through port B, so port A's data outputs are
/// unconnected, and a word narrower than the blocks' lanes leaves lanes of the read mux unused;
/// the DP16KD test model (a model of the primitive, named for what it is) is not linted.
const ECP5_WAIVERS: &str = "`verilator_config
lint_off -rule PINMISSING -file \"*rtl/spikelm_ram_sdp.v\" -match \"*DOA*\"
lint_off -rule UNUSEDSIGNAL -file \"*rtl/spikelm_ram_sdp.v\" -match \"*rd_sel*\"
lint_off -file \"*dp16kd_model.v\"
";

/// The ECP5 forms as `spikelm-hw synth` reads them (`SPIKELM_ECP5_EBR` and `SPIKELM_ECP5_DSP`
/// defined: hand-instantiated DP16KD blocks and registered MULT18X18D products), for every
/// configuration of the plain gate above and every standalone unit: Verilator `-Wall` clean,
/// with the DP16KD test model and the MULT18X18D model, but for `ECP5_WAIVERS`.
#[test]
fn ecp5_forms_lint_clean() {
    let model = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/units/ram_sdp/dp16kd_model.v"
    );
    let lint = |gen: &std::path::Path, extra: &[String], top: &str, what: &str| {
        std::fs::write(gen.join("ecp5_waivers.vlt"), ECP5_WAIVERS).expect("waivers");
        let (ok, log) = run(Command::new("verilator")
            .current_dir(gen)
            .args([
                "--lint-only",
                "-Wall",
                "-DSPIKELM_ECP5_EBR",
                "-DSPIKELM_ECP5_DSP",
            ])
            .args(["ecp5_waivers.vlt", "-f", "files.f", model])
            .args(extra)
            .args(["--top-module", top]));
        assert!(
            ok && !log.contains("%Warning"),
            "{what} (ECP5 forms):\n{log}"
        );
    };
    for (name, preset, sets) in CONFIGS {
        let dir = tempfile::tempdir().unwrap();
        let gen = generate_into(
            dir.path(),
            &Params::preset_with(preset, sets).expect("test configuration"),
        );
        lint(&gen, &[], "spikelm_engine", name);
    }
    let dir = tempfile::tempdir().unwrap();
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("tiny");
    let gen = generate_into(dir.path(), &p);
    let ctx = RtlContext::new(&p).expect("context");
    let standalone: Vec<_> = spikelm_hw::rtl::units()
        .into_iter()
        .filter(|u| !u.is_checker() && !u.in_engine(&ctx))
        .collect();
    let files: Vec<String> = standalone.iter().map(|u| u.path(&ctx)).collect();
    for unit in &standalone {
        lint(&gen, &files, unit.module, unit.module);
    }
}
