//! `run`: one layer on a board through the host link (or on the simulated board with `--sim`),
//! every output and counter checked against the reference model.

use super::common::{package_params, ConfigArgs};
use super::import::read_text;
use anyhow::{bail, Context};
use clap::Args;
use spikelm_hw::board::driver::{self, BoardRun};
use spikelm_hw::board::faults::FaultyTransport;
use spikelm_hw::board::link::{Link, StreamTransport, Transport};
use spikelm_hw::board::rtl::BAUD;
use spikelm_hw::board::{package, sim};
use spikelm_hw::config::{LayerKind, Params, DEFAULT_PRESET};
use spikelm_hw::import::replay::site_stimulus;
use spikelm_hw::sim::model_bridge;
use spikelm_hw::sim::stimulus::LayerStimulus;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Serial port of the board's USB-serial bridge, e.g. /dev/ttyUSB0.
    #[arg(long, conflicts_with = "sim")]
    pub port: Option<PathBuf>,
    /// Run on the simulated board (the board top under Verilator) instead of a port.
    #[arg(long)]
    pub sim: bool,
    /// Layer shape: qkv, attn_out, ffn_in or ffn_out. With --package: the site to run, `L.SITE`
    /// or `SITE` (layer 0), SITE one of query, key, value, attn_out, ffn_in, ffn_out.
    #[arg(long, default_value = "attn_out")]
    pub layer: String,
    /// Run a real site of this package (from `spikelm-hw import`) on --text: its α codes,
    /// scales, biases and weights; the configuration is the package's, with the site's F_in.
    #[arg(long, value_name = "PKG")]
    pub package: Option<PathBuf>,
    /// The text whose activations --package runs (one sequence per line).
    #[arg(long, requires = "package", conflicts_with = "text_file")]
    pub text: Option<String>,
    /// The text from a file.
    #[arg(long, value_name = "FILE", requires = "package")]
    pub text_file: Option<PathBuf>,
    /// Tokens (a multiple of the tokens per row block; default: one row block). With
    /// --package: at most this many tokens of the text (default: all, up to model.seq_len).
    #[arg(long)]
    pub tokens: Option<usize>,
    /// Seed of the random stimulus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds to wait for each answer before sending the request again.
    #[arg(long, default_value_t = 0.5)]
    pub timeout: f64,
    /// Damage this fraction of frames in each direction (testing the link's recovery).
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Work directory of the simulated board's build.
    #[arg(long, default_value = "build/board-sim")]
    pub work: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

fn run_on<T: Transport>(
    transport: T,
    args: &RunArgs,
    params: &Params,
    s: &LayerStimulus,
) -> anyhow::Result<(BoardRun, String)> {
    let e = model_bridge::expected(params, s).context("reference model")?;
    let timeout = Duration::from_secs_f64(args.timeout);
    let first = (args.seed as u8).wrapping_mul(37).wrapping_add(11);
    let transport = FaultyTransport::new(transport, args.fault_rate, args.seed ^ 0xFA17);
    let mut link = Link::open(transport, timeout, first).context("opening the host link")?;
    let run = driver::run_layer(&mut link, params, s, &e)?;
    let faults = link.transport_mut().counts.clone();
    let summary = format!(
        "link: {} requests, {} retries, {} timeouts, {} bytes of damaged frames dropped; \
         injected: {} requests corrupted, {} dropped, {} responses corrupted, {} dropped",
        link.stats.requests,
        link.stats.retries,
        link.stats.timeouts,
        link.stats.garbage_bytes,
        faults.requests_corrupted,
        faults.requests_dropped,
        faults.responses_corrupted,
        faults.responses_dropped
    );
    Ok((run, summary))
}

/// The configuration and stimulus of `--package`'s site on `--text`.
fn package_stimulus(args: &RunArgs, dir: &Path) -> anyhow::Result<(Params, LayerStimulus)> {
    let given = &args.config;
    if given.preset != DEFAULT_PRESET || given.config_file.is_some() || !given.sets.is_empty() {
        bail!("--package runs the package's own configuration: drop --preset, --config and --set");
    }
    let pkg = package_params(dir)?;
    let text = read_text(&args.text, &args.text_file)?
        .context("--package needs --text or --text-file: the activations to run")?;
    let (layer, site) = package::resolve_site(&pkg, &args.layer)?;
    let what = format!("layer {layer} site {} of {}", site.name(), dir.display());
    let (params, s) = site_stimulus(&pkg, None, &text, layer, site, args.tokens)
        .with_context(|| format!("{what} on the text"))?;
    if !args.json {
        println!(
            "running {what} on {} tokens of the text (F_in = {})",
            s.tokens,
            params.format().frac_bits
        );
    }
    Ok((params, s))
}

/// The configuration and random stimulus of `--layer`'s shape.
fn random_stimulus(args: &RunArgs) -> anyhow::Result<(Params, LayerStimulus)> {
    let params = args.config.load()?;
    let kind = LayerKind::from_name(&args.layer).with_context(|| {
        format!(
            "--layer {}: expected qkv, attn_out, ffn_in or ffn_out",
            args.layer
        )
    })?;
    let layer = params.derived.shape(kind);
    let tpr = params.derived.tokens_per_row_block as usize;
    let tokens = args.tokens.unwrap_or(tpr);
    if tokens == 0 || tokens % tpr != 0 || tokens > params.model().seq_len as usize {
        bail!(
            "--tokens {tokens}: must be a multiple of {tpr} (tokens per row block) up to {}",
            params.model().seq_len
        );
    }
    let s = LayerStimulus::random(&params, layer, tokens, args.seed);
    Ok((params, s))
}

pub fn run(args: RunArgs) -> anyhow::Result<()> {
    if !(0.0..1.0).contains(&args.fault_rate) {
        bail!(
            "--fault-rate {}: expected a fraction below 1",
            args.fault_rate
        );
    }
    let (params, s) = match &args.package {
        Some(dir) => package_stimulus(&args, dir)?,
        None => random_stimulus(&args)?,
    };
    let (run, link) = match (&args.port, args.sim) {
        (Some(port), false) => {
            let t = StreamTransport::serial(port, BAUD)?;
            run_on(t, &args, &params, &s)?
        }
        (None, true) => {
            std::fs::create_dir_all(&args.work)?;
            let board = sim::build(&params, &args.work)?;
            let (_session, t) = board.start(0)?;
            run_on(t, &args, &params, &s)?
        }
        _ => bail!("give --port PATH (a board) or --sim (the simulated board)"),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&run)?);
    } else {
        println!(
            "{} on {} tokens: {} output beats, {} values and {} registers compared, {} mismatches; \
             {} engine cycles; {:.1} s, {:.0} stream bytes/s over the link",
            run.layer,
            run.tokens,
            run.output_beats,
            run.values_compared,
            run.registers_compared,
            run.mismatch_count,
            run.cycles,
            run.seconds,
            run.stream_bytes_per_s
        );
        println!("{link}");
        for m in &run.mismatches {
            println!("  {m}");
        }
    }
    if !run.passed() {
        bail!(
            "the board's results differ from the reference model ({} mismatches)",
            run.mismatch_count
        );
    }
    Ok(())
}
