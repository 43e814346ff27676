//! `sim --seeds A..B`: a random co-simulation regression over many seeds, on local threads or as
//! a Slurm job array, with the harness built once before any seed runs.

use super::backend::{self, BackendArgs, BackendKind};
use super::sim::SimArgs;
use anyhow::Context;
use clap::Args;
use spikelm_hw::batch::{self, seeds};
use spikelm_hw::sim::build::cache_root;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Args)]
pub struct RegressionArgs {
    /// Co-simulate every seed of A..B (B excluded; A..=B includes it) as a regression, each in
    /// its own work directory, and summarise. Replaces --seed.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["seed", "rtl", "work"], help_heading = "Regression")]
    pub seeds: Option<String>,
    /// Regression directory (plan, per-seed results, summary.md, summary.json). Running the same
    /// regression into it again runs only the seeds not done.
    #[arg(long, default_value = "build/seeds", help_heading = "Regression")]
    pub out: PathBuf,
    /// Replace the contents of a non-empty regression directory.
    #[arg(long, help_heading = "Regression")]
    pub force: bool,
    /// Seeds simulated at once (local backend).
    #[arg(short = 'j', long, default_value_t = 2, help_heading = "Regression")]
    pub jobs: usize,
    /// Seeds each Slurm array task runs in turn (arrays are limited to MaxArraySize tasks).
    #[arg(long, default_value_t = 1, help_heading = "Regression")]
    pub seeds_per_task: usize,
    /// Merge the seeds' results of the regression in DIR into its summary (run automatically
    /// after a Slurm array).
    #[arg(long, value_name = "DIR", help_heading = "Regression")]
    pub collect: Option<PathBuf>,
    /// Run the seeds of one Slurm array task of the regression in DIR.
    #[arg(long, value_name = "DIR", hide = true)]
    pub seed_task: Option<PathBuf>,
    #[command(flatten)]
    pub backend: BackendArgs,
}

impl RegressionArgs {
    pub fn is_requested(&self) -> bool {
        self.seeds.is_some() || self.collect.is_some() || self.seed_task.is_some()
    }
}

/// `A..B` (B excluded) or `A..=B`: the first seed and the count.
pub fn parse_range(text: &str) -> anyhow::Result<(u64, usize)> {
    let bad = || format!("--seeds {text}: expected A..B (B excluded) or A..=B, e.g. 1..101");
    let (a, b) = text.split_once("..").with_context(bad)?;
    let (b, inclusive) = match b.strip_prefix('=') {
        Some(b) => (b, true),
        None => (b, false),
    };
    let a: u64 = a.trim().parse().with_context(bad)?;
    let b: u64 = b.trim().parse().with_context(bad)?;
    let end = if inclusive { b.checked_add(1) } else { Some(b) }.with_context(bad)?;
    anyhow::ensure!(end > a, "{}: the range is empty", bad());
    Ok((a, usize::try_from(end - a).with_context(bad)?))
}

pub fn run(args: &SimArgs) -> anyhow::Result<()> {
    let reg = &args.regression;
    if let Some(dir) = &reg.collect {
        return collect(dir, args.json);
    }
    if let Some(dir) = &reg.seed_task {
        return task(dir);
    }
    let range = reg.seeds.as_deref().context("no --seeds")?;
    let (first, count) = parse_range(range)?;
    let cache = args.cache.clone().unwrap_or_else(cache_root);
    std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let config_file = match &args.cfg.config_file {
        Some(f) => Some(
            f.canonicalize()
                .with_context(|| format!("--config {}", f.display()))?,
        ),
        None => None,
    };
    let plan = seeds::SeedPlan {
        preset: args.cfg.preset.clone(),
        config_file,
        sets: args.cfg.sets.clone(),
        spec: super::sim::spec(args),
        first,
        count,
        per_task: reg.seeds_per_task.max(1),
        cache: cache.canonicalize()?,
    };
    // Refuse a bad --layer/--case/--tokens here rather than in every seed.
    plan.spec.options(&plan.params()?)?;
    let dir = batch::prepare(&reg.out, &plan, reg.force)?;
    let built = seeds::prebuild(&plan, &dir).context("building the shared harness")?;
    eprintln!(
        "sim: harness {} {} ({:.1} s)",
        built.key,
        if built.cached {
            "from the cache"
        } else {
            "built"
        },
        built.seconds
    );
    execute(&dir, &plan, reg.jobs, &reg.backend, args.json)
}

fn execute(
    dir: &Path,
    plan: &seeds::SeedPlan,
    jobs: usize,
    backend: &BackendArgs,
    json: bool,
) -> anyhow::Result<()> {
    let pending = seeds::pending(dir, plan);
    eprintln!(
        "sim: seeds {}..{}, {} to run",
        plan.first,
        plan.first + plan.count as u64,
        pending.len()
    );
    if pending.is_empty() {
        return collect(dir, json);
    }
    match backend.backend {
        BackendKind::Local => {
            batch::run_local(&pending, jobs, |i| {
                let msg = match seeds::run_seed(plan, dir, i) {
                    Ok(r) if r.passed => "passed".to_string(),
                    Ok(r) => r
                        .error
                        .or(r.first_mismatch)
                        .unwrap_or_else(|| "failed".into()),
                    Err(e) => e.to_string(),
                };
                eprintln!("sim: seed {}: {msg}", plan.first + i as u64);
            });
            collect(dir, json)
        }
        BackendKind::Slurm => backend::submit_then_collect(
            dir,
            "spikelm-seeds",
            &pending,
            plan.per_task,
            &["sim", "--seed-task"],
            &["sim", "--collect"],
            backend,
            "summary.md",
            || collect(dir, json),
        ),
    }
}

fn collect(dir: &Path, json: bool) -> anyhow::Result<()> {
    let plan = seeds::load_plan(dir)?;
    let summary = seeds::collect(dir).with_context(|| format!("collecting {}", dir.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.table(&plan));
    }
    if let Some(seed) = summary.first_failing_seed {
        anyhow::bail!(
            "{} of {} seeds failed, the first is seed {seed}: {}",
            summary.failing_seeds.len(),
            summary.seeds,
            summary.first_failure.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}

fn task(dir: &Path) -> anyhow::Result<()> {
    let t = spikelm_hw::slurm::array_task_id().context("no SLURM_ARRAY_TASK_ID")?;
    let plan = seeds::load_plan(dir)?;
    let pending = seeds::pending(dir, &plan);
    let mut failed = 0;
    for i in batch::task_items(t, plan.per_task, plan.count).filter(|i| pending.contains(i)) {
        let r = seeds::run_seed(&plan, dir, i)?;
        eprintln!(
            "sim: seed {}: {}",
            r.seed,
            if r.passed { "passed" } else { "failed" }
        );
        failed += usize::from(!r.passed);
    }
    anyhow::ensure!(failed == 0, "{failed} seeds of task {t} failed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_parse_exclusive_and_inclusive() {
        assert_eq!(parse_range("1..5").unwrap(), (1, 4));
        assert_eq!(parse_range("1..=5").unwrap(), (1, 5));
        assert!(parse_range("5..5").is_err());
        assert!(parse_range("5").is_err());
        assert!(parse_range("a..3").is_err());
    }
}
