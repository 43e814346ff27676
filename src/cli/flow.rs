//! `flow`: generate, co-simulate, synthesize and report in one command.

use super::common::ConfigArgs;
use anyhow::Context;
use clap::Args;
use spikelm_hw::flow::{self, FlowOptions};
use spikelm_hw::import::evaluate::real_firing_rates;
use spikelm_hw::import::Package;
use spikelm_hw::synth::Target;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct FlowArgs {
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Synthesis target: ecp5-25k, ecp5-45k, ecp5-85k, ice40-up5k, ice40-hx8k or gates. The
    /// default is the largest ECP5, where the INT8 baseline with LUT multipliers also fits.
    #[arg(long, default_value = "ecp5-85k")]
    pub target: String,
    /// Output directory (report.md, report.html, report.json, design/, sim/, synth/).
    #[arg(long, default_value = "build/flow")]
    pub out: PathBuf,
    /// Replace the contents of a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Tokens per co-simulated layer run (default: the whole sequence; use a few row blocks for
    /// large presets).
    #[arg(long)]
    pub sim_tokens: Option<u32>,
    /// Seed of the co-simulation stimulus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Skip co-simulation (the report says so).
    #[arg(long)]
    pub skip_sim: bool,
    /// Skip synthesis (the report says so and assumes --fmax).
    #[arg(long)]
    pub skip_synth: bool,
    /// Do not synthesize the INT8 baseline.
    #[arg(long)]
    pub no_int8: bool,
    /// The full comparison: also place and route the INT8 twin (its Fmax and tokens/s at its
    /// own clock; the slowest step, minutes) and the engine's narrow I/O top on the package.
    /// Without it the INT8 twin is synthesized only (area, labelled as such).
    #[arg(long, visible_alias = "compare-int8")]
    pub full: bool,
    /// Open the report with the headline: the engine and its INT8 twin (DSP and LUT
    /// multipliers) each placed and routed on the target, side by side (Fmax, area, tokens/s,
    /// energy per token). Three more place-and-route runs, so off by default.
    #[arg(long, conflicts_with = "skip_synth")]
    pub headline: bool,
    /// Synthesis cache: results keyed by a hash of the RTL, tool versions, synthesis options
    /// and this executable, reused when all are equal (the report says which run made them).
    #[arg(long, default_value = spikelm_hw::flow::cache::DEFAULT_DIR)]
    pub cache_dir: PathBuf,
    /// Synthesize afresh, neither reading nor writing the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Clock for the estimate when synthesis is skipped, MHz.
    #[arg(long, default_value_t = 100.0)]
    pub fmax: f64,
    /// Firing rate for the estimate when co-simulation is skipped.
    #[arg(long, default_value_t = 0.35)]
    pub firing_rate: f64,
    /// An imported model (`spikelm-hw import`): the engine is built for its configuration and
    /// the estimate uses its real firing rates per site and t on --text.
    #[arg(long, value_name = "PKG")]
    pub package: Option<PathBuf>,
    /// Text for --package's firing rates (default: the built-in English calibration sentences).
    #[arg(long, requires = "package")]
    pub text: Option<String>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: FlowArgs) -> anyhow::Result<()> {
    let (params, real) = match &args.package {
        None => (args.cfg.load()?, None),
        Some(dir) => {
            let pkg = Package::read(dir).with_context(|| format!("--package {}", dir.display()))?;
            let text = args
                .text
                .clone()
                .unwrap_or_else(|| spikelm_hw::import::text::DEFAULT_CALIBRATION.to_string());
            let rates = real_firing_rates(&pkg, None, &text)
                .with_context(|| format!("firing rates of {} on the text", dir.display()))?;
            (pkg.params.clone(), Some(rates))
        }
    };
    let target: Target = args.target.parse().context("--target")?;
    let opts = FlowOptions {
        out: args.out.clone(),
        force: args.force,
        target,
        sim_tokens: args.sim_tokens,
        seed: args.seed,
        skip_sim: args.skip_sim,
        skip_synth: args.skip_synth,
        int8: !args.no_int8,
        full: args.full,
        cache_dir: (!args.no_cache).then(|| args.cache_dir.clone()),
        fallback_fmax_mhz: args.fmax,
        fallback_firing_rate: args.firing_rate,
        headline: args.headline,
    };
    let bar = spikelm_hw::report::progress::spinner("{spinner} [{elapsed}] {msg}");
    let started = Instant::now();
    let result = flow::run_with_rates(&params, &opts, real, &mut |step| {
        let line = format!("[{:>6.1}s] {step}", started.elapsed().as_secs_f64());
        // Without a terminal the spinner is hidden; the steps still go to stderr.
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
        bar.set_message(step.to_string());
    });
    bar.finish_and_clear();
    let report = result.with_context(|| {
        format!(
            "flow for {} into {}",
            params.config.preset,
            args.out.display()
        )
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", report.to_markdown());
        println!(
            "report: {} and {}",
            args.out.join("report.md").display(),
            args.out.join("report.html").display()
        );
    }
    Ok(())
}
