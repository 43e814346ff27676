//! A sweep as a batch: its plan, the one function that measures a point (both backends call
//! it), and the collection of the points into `sweep.md`, `sweep.json` and `sweep.svg`.

use super::{read_json, read_result, write_json, BatchError};
use crate::config::Params;
use crate::estimate::PerfEstimate;
use crate::sweep::{self, SweepPoint};
use crate::synth::{self, SynthOptions, Target};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Everything a point needs, so a task on any node can measure it from the directory alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    pub preset: String,
    /// Absolute, so tasks started elsewhere find it.
    pub config_file: Option<PathBuf>,
    /// `--set` overrides common to every point.
    pub sets: Vec<String>,
    /// The overrides of each point, in order.
    pub points: Vec<Vec<String>>,
    pub target: String,
    /// Clock for throughput where no Fmax is measured (gates, or synthesis only), MHz.
    pub fmax: f64,
    /// Stop after synthesis (no place and route): area only, throughput at `fmax`.
    pub synth_only: bool,
}

impl SweepPlan {
    pub fn title(&self) -> String {
        let target = self
            .target
            .parse::<Target>()
            .map(|t| t.name().to_string())
            .unwrap_or_else(|_| self.target.clone());
        format!("{} on {target}: area against throughput", self.preset)
    }
}

/// Synthesize point `i` in `DIR/NNN/` and estimate its throughput at the routed Fmax. Failures
/// are part of the point, not an error.
pub fn measure(plan: &SweepPlan, dir: &Path, i: usize) -> SweepPoint {
    let sets = plan.points.get(i).cloned().unwrap_or_default();
    let mut point = SweepPoint::failed(sets.clone(), None);
    let outcome = (|| -> Result<(), Box<dyn std::error::Error>> {
        if i >= plan.points.len() {
            return Err(format!("no point {i}: the sweep has {}", plan.points.len()).into());
        }
        let target: Target = plan.target.parse()?;
        let mut all = plan.sets.clone();
        all.extend(sets);
        let params = Params::load(&plan.preset, plan.config_file.as_deref(), &all)?;
        let mut opts = SynthOptions::new(target, dir.join(format!("{i:03}")));
        opts.io_top = false;
        opts.units = false;
        opts.place_and_route = !plan.synth_only;
        let report = synth::synthesize(&params, &opts, &mut |_| {})?;
        let fmax = report.metrics.fmax_mhz.unwrap_or(plan.fmax);
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
        Err(e) => point.error = Some(e.to_string()),
    }
    point
}

/// Measure point `i` and write its result file.
pub fn run_point(plan: &SweepPlan, dir: &Path, i: usize) -> Result<SweepPoint, BatchError> {
    let point = measure(plan, dir, i);
    write_json(&super::result_path(dir, i), &point)?;
    Ok(point)
}

/// The sweep's plan in `dir`.
pub fn load_plan(dir: &Path) -> Result<SweepPlan, BatchError> {
    read_json(&dir.join("plan.json"))
}

/// Points not done yet (no result, or a failed one).
pub fn pending(dir: &Path, plan: &SweepPlan) -> Vec<usize> {
    super::pending::<SweepPoint>(dir, plan.points.len(), |p| p.ok)
}

/// A point that failed or never reported, with what is known about why.
#[derive(Debug, Clone, Serialize)]
pub struct FailedPoint {
    pub index: usize,
    pub sets: Vec<String>,
    pub error: String,
    /// Last lines of its Slurm task's output, if it ran as one.
    pub log_tail: String,
}

/// The merged sweep.
#[derive(Debug, Clone)]
pub struct Collected {
    pub title: String,
    pub points: Vec<SweepPoint>,
    pub failed: Vec<FailedPoint>,
    pub table: String,
}

/// Merge the points' result files into `sweep.md`, `sweep.json` and `sweep.svg`. A point with no
/// result file counts as failed.
pub fn collect(dir: &Path) -> Result<Collected, BatchError> {
    let plan = load_plan(dir)?;
    let mut failed = Vec::new();
    let mut points: Vec<SweepPoint> = (0..plan.points.len())
        .map(|i| {
            read_result::<SweepPoint>(dir, i).unwrap_or_else(|| {
                SweepPoint::failed(
                    plan.points[i].clone(),
                    Some("no result: the point's task did not finish".into()),
                )
            })
        })
        .collect();
    for (i, p) in points.iter_mut().enumerate() {
        p.on_pareto_front = false;
        if !p.ok {
            failed.push(FailedPoint {
                index: i,
                sets: p.sets.clone(),
                error: p.error.clone().unwrap_or_default(),
                log_tail: super::log_tail(dir, i, 15),
            });
        }
    }
    sweep::mark_front(&mut points);
    let title = plan.title();
    let table = sweep::table(&points);
    let md = dir.join("sweep.md");
    crate::atomic::write(&md, format!("# {title}\n\n{table}")).map_err(|e| super::io(&md, e))?;
    write_json(&dir.join("sweep.json"), &points)?;
    let svg = dir.join("sweep.svg");
    crate::atomic::write(&svg, sweep::plot(&title, &points)).map_err(|e| super::io(&svg, e))?;
    Ok(Collected {
        title,
        points,
        failed,
        table,
    })
}

/// The failed points, each with its log's tail, for the terminal.
pub fn failure_report(failed: &[FailedPoint]) -> String {
    let mut out = String::new();
    for f in failed {
        let _ = writeln!(out, "point {} ({}): {}", f.index, f.sets.join(" "), f.error);
        for line in f.log_tail.lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(sets: &[&str], area: f64, tps: f64) -> SweepPoint {
        SweepPoint {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ok: true,
            error: None,
            pes: 4,
            area,
            area_unit: "LUT4-eq".into(),
            fmax_mhz: 100.0,
            tokens_per_s: tps,
            on_pareto_front: false,
        }
    }

    #[test]
    fn collect_merges_results_and_lists_points_without_one_as_failed() {
        let tmp = tempfile::tempdir().unwrap();
        let plan = SweepPlan {
            preset: "spikelm-bert-tiny".into(),
            config_file: None,
            sets: vec![],
            points: vec![
                vec!["array=4x1".into()],
                vec!["array=4x2".into()],
                vec!["array=8x8".into()],
            ],
            target: "ice40-up5k".into(),
            fmax: 100.0,
            synth_only: true,
        };
        let dir = super::super::prepare(&tmp.path().join("s"), &plan, false).unwrap();
        write_json(
            &super::super::result_path(&dir, 0),
            &point(&["array=4x1"], 10.0, 1.0),
        )
        .unwrap();
        write_json(
            &super::super::result_path(&dir, 1),
            &point(&["array=4x2"], 20.0, 2.0),
        )
        .unwrap();
        std::fs::write(dir.join("logs/2.log"), "line 1\nkilled by the OOM killer\n").unwrap();
        let c = collect(&dir).unwrap();
        assert_eq!(c.points.len(), 3);
        assert!(c.points[0].on_pareto_front && c.points[1].on_pareto_front);
        assert!(!c.points[2].ok);
        assert_eq!(c.failed.len(), 1);
        assert_eq!(c.failed[0].index, 2);
        assert!(c.failed[0].log_tail.ends_with("killed by the OOM killer"));
        assert!(failure_report(&c.failed).contains("point 2 (array=8x8): no result"));
        let md = std::fs::read_to_string(dir.join("sweep.md")).unwrap();
        assert!(md.starts_with("# spikelm-bert-tiny on "), "{md}");
        assert!(md.contains("| array=8x8 | failed: no result"), "{md}");
        let json: Vec<SweepPoint> = read_json(&dir.join("sweep.json")).unwrap();
        assert_eq!(json, c.points);
        assert_eq!(pending(&dir, &plan), vec![2]);
    }
}
