//! `sim`: co-simulate the RTL under Verilator against the reference model, bit for bit.

use super::common::ConfigArgs;
use anyhow::{bail, Context};
use clap::Args;
use spikelm_hw::batch::seeds::SimSpec;
use spikelm_hw::config::{Params, DEFAULT_PRESET};
use spikelm_hw::import::replay::site_stimulus;
use spikelm_hw::import::Package;
use spikelm_hw::sim;
use spikelm_hw::sim::rtl_tree::RtlTree;
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
    /// Layer shape: qkv, attn_out, ffn_in, ffn_out or all. With --package: the site to replay,
    /// `L.SITE` or `SITE` (layer 0), SITE one of query, key, value, attn_out, ffn_in, ffn_out
    /// (query, key and value each run alone, on the attn_out shape).
    #[arg(long, default_value = "all")]
    pub layer: String,
    /// Replay a real site of this package (from `spikelm-hw import`) on --text instead of random
    /// stimulus; the configuration is the package's, with the site's F_in.
    #[arg(long, value_name = "PKG", conflicts_with_all = ["rtl", "case"])]
    pub package: Option<PathBuf>,
    /// The text whose activations --package replays (one sequence per line).
    #[arg(long, requires = "package", conflicts_with = "text_file")]
    pub text: Option<String>,
    /// The text from a file.
    #[arg(long, value_name = "FILE", requires = "package")]
    pub text_file: Option<PathBuf>,
    /// Tokens per run (a multiple of array.rows / model.time_steps); default: model.seq_len.
    /// With --package: at most this many tokens of the text.
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
    #[command(flatten)]
    pub regression: super::seeds::RegressionArgs,
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

/// What each run simulates, as the command line gives it.
pub fn spec(args: &SimArgs) -> SimSpec {
    SimSpec {
        layer: args.layer.clone(),
        case: args.case.clone(),
        tokens: args.tokens,
        stall: args.stall,
    }
}

pub fn run(args: SimArgs) -> anyhow::Result<()> {
    if args.regression.is_requested() {
        if args.package.is_some() {
            bail!("--seeds runs random stimulus; it cannot be combined with --package");
        }
        return super::seeds::run(&args);
    }
    let replay = match &args.package {
        None => None,
        Some(dir) => {
            let pkg = Package::read(dir).with_context(|| format!("--package {}", dir.display()))?;
            let text = super::import::read_text(&args.text, &args.text_file)?
                .context("--package needs --text or --text-file: the activations to replay")?;
            let (layer, site) = spikelm_hw::board::package::resolve_site(&pkg, &args.layer)?;
            let max_tokens = args.tokens.map(|t| t as usize);
            let (params, stim) = site_stimulus(&pkg, None, &text, layer, site, max_tokens)?;
            if !args.json {
                println!(
                    "replaying layer {layer} site {} of {} on {} tokens of real text (F_in = {})",
                    site.name(),
                    dir.display(),
                    stim.tokens,
                    params.format().frac_bits
                );
            }
            Some((params, stim))
        }
    };
    let params = match &replay {
        Some((p, _)) => p.clone(),
        None => resolve_params(&args)?,
    };
    let mut spec = spec(&args);
    if replay.is_some() {
        spec.layer = "all".into(); // the replayed site's shape is set below
    }
    let mut opts = spec.options(&params)?;
    opts.seed = args.seed;
    opts.rtl_dir = args.rtl.clone();
    opts.trace = args.trace;
    opts.cache_dir = args.cache.clone();
    opts.work_dir = args.work.clone();
    opts.progress = !args.json;
    opts.stop_on_failure = !args.keep_going;
    opts.x_random = args.x_random;
    opts.timeout = args.timeout.map(std::time::Duration::from_secs);
    if let Some((_, stim)) = replay {
        opts.layers = vec![stim.layer];
        opts.tokens = Some(stim.tokens as u32);
        opts.stimulus = Some(stim);
    }
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
