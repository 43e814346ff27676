//! Runs a standalone unit's testbench in the unit's ECP5 forms: `SPIKELM_ECP5_DSP` (registered
//! MULT18X18D, with the generated simulation model `rtl/MULT18X18D.v`) and `SPIKELM_ECP5_EBR`
//! (hand-instantiated DP16KD blocks: the interpolator's tables and the row buffers of
//! `spikelm_ram_sdp`, with the test model `src/units/ram_sdp/dp16kd_model.v`), so the forms synthesis reads are
//! co-simulated against the same Rust models as the plain forms. Needs `iverilog`.

use crate::config::Params;
use crate::units::testbench::run;
use std::process::Command;

/// As [`crate::units::testbench::simulate_files`], with both ECP5 technology forms and their
/// simulation models (the tiny engine's tree, which has `rtl/MULT18X18D.v`).
pub fn simulate_files_ecp5(files: &[&str], tb: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let gen = dir.path().join("gen");
    let params = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let rtl = crate::rtl::generate(&params).expect("generate");
    crate::rtl::write_tree(&gen, &rtl, false).expect("write");
    assert!(
        gen.join("rtl/MULT18X18D.v").is_file(),
        "the MULT18X18D model"
    );
    std::fs::write(
        gen.join("dp16kd_model.v"),
        include_str!("../ram_sdp/dp16kd_model.v"),
    )
    .expect("write");
    std::fs::write(gen.join("tb.v"), tb).expect("write tb.v");
    run(Command::new("iverilog")
        .current_dir(&gen)
        .args(["-g2005", "-o", "u.vvp", "-s", "tb"])
        .args(["-DSPIKELM_ECP5_DSP", "-DSPIKELM_ECP5_EBR"])
        .args(["rtl/MULT18X18D.v", "dp16kd_model.v"])
        .args(files)
        .arg("tb.v"));
    run(Command::new("vvp").current_dir(&gen).args(["-n", "u.vvp"]))
}
