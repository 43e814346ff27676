//! `sweep`: synthesize many configurations in parallel and plot area against throughput.

use super::common::ConfigArgs;
use anyhow::Context;
use clap::Args;
use spikelm_hw::config::Params;
use spikelm_hw::estimate::PerfEstimate;
use spikelm_hw::sweep::{self, SweepPoint};
use spikelm_hw::synth::{self, SynthOptions, Target};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// A key and its values, e.g. `--vary array=4x4,8x8,16x16 --vary alpha_mode=exact,csd:2`;
    /// every combination runs.
    #[arg(long, required = true)]
    pub vary: Vec<String>,
    /// Synthesis target (see `synth --help`).
    #[arg(long, default_value = "ecp5-25k")]
    pub target: String,
    /// Configurations synthesized at once.
    #[arg(short = 'j', long, default_value_t = 2)]
    pub jobs: usize,
    /// Output directory (sweep.md, sweep.json, sweep.svg, one folder per configuration).
    #[arg(long, default_value = "build/sweep")]
    pub out: PathBuf,
    /// Replace the contents of a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Clock for throughput where the target reports no Fmax (gates), MHz.
    #[arg(long, default_value_t = 100.0)]
    pub fmax: f64,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    let target: Target = args.target.parse().context("--target")?;
    let combos = sweep::expand(&args.vary)?;
    spikelm_hw::flow::prepare_out(&args.out, args.force)?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<SweepPoint>>> = Mutex::new(vec![None; combos.len()]);
    eprintln!(
        "sweep: {} configurations on {} with {} jobs",
        combos.len(),
        target.name(),
        args.jobs.max(1)
    );
    std::thread::scope(|s| {
        for _ in 0..args.jobs.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(sets) = combos.get(i) else { break };
                let point = measure(&args, target, sets, &args.out.join(format!("{i:03}")));
                eprintln!(
                    "sweep: [{}/{}] {}: {}",
                    i + 1,
                    combos.len(),
                    sets.join(" "),
                    point.error.as_deref().unwrap_or("done")
                );
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(point);
                }
            });
        }
    });
    let mut points: Vec<SweepPoint> = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a sweep worker panicked"))?
        .into_iter()
        .flatten()
        .collect();
    sweep::mark_front(&mut points);
    let title = format!(
        "{} on {}: area against throughput",
        args.cfg.preset,
        target.name()
    );
    let table = sweep::table(&points);
    std::fs::write(args.out.join("sweep.md"), format!("# {title}\n\n{table}"))?;
    std::fs::write(
        args.out.join("sweep.json"),
        serde_json::to_string_pretty(&points)?,
    )?;
    std::fs::write(args.out.join("sweep.svg"), sweep::plot(&title, &points))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&points)?);
    } else {
        println!("{table}\nplot: {}", args.out.join("sweep.svg").display());
    }
    anyhow::ensure!(
        points.iter().any(|p| p.ok),
        "no configuration of the sweep succeeded"
    );
    Ok(())
}

/// Synthesize one configuration and estimate its throughput at the routed Fmax.
fn measure(args: &SweepArgs, target: Target, sets: &[String], dir: &Path) -> SweepPoint {
    let mut point = SweepPoint {
        sets: sets.to_vec(),
        ok: false,
        error: None,
        pes: 0,
        area: 0.0,
        area_unit: String::new(),
        fmax_mhz: 0.0,
        tokens_per_s: 0.0,
        on_pareto_front: false,
    };
    let outcome = (|| -> anyhow::Result<()> {
        let mut all = args.cfg.sets.clone();
        all.extend(sets.iter().cloned());
        let params = Params::load(&args.cfg.preset, args.cfg.config_file.as_deref(), &all)?;
        let mut opts = SynthOptions::new(target, dir);
        opts.io_top = false;
        opts.units = false;
        let report = synth::synthesize(&params, &opts, &mut |_| {})?;
        let fmax = report.metrics.fmax_mhz.unwrap_or(args.fmax);
        let est = PerfEstimate::compute(&params, fmax, 0.35)?;
        point.pes = params.derived.pes;
        (point.area, point.area_unit) = match &report.gates {
            Some(g) => (g.nand2_equiv, "NAND2-eq".to_string()),
            None => (report.engine.lut4_equiv as f64, "LUT4-eq".to_string()),
        };
        point.fmax_mhz = fmax;
        point.tokens_per_s = est.tokens_per_s;
        Ok(())
    })();
    match outcome {
        Ok(()) => point.ok = true,
        Err(e) => point.error = Some(format!("{e:#}")),
    }
    point
}
