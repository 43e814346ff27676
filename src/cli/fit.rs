//! `fit`: the largest array and token residency that place and route on a target at a clock,
//! for the ternary engine and its INT8 twin (`spikelm_hw::synth::fit`).

use super::common::ConfigArgs;
use anyhow::Context;
use clap::{Args, ValueEnum};
use spikelm_hw::synth::fit::evaluate::Engine;
use spikelm_hw::synth::fit::report::{default_clock_mhz, fit, FitOptions};
use spikelm_hw::synth::{Family, SpeedGrade, SynthOptions, Target};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Ternary,
    Int8,
    Both,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The search starts from the configuration's array (`--set array=RxC`) and grows it.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Target: ecp5-25k, ecp5-45k, ecp5-85k, ice40-up5k or ice40-hx8k.
    #[arg(long)]
    pub target: String,
    /// Clock a candidate must reach, MHz (default: the ECP5 block RAM's limit at the speed
    /// grade, 212 MHz at grade 6 and 271 at grade 8, else the target's 250; 50 on iCE40).
    #[arg(long)]
    pub clock_mhz: Option<f64>,
    /// Which engine to fit: the ternary engine, its INT8 twin (DSP multipliers, LUT
    /// multipliers where the DSPs run out), or both, each searched separately.
    #[arg(long, value_enum, default_value = "both")]
    pub engine: EngineArg,
    /// At most this many candidates per engine reach place and route (cached ones count).
    #[arg(long, default_value_t = 8)]
    pub max_runs: usize,
    /// Output directory: one subdirectory per engine and candidate (`ternary/16x32-t0/`).
    #[arg(long, default_value = "build/fit")]
    pub out: PathBuf,
    /// Placer seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// ECP5 speed grade for nextpnr: 6 (ULX3S), 7 or 8.
    #[arg(long, default_value_t = 6)]
    pub speed: u8,
    /// Synthesis cache shared with `flow` (every result is kept under a hash of its inputs).
    #[arg(long, default_value = spikelm_hw::flow::cache::DEFAULT_DIR)]
    pub cache_dir: PathBuf,
    /// Run every tool again, neither reading nor writing the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Print the result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: FitArgs) -> anyhow::Result<()> {
    let params = args.config.load()?;
    let target: Target = args.target.parse()?;
    anyhow::ensure!(
        target.family() != Family::Gates,
        "--target {target}: fit places and routes, so it needs an FPGA target (ecp5-25k, \
         ecp5-45k, ecp5-85k, ice40-up5k or ice40-hx8k)"
    );
    if let Some(f) = args.clock_mhz {
        anyhow::ensure!(
            f.is_finite() && f > 0.0 && f <= 2000.0,
            "--clock-mhz {f}: expected a frequency above 0 and at most 2000 MHz"
        );
    }
    let mut synth = SynthOptions {
        seed: args.seed,
        speed: SpeedGrade::new(args.speed)?,
        ..SynthOptions::new(target, &args.out)
    };
    synth.clock_mhz = Some(args.clock_mhz.unwrap_or_else(|| default_clock_mhz(&synth)));
    let engines = match args.engine {
        EngineArg::Ternary => vec![Engine::Ternary],
        EngineArg::Int8 => vec![Engine::Int8],
        EngineArg::Both => vec![Engine::Ternary, Engine::Int8],
    };
    let opts = FitOptions {
        engines,
        synth,
        cache_dir: (!args.no_cache).then(|| args.cache_dir.clone()),
        max_runs: args.max_runs,
    };
    let report = fit(&params, &opts, &mut |line| eprintln!("fit: {line}"))
        .with_context(|| format!("fit on {target} failed"))?;
    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let json = serde_json::to_string_pretty(&report)?;
    let json_path = args.out.join("fit.json");
    std::fs::write(&json_path, &json).with_context(|| json_path.display().to_string())?;
    let md_path = args.out.join("fit.md");
    std::fs::write(&md_path, report.render(true)).with_context(|| md_path.display().to_string())?;
    if args.json {
        println!("{json}");
    } else {
        print!("{}", report.render(false));
        eprintln!("table: {}, {}", md_path.display(), json_path.display());
    }
    Ok(())
}
