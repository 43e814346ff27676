//! `sim`: co-simulate the RTL under Verilator against the reference model, bit for bit.

use super::common::ConfigArgs;
use anyhow::{bail, Context};
use clap::Args;
use spikelm_hw::config::{LayerKind, Params, DEFAULT_PRESET};
use spikelm_hw::sim::rtl_tree::RtlTree;
use spikelm_hw::sim::{self, Case, SimOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Seed of the random stimulus and of the stall pattern.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Verify this RTL tree (with files.f and manifest.json) instead of generating one. Its
    /// manifest's configuration is used unless --preset/--config/--set name another.
    #[arg(long, value_name = "DIR")]
    pub rtl: Option<PathBuf>,
    /// Layer shape: qkv, attn_out, ffn_in, ffn_out or all.
    #[arg(long, default_value = "all")]
    pub layer: String,
    /// Tokens per run (a multiple of array.rows / model.time_steps); default: model.seq_len.
    #[arg(long)]
    pub tokens: Option<u32>,
    /// Stimulus case (random, zero-input, all-negative, all-positive, firing-tie,
    /// membrane-saturation, output-saturation, weight-extremes, backpressure) or all.
    #[arg(long = "case", default_value = "random")]
    pub case: String,
    /// Probability that a stream stalls in a cycle (valid low on inputs, ready low on the
    /// output); default 0.2 for random, 0.6 for backpressure, 0 for the other cases.
    #[arg(long)]
    pub stall: Option<f64>,
    /// Record an FST waveform of every run (one is recorded on failure anyway).
    #[arg(long)]
    pub trace: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Build cache directory (default $SPIKELM_HW_CACHE or target/spikelm-hw-cache).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Where the generated RTL, vector files, results and waveforms go (default
    /// <cache>/runs/<config hash>; give concurrent runs of one configuration different ones).
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
    /// Keep running the remaining cases and layers after a failure.
    #[arg(long)]
    pub keep_going: bool,
    /// X-propagation run: build with `--x-initial unique --x-assign unique` and start every
    /// register without a reset from random values drawn from --seed, so a missing reset fails.
    #[arg(long)]
    pub x_random: bool,
    /// Wall-clock limit of one harness run in seconds (default: derived from its cycle cap).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

/// The configuration to verify: the given one, or with `--rtl` and no configuration options,
/// the one the tree's manifest records.
fn resolve_params(args: &SimArgs) -> anyhow::Result<Params> {
    let given = &args.cfg;
    let defaulted =
        given.preset == DEFAULT_PRESET && given.config_file.is_none() && given.sets.is_empty();
    let Some(dir) = &args.rtl else {
        return given.load();
    };
    let tree = RtlTree::open(dir).with_context(|| format!("reading RTL tree {}", dir.display()))?;
    match (tree.manifest_config, defaulted) {
        (Some(cfg), true) => Params::new(cfg).with_context(|| {
            format!(
                "the configuration in {}/manifest.json is invalid",
                dir.display()
            )
        }),
        (Some(cfg), false) => {
            let p = given.load()?;
            if p.config != cfg {
                eprintln!(
                    "warning: verifying {} against the given configuration ({}), not the one its manifest records",
                    dir.display(),
                    p.derived.config_hash
                );
            }
            Ok(p)
        }
        (None, _) => given.load(),
    }
}

pub fn run(args: SimArgs) -> anyhow::Result<()> {
    let params = resolve_params(&args)?;
    let mut opts = SimOptions::new(&params);
    opts.seed = args.seed;
    opts.rtl_dir = args.rtl.clone();
    opts.tokens = args.tokens;
    opts.stall = args.stall;
    opts.trace = args.trace;
    opts.cache_dir = args.cache.clone();
    opts.work_dir = args.work.clone();
    opts.progress = !args.json;
    opts.stop_on_failure = !args.keep_going;
    opts.x_random = args.x_random;
    opts.timeout = args.timeout.map(std::time::Duration::from_secs);
    if args.layer != "all" {
        let kind = LayerKind::from_name(&args.layer).with_context(|| {
            format!(
                "--layer {}: expected qkv, attn_out, ffn_in, ffn_out or all",
                args.layer
            )
        })?;
        opts.layers = vec![params.derived.shape(kind)];
    }
    opts.cases = if args.case == "all" {
        Case::ALL
            .into_iter()
            .filter(|c| c.applies(&params))
            .collect()
    } else {
        match Case::from_name(&args.case) {
            Some(c) => vec![c],
            None => bail!(
                "--case {}: known cases are {}, or all",
                args.case,
                Case::names()
            ),
        }
    };
    let report = sim::run(&params, &opts).context("co-simulation could not run")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    if !report.passed {
        let first = report
            .first_mismatch
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_else(|| "a run did not complete".into());
        bail!("RTL and reference model disagree: {first}");
    }
    Ok(())
}
