//! `run --package`: the driver writes a real site's α codes, scales, biases and weights (from
//! an imported package) into the simulated board (the board top under Verilator, through its
//! stdin/stdout) and checks every output bit for bit against the reference model, with 1 % of
//! the frames damaged; a layer the package does not have is refused with the list of its sites.
//! Run: `cargo test --release --test board_package` (one Verilator build, ~1-2 min).

mod import_support;

use spikelm_hw::import::import;
use spikelm_hw::model::encoder::site::WeightScale;
use std::path::Path;
use std::process::{Command, Output};

const TEXT: &str = "A small model runs a sentence of ordinary English through every site.";

fn spikelm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .args(args)
        .output()
        .expect("runs spikelm-hw")
}

fn tiny_package(dir: &Path) -> String {
    let ck = dir.join("ck");
    import_support::write_tiny(&ck, "bert.", false);
    let out = dir.join("pkg");
    import(&import_support::options(&ck, &out, WeightScale::PerChannel)).expect("imports");
    out.display().to_string()
}

#[test]
fn run_package_drives_a_real_site_bit_exact_and_names_the_package_layers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = tiny_package(tmp.path());

    // Names the package does not have: the error lists the ones it has (one layer), for the
    // board driver and for `sim --package` alike (one resolver).
    let commands: [&[&str]; 2] = [&["run", "--sim"], &["sim"]];
    for (bad, command) in ["1.query", "0.ffn_mid", "x.value"]
        .into_iter()
        .flat_map(|b| commands.map(|c| (b, c)))
    {
        let mut args = command.to_vec();
        args.extend(["--package", &pkg, "--text", TEXT, "--layer", bad]);
        let out = spikelm(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad} was accepted");
        assert!(
            err.contains(&format!("`{bad}`"))
                && err.contains("0.query")
                && err.contains("0.ffn_out"),
            "{err}"
        );
        assert!(!err.contains("1.query,"), "{err}");
    }

    // Layer 0's value projection (per-channel scales) on 4 tokens, 1 % of frames damaged.
    let work = tmp.path().join("board-sim");
    let out = spikelm(&[
        "run",
        "--sim",
        "--package",
        &pkg,
        "--text",
        TEXT,
        "--layer",
        "0.value",
        "--tokens",
        "4",
        "--fault-rate",
        "0.01",
        "--timeout",
        "0.5",
        "--work",
        &work.display().to_string(),
        "--json",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(run["mismatch_count"], 0, "{run}");
    // 4 tokens × T = 4 time steps × hidden = 8 output columns.
    assert_eq!(run["values_compared"], 4 * 4 * 8, "{run}");
    assert_eq!(run["tokens"], 4);
    assert!(
        run["registers_compared"].as_u64().unwrap_or(0) > 10,
        "{run}"
    );
}
