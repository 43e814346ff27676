//! `synth`: synthesize, place and route on an FPGA target (or estimate gates) and report.

use super::common::ConfigArgs;
use anyhow::Context;
use clap::Args;
use indicatif::ProgressBar;
use spikelm_hw::config::Params;
use spikelm_hw::synth::{self, SpeedGrade, SynthOptions, SynthReport, Target};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SynthArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Target: ecp5-25k, ecp5-45k, ecp5-85k, ice40-up5k, ice40-hx8k or gates.
    #[arg(long)]
    pub target: String,
    /// Clock asked of nextpnr in MHz (default: 250 on ECP5, 50 on iCE40).
    #[arg(long)]
    pub clock_mhz: Option<f64>,
    /// Output directory (logs, netlists, reports, commands.sh).
    #[arg(long, default_value = "build/synth")]
    pub out: PathBuf,
    /// Placer seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Place the engine (out of context, ECP5) this many times, with seeds --seed, --seed + 1,
    /// …, and keep the fastest; the report lists every seed's Fmax and their median. Placement
    /// alone moves Fmax by ±10 %, so compare engines by the median of a few seeds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub seeds: u32,
    /// ECP5 speed grade for nextpnr: 6 (ULX3S), 7 or 8. Recorded in the report.
    #[arg(long, default_value_t = 6)]
    pub speed: u8,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Synthesize this generated directory (files.f, manifest.json) instead of generating.
    #[arg(long, value_name = "DIR")]
    pub rtl: Option<PathBuf>,
    /// Keep synthesis off the hard multipliers (ECP5 `-nodsp`; iCE40 leaves out `-dsp`).
    #[arg(long)]
    pub no_dsp: bool,
    /// Skip the narrow I/O top (out-of-context engine only, ECP5).
    #[arg(long)]
    pub no_io_top: bool,
    /// Stop after synthesis (no place and route).
    #[arg(long)]
    pub synth_only: bool,
}

/// A spinner on stderr showing the current step; hidden when stderr is not a terminal.
pub fn spinner(prefix: &str) -> ProgressBar {
    let pb = spikelm_hw::report::progress::spinner("{spinner} [{elapsed}] {prefix}: {msg}");
    pb.set_prefix(prefix.to_string());
    pb
}

/// Run one flow with a spinner.
pub fn run_flow(params: &Params, opts: &SynthOptions, label: &str) -> anyhow::Result<SynthReport> {
    let pb = spinner(label);
    let result = synth::synthesize(params, opts, &mut |step| pb.set_message(step.to_string()));
    pb.finish_and_clear();
    result.with_context(|| format!("synthesis for {} failed", opts.target))
}

/// `--clock-mhz`, if given, is a frequency nextpnr can be asked for.
pub fn check_clock_mhz(clock_mhz: Option<f64>) -> anyhow::Result<()> {
    if let Some(f) = clock_mhz {
        anyhow::ensure!(
            f.is_finite() && f > 0.0 && f <= 2000.0,
            "--clock-mhz {f}: expected a frequency between 0 and 2000 MHz"
        );
    }
    Ok(())
}

pub fn run(args: SynthArgs) -> anyhow::Result<()> {
    let params = args.config.load()?;
    let target: Target = args.target.parse()?;
    check_clock_mhz(args.clock_mhz)?;
    let opts = SynthOptions {
        clock_mhz: args.clock_mhz,
        seed: args.seed,
        seeds: args.seeds,
        speed: SpeedGrade::new(args.speed)?,
        dsp: !args.no_dsp,
        rtl_dir: args.rtl.clone(),
        io_top: !args.no_io_top,
        place_and_route: !args.synth_only,
        ..SynthOptions::new(target, &args.out)
    };
    let report = run_flow(&params, &opts, &format!("synth {target}"))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render(false));
        eprintln!(
            "report: {}/report.md, rerun the tools with: bash {}/commands.sh",
            args.out.display(),
            args.out.display()
        );
    }
    Ok(())
}
