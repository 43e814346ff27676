//! Bitstreams for every listed board (`src/board/boards.toml`), each with the engine
//! `docs/boards.md` documents (tiny on the ECP5 boards, `board::build::ice40_board_fit` on
//! iCE40), built as `spikelm-hw board` builds them: generate, synthesis, place and route at the
//! PLL clock, pack. Not run in CI (3–10 minutes per board on 2 cores).
//!
//! `cargo bench --bench boards [-- NAME …]`; each board's files in `target/bench-boards/NAME/`,
//! one table row per board on stdout, a non-zero exit when any build fails (timing not met,
//! does not fit, a tool error).

use spikelm_hw::board::{boards, build};
use spikelm_hw::config::Params;
use spikelm_hw::synth::Family;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    // Cargo passes `--bench`; the other arguments name boards.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-boards");
    println!(
        "| board | configuration | PLL clock | achieved | logic | FFs | block RAM | multipliers | \
         bitstream | build |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut failed = Vec::new();
    for board in boards::all()? {
        if !only.is_empty() && !only.contains(&board.name) {
            continue;
        }
        let sets = match board.family() {
            Family::Ice40 => build::ice40_board_fit(),
            _ => Vec::new(),
        };
        let params = Params::load("spikelm-bert-tiny", None, &sets)?;
        let a = params.array();
        let config = format!("tiny {}x{} {}", a.rows, a.cols, sets.join(" "));
        let started = Instant::now();
        let out = root.join(&board.name);
        let seeds = build::Seeds {
            first: 1,
            count: build::DEFAULT_SEEDS,
        };
        match build::build(&params, &board, &out, seeds, &mut |step| {
            eprintln!("{}: {step}", board.name)
        }) {
            Ok(b) => {
                let used = |kind: &str| {
                    b.utilisation
                        .iter()
                        .find(|u| u.resource.contains(kind))
                        .map(|u| format!("{} / {}", u.used, u.available))
                        .unwrap_or_else(|| "-".into())
                };
                let logic = if board.family() == Family::Ice40 {
                    used("ICESTORM_LC")
                } else {
                    used("TRELLIS_COMB")
                };
                let (bram, mult) = if board.family() == Family::Ice40 {
                    (used("ICESTORM_RAM"), used("ICESTORM_DSP"))
                } else {
                    (used("DP16KD"), used("MULT18X18D"))
                };
                let achieved = match (b.fmax_mhz(), b.seeds_tried.last()) {
                    (Some(f), Some((seed, _))) => format!("{f:.1} MHz (seed {seed})"),
                    _ => "-".into(),
                };
                println!(
                    "| {} | {} | {} MHz | {} | {} | {} | {} | {} | {} B | {:.0} s |",
                    b.board,
                    config.trim(),
                    b.clock_mhz,
                    achieved,
                    logic,
                    b.cells.ffs,
                    bram,
                    mult,
                    b.bitstream_bytes,
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                println!("| {} | {} | failed: {e} |", board.name, config.trim());
                failed.push(board.name.clone());
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("no bitstream for {}", failed.join(", "));
    }
    Ok(())
}
