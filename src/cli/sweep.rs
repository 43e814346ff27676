//! `sweep`: synthesize many configurations, on local threads or as a Slurm job array, and plot
//! area against throughput.

use super::backend::{self, BackendArgs, BackendKind};
use super::common::ConfigArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use spikelm_hw::batch::{self, sweep as bsweep};
use spikelm_hw::synth::Target;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub action: Option<SweepAction>,
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// A key and its values, e.g. `--vary array=4x4,8x8,16x16 --vary alpha_mode=exact,csd:2`;
    /// every combination runs.
    #[arg(long, required = true)]
    pub vary: Vec<String>,
    /// Synthesis target (see `synth --help`).
    #[arg(long, default_value = "ecp5-25k")]
    pub target: String,
    /// Configurations synthesized at once (local backend).
    #[arg(short = 'j', long, default_value_t = 2)]
    pub jobs: usize,
    /// Output directory (sweep.md, sweep.json, sweep.svg, one folder per configuration). Running
    /// the same sweep into it again runs only the points not done.
    #[arg(long, default_value = "build/sweep")]
    pub out: PathBuf,
    /// Replace the contents of a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Clock for throughput where no Fmax is measured (gates, --synth-only), MHz.
    #[arg(long, default_value_t = 100.0)]
    pub fmax: f64,
    /// Synthesis only, no place and route: area, and throughput at --fmax.
    #[arg(long)]
    pub synth_only: bool,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, Subcommand)]
pub enum SweepAction {
    /// Merge the points' results in DIR into sweep.md, sweep.json and sweep.svg, and list the
    /// failed points (run automatically after a Slurm array).
    Collect {
        dir: PathBuf,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Run the points of the sweep in DIR that are not done (missing or failed).
    Resume {
        dir: PathBuf,
        /// Configurations synthesized at once (local backend).
        #[arg(short = 'j', long, default_value_t = 2)]
        jobs: usize,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Measure the point of one Slurm array task (SLURM_ARRAY_TASK_ID, or --index).
    #[command(hide = true)]
    Task {
        dir: PathBuf,
        #[arg(long)]
        index: Option<usize>,
    },
}

pub fn run(args: SweepArgs) -> anyhow::Result<()> {
    match args.action {
        Some(SweepAction::Collect { dir, json }) => collect(&dir, json),
        Some(SweepAction::Resume {
            dir,
            jobs,
            json,
            backend,
        }) => execute(&dir, jobs, &backend, json),
        Some(SweepAction::Task { dir, index }) => task(&dir, index),
        None => {
            let target: Target = args.target.parse().context("--target")?;
            let config_file = match &args.cfg.config_file {
                Some(f) => Some(
                    f.canonicalize()
                        .with_context(|| format!("--config {}", f.display()))?,
                ),
                None => None,
            };
            let plan = bsweep::SweepPlan {
                preset: args.cfg.preset.clone(),
                config_file,
                sets: args.cfg.sets.clone(),
                points: spikelm_hw::sweep::expand(&args.vary)?,
                target: target.to_string(),
                fmax: args.fmax,
                synth_only: args.synth_only,
            };
            // Fail here, not in every task, on a configuration that cannot load.
            spikelm_hw::config::Params::load(&plan.preset, plan.config_file.as_deref(), &plan.sets)
                .context("invalid base configuration")?;
            let dir = batch::prepare(&args.out, &plan, args.force)?;
            execute(&dir, args.jobs, &args.backend, args.json)
        }
    }
}

/// Run the pending points of the sweep in `dir` on the chosen backend.
fn execute(dir: &Path, jobs: usize, backend: &BackendArgs, json: bool) -> anyhow::Result<()> {
    let plan = bsweep::load_plan(dir)?;
    let pending = bsweep::pending(dir, &plan);
    eprintln!(
        "sweep: {} configurations on {}, {} to run ({} done)",
        plan.points.len(),
        plan.target,
        pending.len(),
        plan.points.len() - pending.len()
    );
    if pending.is_empty() {
        return collect(dir, json);
    }
    match backend.backend {
        BackendKind::Local => {
            batch::run_local(&pending, jobs, |i| {
                let msg = match bsweep::run_point(&plan, dir, i) {
                    Ok(p) => p.error.unwrap_or_else(|| "done".into()),
                    Err(e) => format!("{e}"),
                };
                eprintln!(
                    "sweep: [{}/{}] {}: {msg}",
                    i + 1,
                    plan.points.len(),
                    plan.points[i].join(" ")
                );
            });
            collect(dir, json)
        }
        BackendKind::Slurm => backend::submit_then_collect(
            dir,
            "spikelm-sweep",
            &pending,
            1,
            &["sweep", "task"],
            &["sweep", "collect"],
            backend,
            "sweep.md",
            || collect(dir, json),
        ),
    }
}

fn collect(dir: &Path, json: bool) -> anyhow::Result<()> {
    let c = bsweep::collect(dir).with_context(|| format!("collecting {}", dir.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&c.points)?);
    } else {
        println!("{}\nplot: {}", c.table, dir.join("sweep.svg").display());
    }
    if !c.failed.is_empty() {
        eprint!(
            "sweep: {} of {} points failed:\n{}",
            c.failed.len(),
            c.points.len(),
            bsweep::failure_report(&c.failed)
        );
        eprintln!(
            "sweep: rerun only them with:\n  {}",
            backend::resume_command("sweep", dir)
        );
    }
    anyhow::ensure!(
        c.points.iter().any(|p| p.ok),
        "no configuration of the sweep succeeded"
    );
    Ok(())
}

fn task(dir: &Path, index: Option<usize>) -> anyhow::Result<()> {
    let i = index
        .or_else(spikelm_hw::slurm::array_task_id)
        .context("no --index and no SLURM_ARRAY_TASK_ID")?;
    let plan = bsweep::load_plan(dir)?;
    if !bsweep::pending(dir, &plan).contains(&i) {
        eprintln!("sweep: point {i} is done already");
        return Ok(());
    }
    let point = bsweep::run_point(&plan, dir, i)?;
    eprintln!(
        "sweep: point {i} ({}): {}",
        plan.points.get(i).map(|s| s.join(" ")).unwrap_or_default(),
        point.error.as_deref().unwrap_or("done")
    );
    anyhow::ensure!(point.ok, "point {i} failed");
    Ok(())
}
