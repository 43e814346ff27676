//! `board`: a bitstream for a real board (ULX3S, OrangeCrab, iCEBreaker) with the host link.

use super::common::ConfigArgs;
use super::synth::spinner;
use anyhow::Context;
use clap::Args;
use spikelm_hw::board::{boards, build};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BoardArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Board: ulx3s-85f, ulx3s-45f, ulx3s-25f, orangecrab-25f or icebreaker.
    #[arg(long)]
    pub board: String,
    /// Output directory (bitstream, constraints, timing report, program.sh, logs).
    #[arg(long, default_value = "build/board")]
    pub out: PathBuf,
    /// First placer seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Placer seeds to try (--seed, --seed + 1, …) until one meets timing at the PLL clock;
    /// synthesis runs once. Placement alone moves Fmax by several percent.
    #[arg(long, default_value_t = build::DEFAULT_SEEDS, value_parser = clap::value_parser!(u64).range(1..=32))]
    pub seeds: u64,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: BoardArgs) -> anyhow::Result<()> {
    let board = boards::find(&args.board)?;
    let params = args.config.load()?;
    let pb = spinner(&format!("board {}", board.name));
    let seeds = build::Seeds {
        first: args.seed,
        count: args.seeds,
    };
    let result = build::build(&params, &board, &args.out, seeds, &mut |step| {
        pb.set_message(step.to_string())
    });
    pb.finish_and_clear();
    let b = result.with_context(|| {
        format!(
            "bitstream for {} failed (logs and commands.sh in {})",
            board.name,
            args.out.display()
        )
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&b)?);
    } else {
        print!("{}", b.render());
        println!(
            "\nbitstream: {}\nprogram the board with:\n  cd {} && {}",
            args.out.join(&b.bitstream).display(),
            args.out.display(),
            b.program
        );
    }
    Ok(())
}
