//! `fit` on the command line: every refusal names the option or field, its value and the rule,
//! before any tool runs (the search itself is unit-tested with fake chips in `synth::fit`).

use std::process::Command;

/// Run `spikelm-hw fit ARGS` in a scratch directory; it must fail; its stderr.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("scratch");
    let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .current_dir(dir.path())
        .arg("fit")
        .args(args)
        .output()
        .expect("spawn spikelm-hw");
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(
        !dir.path().join("build").exists(),
        "{args:?} wrote output before refusing"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn fit_refuses_bad_targets_clocks_and_configurations_by_name() {
    let e = refused(&["--target", "ecp5-99k"]);
    assert!(
        e.contains("unknown target `ecp5-99k`") && e.contains("ecp5-85k"),
        "{e}"
    );
    let e = refused(&["--target", "gates"]);
    assert!(
        e.contains("--target gates") && e.contains("FPGA target"),
        "{e}"
    );
    for clock in ["0", "-5", "NaN"] {
        let e = refused(&["--target", "ecp5-85k", &format!("--clock-mhz={clock}")]);
        assert!(e.contains(&format!("--clock-mhz {clock}")), "{e}");
    }
    let e = refused(&["--target", "ecp5-85k", "--set", "array=8x7"]);
    assert!(
        e.contains("model.hidden = 128") && e.contains("array.cols = 7"),
        "{e}"
    );
    let e = refused(&["--target", "ecp5-85k", "--engine", "fp16"]);
    assert!(e.contains("fp16") && e.contains("ternary"), "{e}");
}
