//! A random co-simulation regression as a batch: one item per seed, the Verilator harness built
//! once before any item runs and shared through the build cache, and a collected summary.

use super::{read_json, read_result, write_json, BatchError};
use crate::config::{LayerKind, Params};
use crate::sim::build::{ensure_built, shell_word, BuiltHarness, Verilator, XMode};
use crate::sim::rtl_tree::RtlTree;
use crate::sim::{self, harness, Case, SimOptions};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What each run simulates, as given on the `sim` command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimSpec {
    /// qkv, attn_out, ffn_in, ffn_out or all.
    pub layer: String,
    /// A case name or all.
    pub case: String,
    pub tokens: Option<u32>,
    pub stall: Option<f64>,
}

impl SimSpec {
    /// The simulation options for `params`, with the spec's layers and cases.
    pub fn options(&self, params: &Params) -> Result<SimOptions, sim::SimError> {
        let mut opts = SimOptions::new(params);
        opts.tokens = self.tokens;
        opts.stall = self.stall;
        if self.layer != "all" {
            let kind = LayerKind::from_name(&self.layer).ok_or_else(|| {
                sim::SimError::BadRequest(format!(
                    "--layer {}: expected qkv, attn_out, ffn_in, ffn_out or all",
                    self.layer
                ))
            })?;
            opts.layers = vec![params.derived.shape(kind)];
        }
        opts.cases = if self.case == "all" {
            Case::ALL
                .into_iter()
                .filter(|c| c.applies(params))
                .collect()
        } else {
            vec![Case::from_name(&self.case).ok_or_else(|| {
                sim::SimError::BadRequest(format!(
                    "--case {}: known cases are {}, or all",
                    self.case,
                    Case::names()
                ))
            })?]
        };
        Ok(opts)
    }
}

/// Everything a seed's run needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedPlan {
    pub preset: String,
    pub config_file: Option<PathBuf>,
    pub sets: Vec<String>,
    pub spec: SimSpec,
    /// Seeds `first..first + count`.
    pub first: u64,
    pub count: usize,
    /// Seeds one array task runs one after the other (Slurm arrays have a size limit).
    pub per_task: usize,
    /// The harness build cache every run shares.
    pub cache: PathBuf,
}

impl SeedPlan {
    pub fn params(&self) -> Result<Params, BatchError> {
        Ok(Params::load(
            &self.preset,
            self.config_file.as_deref(),
            &self.sets,
        )?)
    }

    /// The `sim` command that reruns one seed alone.
    pub fn rerun_command(&self, seed: u64) -> String {
        let mut w = vec!["spikelm-hw".to_string(), "sim".into()];
        w.extend(["--preset".into(), self.preset.clone()]);
        if let Some(c) = &self.config_file {
            w.extend(["--config".into(), c.display().to_string()]);
        }
        for s in &self.sets {
            w.extend(["--set".into(), s.clone()]);
        }
        w.extend(["--layer".into(), self.spec.layer.clone()]);
        w.extend(["--case".into(), self.spec.case.clone()]);
        if let Some(t) = self.spec.tokens {
            w.extend(["--tokens".into(), t.to_string()]);
        }
        if let Some(s) = self.spec.stall {
            w.extend(["--stall".into(), s.to_string()]);
        }
        w.extend(["--seed".into(), seed.to_string()]);
        w.iter()
            .map(|s| shell_word(s))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The shared RTL tree of a regression.
pub fn rtl_dir(dir: &Path) -> PathBuf {
    dir.join("rtl")
}

/// Generate the RTL into `DIR/rtl` and build (or fetch) its harness, before any seed runs, so
/// the runs all find it in the cache.
pub fn prebuild(plan: &SeedPlan, dir: &Path) -> Result<BuiltHarness, BatchError> {
    let params = plan.params()?;
    let tree = RtlTree::generate(&params, &rtl_dir(dir))?;
    let src = harness::render(&params, false)?;
    Ok(ensure_built(
        &Verilator::detect()?,
        &params.derived.config_hash,
        &tree,
        &src,
        false,
        XMode::Fast,
        &plan.cache,
    )?)
}

/// One seed's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedResult {
    pub seed: u64,
    pub passed: bool,
    /// Harness runs (case × layer).
    pub runs: usize,
    pub values_compared: u64,
    pub mismatches: u64,
    pub first_mismatch: Option<String>,
    /// The run could not complete (tool or I/O failure).
    pub error: Option<String>,
    /// The harness came from the cache (the pre-built one).
    pub harness_cached: bool,
}

/// Co-simulate seed `first + i` in `DIR/work/<seed>` and write its result file.
pub fn run_seed(plan: &SeedPlan, dir: &Path, i: usize) -> Result<SeedResult, BatchError> {
    let seed = plan.first + i as u64;
    let outcome = (|| -> Result<sim::SimReport, BatchError> {
        let params = plan.params()?;
        let mut opts = plan.spec.options(&params)?;
        opts.seed = seed;
        opts.rtl_dir = Some(rtl_dir(dir));
        opts.cache_dir = Some(plan.cache.clone());
        opts.work_dir = Some(dir.join("work").join(seed.to_string()));
        Ok(sim::run(&params, &opts)?)
    })();
    let result = match outcome {
        Ok(r) => SeedResult {
            seed,
            passed: r.passed,
            runs: r.runs.len(),
            values_compared: r.compared.total(),
            mismatches: r.mismatches,
            first_mismatch: r.first_mismatch.as_ref().map(|m| m.to_string()),
            error: None,
            harness_cached: r.harness_cached,
        },
        Err(e) => SeedResult {
            seed,
            passed: false,
            runs: 0,
            values_compared: 0,
            mismatches: 0,
            first_mismatch: None,
            error: Some(e.to_string()),
            harness_cached: false,
        },
    };
    write_json(&super::result_path(dir, i), &result)?;
    Ok(result)
}

pub fn load_plan(dir: &Path) -> Result<SeedPlan, BatchError> {
    read_json(&dir.join("plan.json"))
}

/// Seeds not done yet (no result, or a run that could not complete).
pub fn pending(dir: &Path, plan: &SeedPlan) -> Vec<usize> {
    super::pending::<SeedResult>(dir, plan.count, |r| r.error.is_none())
}

/// The regression's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedSummary {
    pub seeds: usize,
    /// Seeds with a result (the others' tasks did not finish).
    pub finished: usize,
    pub passed: usize,
    pub runs: usize,
    pub values_compared: u64,
    pub mismatches: u64,
    /// Runs that had to build the harness themselves (0 when the shared build served them all).
    pub harness_builds_in_runs: usize,
    pub failing_seeds: Vec<u64>,
    pub first_failing_seed: Option<u64>,
    pub first_failure: Option<String>,
    pub rerun_command: Option<String>,
}

/// Merge the seeds' results into `summary.json` and `summary.md`.
pub fn collect(dir: &Path) -> Result<SeedSummary, BatchError> {
    let plan = load_plan(dir)?;
    let results: Vec<Option<SeedResult>> = (0..plan.count).map(|i| read_result(dir, i)).collect();
    let done: Vec<&SeedResult> = results.iter().flatten().collect();
    let failing: Vec<u64> = (0..plan.count)
        .filter(|&i| !results[i].as_ref().is_some_and(|r| r.passed))
        .map(|i| plan.first + i as u64)
        .collect();
    let first_failure = failing.first().map(|&seed| {
        let i = (seed - plan.first) as usize;
        match &results[i] {
            None => "no result: its task did not finish".to_string(),
            Some(r) => r
                .error
                .clone()
                .or_else(|| r.first_mismatch.clone())
                .unwrap_or_else(|| "a run did not complete".into()),
        }
    });
    let summary = SeedSummary {
        seeds: plan.count,
        finished: done.len(),
        passed: done.iter().filter(|r| r.passed).count(),
        runs: done.iter().map(|r| r.runs).sum(),
        values_compared: done.iter().map(|r| r.values_compared).sum(),
        mismatches: done.iter().map(|r| r.mismatches).sum(),
        harness_builds_in_runs: done
            .iter()
            .filter(|r| r.error.is_none() && !r.harness_cached)
            .count(),
        first_failing_seed: failing.first().copied(),
        rerun_command: failing.first().map(|&s| plan.rerun_command(s)),
        failing_seeds: failing,
        first_failure,
    };
    write_json(&dir.join("summary.json"), &summary)?;
    let md = dir.join("summary.md");
    crate::atomic::write(&md, summary.table(&plan)).map_err(|e| super::io(&md, e))?;
    Ok(summary)
}

impl SeedSummary {
    /// Markdown summary.
    pub fn table(&self, plan: &SeedPlan) -> String {
        let mut out = format!(
            "# Co-simulation regression: seeds {}..{} ({} {} {})\n\n| figure | value |\n|---|---|\n",
            plan.first,
            plan.first + plan.count as u64,
            plan.preset,
            plan.sets.join(" "),
            plan.spec.case
        );
        let rows = [
            ("seeds", self.seeds.to_string()),
            ("seeds finished", self.finished.to_string()),
            ("seeds passed", self.passed.to_string()),
            ("harness runs", self.runs.to_string()),
            ("values compared", self.values_compared.to_string()),
            ("mismatches", self.mismatches.to_string()),
            (
                "harness builds inside runs",
                self.harness_builds_in_runs.to_string(),
            ),
            (
                "first failing seed",
                self.first_failing_seed
                    .map_or("none".into(), |s| s.to_string()),
            ),
        ];
        for (k, v) in rows {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        if let (Some(f), Some(c)) = (&self.first_failure, &self.rerun_command) {
            let _ = write!(out, "\nFirst failure: {f}\n\nRerun it alone:\n\n    {c}\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(cache: &Path) -> SeedPlan {
        SeedPlan {
            preset: "spikelm-bert-tiny".into(),
            config_file: None,
            sets: vec!["array=4x4".into()],
            spec: SimSpec {
                layer: "qkv".into(),
                case: "random".into(),
                tokens: Some(8),
                stall: None,
            },
            first: 10,
            count: 4,
            per_task: 2,
            cache: cache.to_path_buf(),
        }
    }

    fn result(seed: u64, passed: bool, mismatches: u64) -> SeedResult {
        SeedResult {
            seed,
            passed,
            runs: 1,
            values_compared: 100,
            mismatches,
            first_mismatch: (!passed).then(|| format!("mismatch of seed {seed}")),
            error: None,
            harness_cached: true,
        }
    }

    #[test]
    fn collect_counts_and_names_the_first_failing_seed_with_its_rerun_command() {
        let tmp = tempfile::tempdir().unwrap();
        let p = plan(tmp.path());
        let dir = super::super::prepare(&tmp.path().join("r"), &p, false).unwrap();
        // Seed 10 passes, 11 mismatches, 12 never reported, 13 passes.
        write_json(&super::super::result_path(&dir, 0), &result(10, true, 0)).unwrap();
        write_json(&super::super::result_path(&dir, 1), &result(11, false, 3)).unwrap();
        write_json(&super::super::result_path(&dir, 3), &result(13, true, 0)).unwrap();
        let s = collect(&dir).unwrap();
        assert_eq!((s.seeds, s.finished, s.passed), (4, 3, 2));
        assert_eq!((s.runs, s.values_compared, s.mismatches), (3, 300, 3));
        assert_eq!(s.failing_seeds, vec![11, 12]);
        assert_eq!(s.first_failing_seed, Some(11));
        assert_eq!(s.first_failure.as_deref(), Some("mismatch of seed 11"));
        let cmd = s.rerun_command.unwrap();
        assert!(cmd.ends_with("--tokens 8 --seed 11"), "{cmd}");
        assert!(
            cmd.contains("--set array=4x4 --layer qkv --case random"),
            "{cmd}"
        );
        assert_eq!(
            read_json::<SeedSummary>(&dir.join("summary.json"))
                .unwrap()
                .passed,
            2
        );
        // The unreported seed is pending; the mismatching one is done (a result, not a crash).
        assert_eq!(pending(&dir, &p), vec![2]);
    }
}
