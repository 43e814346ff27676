//! The board top (PLL stand-in, reset synchroniser, UART, host link, LEDs) around the tiny
//! engine, rendered for every board and for simulation: `verilator --lint-only -Wall` with zero
//! warnings and Yosys `proc; check -assert` without latches.
//! Run: `cargo test --release --test board_rtl`.

mod rtl_common;

use rtl_common::*;
use spikelm_hw::board::boards;
use spikelm_hw::board::rtl::{board_files, LinkTiming, Platform, BOARD_TOP};
use spikelm_hw::config::Params;
use spikelm_hw::synth::design;
use std::path::Path;
use std::process::Command;

/// Generate the tiny engine into `dir/gen` and write the board files beside its sources; the
/// board's own PLL file is replaced by the simulation stand-in (Verilator has no PLL models).
fn board_tree(dir: &Path, platform: &Platform) -> Vec<String> {
    let p = Params::load("spikelm-bert-tiny", None, &[]).expect("preset");
    let gen = generate_into(dir, &p);
    let manifest = std::fs::read_to_string(gen.join("manifest.json")).expect("manifest");
    let (top, ports) = design::parse_manifest(&manifest).expect("ports");
    let timing = match platform {
        Platform::Board(b) => LinkTiming::for_board(b),
        Platform::Simulation { .. } => LinkTiming {
            clks_per_bit: 8,
            idle_bytes: 64,
            stall_clks: 255,
        },
    };
    let files = board_files(platform, &top, &ports, timing).expect("board files");
    let sim_pll = board_files(&Platform::Simulation { leds: 1 }, &top, &ports, timing)
        .expect("sim files")
        .remove(0);
    let mut srcs = sources(&gen);
    for (name, text) in files {
        let text = if name == sim_pll.0 {
            sim_pll.1.clone()
        } else {
            text
        };
        std::fs::write(gen.join(&name), text).expect("write");
        srcs.push(name);
    }
    srcs
}

#[test]
fn board_tops_lint_clean_for_every_board_and_for_simulation() {
    let all = boards::all().expect("boards");
    let mut platforms: Vec<(String, Platform)> = all
        .iter()
        .map(|b| (b.name.clone(), Platform::Board(b)))
        .collect();
    platforms.push(("sim-8-leds".into(), Platform::Simulation { leds: 8 }));
    for (name, platform) in &platforms {
        let dir = tempfile::tempdir().unwrap();
        let srcs = board_tree(dir.path(), platform);
        let gen = dir.path().join("gen");
        let (ok, log) = run(Command::new("verilator")
            .current_dir(&gen)
            .args(["--lint-only", "-Wall", "-Irtl", "--top-module", BOARD_TOP])
            .args(&srcs));
        assert!(ok && !log.contains("%Warning"), "{name}:\n{log}");
        let script = format!(
            "read_verilog -Irtl {}; hierarchy -check -top {BOARD_TOP}; proc; check -assert; \
             select -assert-none t:$dlatch t:$adlatch t:$dlatchsr",
            srcs.join(" ")
        );
        let (ok, log) = run(Command::new(yosys_bin())
            .current_dir(&gen)
            .args(["-q", "-p", &script]));
        assert!(ok && !log.contains("Latch inferred"), "{name}:\n{log}");
    }
}
