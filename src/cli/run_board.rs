//! `run`: one layer on a board through the host link (or on the simulated board with `--sim`),
//! every output and counter checked against the reference model.

use super::common::ConfigArgs;
use anyhow::{bail, Context};
use clap::Args;
use spikelm_hw::board::driver::{self, BoardRun};
use spikelm_hw::board::faults::FaultyTransport;
use spikelm_hw::board::link::{Link, StreamTransport, Transport};
use spikelm_hw::board::rtl::BAUD;
use spikelm_hw::board::sim;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::model_bridge;
use spikelm_hw::sim::stimulus::LayerStimulus;
use std::path::PathBuf;
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
    /// Layer shape: qkv, attn_out, ffn_in or ffn_out.
    #[arg(long, default_value = "attn_out")]
    pub layer: String,
    /// Tokens (a multiple of the tokens per row block; default: one row block).
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

pub fn run(args: RunArgs) -> anyhow::Result<()> {
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
    if !(0.0..1.0).contains(&args.fault_rate) {
        bail!(
            "--fault-rate {}: expected a fraction below 1",
            args.fault_rate
        );
    }
    let s = LayerStimulus::random(&params, layer, tokens, args.seed);
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
