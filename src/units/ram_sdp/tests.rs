//! The DP16KD form of `spikelm_ram_sdp` (`SPIKELM_ECP5_EBR`) against its inferred reference
//! under Icarus, read for read, on random writes and reads: every mode (x18 .. x1), several
//! blocks side by side, and depth slices beyond 16K entries. Yosys' own DP16KD simulation
//! model is a blackbox, so `dp16kd_model.v` models the cell as the units use it (port A
//! writes, port B reads with its output register; data on the mode's low pins, the word
//! address above the mode's low address bits). Needs `iverilog`.

use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("run iverilog/vvp (is iverilog installed?)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Preprocess the generated unit with `defines`, renaming the module to `name`.
fn preprocess(src: &Path, out: &Path, defines: &[&str], name: &str) {
    let mut c = Command::new("iverilog");
    c.arg("-E").arg("-o").arg(out);
    for d in defines {
        c.arg(format!("-D{d}"));
    }
    run(c.arg(src));
    let text = std::fs::read_to_string(out).expect("preprocessed");
    let text = text.replace("module spikelm_ram_sdp ", &format!("module {name} "));
    std::fs::write(out, text).expect("write");
}

#[test]
fn dp16kd_form_reads_what_the_inferred_form_reads() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let p = crate::config::Params::preset_with("spikelm-bert-tiny", &[]).expect("preset");
    let rtl = crate::rtl::generate(&p).expect("generate");
    crate::rtl::write_tree(&dir.path().join("gen"), &rtl, false).expect("write");
    let src = dir.path().join("gen/rtl/spikelm_ram_sdp.v");
    let ebr = dir.path().join("ebr.v");
    let reference = dir.path().join("ref.v");
    preprocess(&src, &ebr, &["SPIKELM_ECP5_EBR"], "spikelm_ram_sdp_ebr");
    preprocess(&src, &reference, &[], "spikelm_ram_sdp");
    let model = dir.path().join("dp16kd_model.v");
    std::fs::write(&model, include_str!("dp16kd_model.v")).expect("write");
    let tb = dir.path().join("tb.v");
    std::fs::write(&tb, include_str!("tb_forms.v")).expect("write");
    // (DW, DEPTH, AB): x2 slices, uneven slices, x1 slices of 3 bits, x4 wide, x18, x9, x1.
    let files = [tb.as_path(), &model, &ebr, &reference];
    for geometry in [
        (2, 24576, 15),
        (2, 40000, 16),
        (3, 50000, 16),
        (128, 3072, 12),
        (8, 1000, 10),
        (36, 2048, 11),
        (1, 16384, 14),
    ] {
        check_forms(dir.path(), files, geometry, 0);
    }
    // The 36-bit mode (WIDE = 1): one block and several, a word narrower than the block.
    for geometry in [(20, 300, 9), (36, 512, 9), (50, 512, 10)] {
        check_forms(dir.path(), files, geometry, 1);
    }
}

/// Simulate both forms side by side at one geometry (DW, DEPTH, AB); every read agrees.
fn check_forms(dir: &Path, files: [&Path; 4], (dw, depth, ab): (u32, u32, u32), wide: u32) {
    let vvp = dir.join("sim.vvp");
    run(Command::new("iverilog")
        .args(["-g2005", "-o"])
        .arg(&vvp)
        .arg(format!("-Ptb.DW={dw}"))
        .arg(format!("-Ptb.DEPTH={depth}"))
        .arg(format!("-Ptb.AB={ab}"))
        .arg(format!("-Ptb.WIDE={wide}"))
        .args(files));
    let log = run(Command::new("vvp").arg(&vvp));
    assert!(
        log.contains("RESULT errors=0 agree=60000"),
        "DW {dw} DEPTH {depth} WIDE {wide}: {log}"
    );
}
