//! One `fit` run: the search for each asked engine over the tools, and its table.

use super::evaluate::{Engine, ToolEvaluator};
use super::{search, Fit, Space, Stage, Tried};
use crate::config::Params;
use crate::synth::error::SynthError;
use crate::synth::report::Table;
use crate::synth::SynthOptions;
use serde::Serialize;
use std::cell::RefCell;
use std::path::PathBuf;

/// The search of one engine.
#[derive(Debug, Clone, Serialize)]
pub struct EngineFit {
    pub engine: Engine,
    pub start: String,
    #[serde(flatten)]
    pub fit: Fit,
}

/// Every engine's search on one target at one clock.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    pub target: String,
    pub preset: String,
    pub clock_mhz: f64,
    pub max_runs: usize,
    pub engines: Vec<EngineFit>,
}

/// What to search.
pub struct FitOptions {
    pub engines: Vec<Engine>,
    /// Target, clock (set), seed, speed grade and the output root.
    pub synth: SynthOptions,
    pub cache_dir: Option<PathBuf>,
    /// Place-and-route runs per engine.
    pub max_runs: usize,
}

/// The clock `fit` asks for when none is given: the ECP5 block RAM's limit at the speed grade
/// (the engine's buffers are block RAM), else the target's default clock.
pub fn default_clock_mhz(opts: &SynthOptions) -> f64 {
    match opts.target.family() {
        crate::synth::Family::Ecp5 => opts
            .speed
            .bram_limit_mhz()
            .unwrap_or_else(|| opts.target.default_clock_mhz()),
        _ => opts.target.default_clock_mhz(),
    }
}

/// Search every engine of `opts` from the array of `params`. `progress` gets plain lines.
pub fn fit(
    params: &Params,
    opts: &FitOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<FitReport, SynthError> {
    let clock = opts
        .synth
        .clock_mhz
        .filter(|f| f.is_finite() && *f > 0.0)
        .ok_or_else(|| {
            SynthError::Unsupported(format!(
                "--clock-mhz {:?}: fit needs a positive clock",
                opts.synth.clock_mhz
            ))
        })?;
    let mut engines = Vec::new();
    for &engine in &opts.engines {
        let a = params.array();
        let space = Space {
            start: (a.rows, a.cols),
            rows_per_token: match engine {
                Engine::Ternary => params.model().time_steps,
                Engine::Int8 => 1,
            },
            seq_len: params.model().seq_len,
            clock_mhz: clock,
            max_runs: opts.max_runs,
        };
        // The evaluator's steps and the search's decisions go to the same lines, in order.
        let shared = RefCell::new(&mut *progress);
        let mut steps = |s: &str| (shared.borrow_mut())(s);
        let mut ev = ToolEvaluator::new(
            engine,
            &params.config,
            opts.synth.clone(),
            opts.cache_dir.clone(),
            &mut steps,
        )?;
        let fit = search(&mut ev, &space, &mut |t| {
            (shared.borrow_mut())(&line(engine, t))
        });
        engines.push(EngineFit {
            engine,
            start: format!("{}x{}", a.rows, a.cols),
            fit,
        });
    }
    Ok(FitReport {
        target: opts.synth.target.to_string(),
        preset: params.config.preset.clone(),
        clock_mhz: clock,
        max_runs: opts.max_runs,
        engines,
    })
}

fn verdict(t: &Tried) -> &'static str {
    match (t.passed, t.reached) {
        (true, _) => "pass",
        (false, Stage::PlaceAndRoute) => "fail",
        (false, _) => "pruned",
    }
}

/// One decided candidate as a progress line.
pub fn line(engine: Engine, t: &Tried) -> String {
    format!(
        "{} {} t{}: {} ({})",
        engine.name(),
        t.candidate.array(),
        t.candidate.resident_tokens,
        verdict(t),
        t.why
    )
}

impl FitReport {
    /// The table of every tried candidate and each engine's best.
    pub fn render(&self, markdown: bool) -> String {
        let mut t = Table::new(markdown);
        t.header(&[
            "engine", "array", "resident", "form", "LUT4-eq", "FF", "DSP", "BRAM", "Fmax",
            "result", "why",
        ]);
        for e in &self.engines {
            for tr in &e.fit.tried {
                let r = tr.resources.as_ref();
                let n = |f: fn(&super::Resources) -> u64| {
                    r.map(|r| f(r).to_string()).unwrap_or_else(|| "-".into())
                };
                t.row(&[
                    e.engine.name(),
                    &tr.candidate.array(),
                    &tr.candidate.resident_tokens.to_string(),
                    r.map(|r| r.form.as_str()).unwrap_or("-"),
                    &n(|r| r.lut4_equiv),
                    &n(|r| r.ffs),
                    &n(|r| r.dsp),
                    &n(|r| r.bram),
                    &tr.fmax_mhz
                        .map(|f| format!("{f:.1}"))
                        .unwrap_or_else(|| "-".into()),
                    verdict(tr),
                    &tr.why,
                ]);
            }
        }
        let mut out = format!(
            "fit: {} on {} at {} MHz (at most {} place-and-route runs per engine)\n{}",
            self.preset,
            self.target,
            self.clock_mhz,
            self.max_runs,
            t.finish()
        );
        for e in &self.engines {
            let best = match e.fit.best() {
                Some(b) => format!(
                    "{} ({} PEs), {} resident tokens, Fmax {}",
                    b.candidate.array(),
                    b.candidate.rows * b.candidate.cols,
                    b.candidate.resident_tokens,
                    b.fmax_mhz
                        .map(|f| format!("{f:.1} MHz"))
                        .unwrap_or_else(|| "-".into())
                ),
                None => format!(
                    "nothing from {} up places and routes at {} MHz",
                    e.start, self.clock_mhz
                ),
            };
            let stop = if e.fit.stopped_by_max_runs {
                " (stopped by --max-runs: larger candidates not tried)"
            } else {
                ""
            };
            out.push_str(&format!("best {}: {best}{stop}\n", e.engine.name()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::fit::{Candidate, Resources};

    fn tried(rows: u32, fmax: Option<f64>, passed: bool, reached: Stage) -> Tried {
        Tried {
            candidate: Candidate {
                rows,
                cols: 16,
                resident_tokens: 0,
            },
            reached,
            resources: fmax.map(|_| Resources {
                lut4_equiv: 1234,
                ffs: 567,
                dsp: 8,
                bram: 9,
                form: "LUT multipliers".into(),
            }),
            fmax_mhz: fmax,
            passed,
            why: "because".into(),
        }
    }

    #[test]
    fn the_table_lists_every_candidate_and_each_engines_best() {
        let report = FitReport {
            target: "ecp5-85k".into(),
            preset: "spikelm-bert-tiny".into(),
            clock_mhz: 100.0,
            max_runs: 3,
            engines: vec![
                EngineFit {
                    engine: Engine::Ternary,
                    start: "8x16".into(),
                    fit: Fit {
                        tried: vec![
                            tried(8, Some(150.0), true, Stage::PlaceAndRoute),
                            tried(16, None, false, Stage::Check),
                        ],
                        best: Some(0),
                        stopped_by_max_runs: true,
                    },
                },
                EngineFit {
                    engine: Engine::Int8,
                    start: "8x16".into(),
                    fit: Fit {
                        tried: vec![tried(8, Some(60.0), false, Stage::PlaceAndRoute)],
                        best: None,
                        stopped_by_max_runs: false,
                    },
                },
            ],
        };
        let md = report.render(true);
        assert_eq!(
            md.lines().filter(|l| l.starts_with("| ")).count(),
            4,
            "{md}"
        );
        assert!(
            md.contains("| ternary | 8x16  | 0        | LUT multipliers | 1234"),
            "{md}"
        );
        assert!(md.contains("| pruned |"), "{md}");
        assert!(md.contains("| fail   |"), "{md}");
        assert!(md.contains("best ternary: 8x16 (128 PEs), 0 resident tokens, Fmax 150.0 MHz (stopped by --max-runs"), "{md}");
        assert!(
            md.contains("best int8: nothing from 8x16 up places and routes at 100 MHz"),
            "{md}"
        );
    }
}
