//! The one-command flow: generate, co-simulate, synthesize (the engine and its INT8 twin) and
//! estimate, then write `report.md`, `report.html` and `report.json` into the output directory.
//! A step that cannot run is recorded in the report's notes, never silently left out.
//!
//! By default the INT8 twin is synthesized only (its area; Yosys), which keeps the default job
//! within minutes; `full` also places and routes it (its Fmax) and the engine's narrow I/O top.
//! Synthesis figures are reused from a cache keyed by everything they depend on (`cache`).

pub mod cache;

use crate::config::Params;
use crate::estimate::{EstimateError, PerfEstimate};
use crate::report::{FlowReport, RealFiringRates, SimFigures, SynthFigures};
use crate::rtl::{self, RtlError};
use crate::sim::{self, SimError, SimOptions, SimReport};
use crate::synth::{self, SynthError, SynthOptions, SynthReport, Target};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(
        "{0}: the output directory exists and is not empty; pass --force to replace its contents"
    )]
    NotEmpty(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("generate: {0}")]
    Rtl(#[from] RtlError),
    #[error("co-simulation: {0}")]
    Sim(#[from] SimError),
    #[error("co-simulation found a mismatch; see {0}")]
    Mismatch(String),
    #[error("synthesis: {0}")]
    Synth(#[from] SynthError),
    #[error("estimate: {0}")]
    Estimate(#[from] EstimateError),
}

fn io(path: &Path, source: std::io::Error) -> FlowError {
    FlowError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What the flow runs.
#[derive(Debug, Clone)]
pub struct FlowOptions {
    pub out: PathBuf,
    pub force: bool,
    pub target: Target,
    /// Tokens per co-simulated layer run (`None`: the whole sequence).
    pub sim_tokens: Option<u32>,
    pub seed: u64,
    pub skip_sim: bool,
    pub skip_synth: bool,
    /// Also synthesize the INT8 multiply-accumulate twin for the comparison.
    pub int8: bool,
    /// The full comparison: place and route the INT8 twin too (its Fmax; the slow step) and
    /// the engine's narrow I/O top on the package. Otherwise the twin gets Yosys synthesis only.
    pub full: bool,
    /// Synthesis cache directory; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Clock for the estimate when synthesis does not run, MHz.
    pub fallback_fmax_mhz: f64,
    /// Firing rate for the estimate when co-simulation does not run.
    pub fallback_firing_rate: f64,
    /// The headline first in the report: the engine and its INT8 twin (DSP and LUT
    /// multipliers) each placed and routed (`synth::compare`, three runs; off by default, slow).
    pub headline: bool,
}

/// Run the flow; `progress` is told each step as it starts.
pub fn run(
    params: &Params,
    opts: &FlowOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<FlowReport, FlowError> {
    run_with_rates(params, opts, None, progress)
}

/// [`run`], with the firing rates of an imported model on real text (`flow --package`): the
/// estimate uses them instead of the co-simulation's random stimulus, and the report lists them.
pub fn run_with_rates(
    params: &Params,
    opts: &FlowOptions,
    real: Option<RealFiringRates>,
    progress: &mut dyn FnMut(&str),
) -> Result<FlowReport, FlowError> {
    prepare_out(&opts.out, opts.force)?;
    let mut notes = Vec::new();

    progress("generate: writing the RTL");
    let design = opts.out.join("design");
    rtl::write_tree(&design, &rtl::generate(params)?, true)?;

    let sim = if opts.skip_sim {
        notes.push("co-simulation skipped (--skip-sim)".to_string());
        None
    } else {
        progress("co-simulate: building the Verilator harness and replaying every layer");
        let mut so = SimOptions::new(params);
        so.rtl_dir = Some(design.clone());
        so.work_dir = Some(opts.out.join("sim"));
        so.tokens = opts.sim_tokens;
        so.seed = opts.seed;
        so.progress = true;
        let mut report = sim::run(params, &so)?;
        if report.passed {
            // The random case stalls the streams; one run more without stalls measures the cycles
            // the analytic model must equal.
            progress("co-simulate: every layer again without stalls, for the cycle counts");
            so.stall = Some(0.0);
            let steady = sim::run(params, &so)?;
            report.passed &= steady.passed;
            report.mismatches += steady.mismatches;
            report.runs.extend(steady.runs);
        }
        let summary = opts.out.join("sim").join("summary.json");
        write_json(&summary, &report)?;
        if !report.passed {
            return Err(FlowError::Mismatch(summary.display().to_string()));
        }
        Some(report)
    };

    let mut synth_figs = Vec::new();
    let mut fmax = None;
    if opts.skip_synth {
        notes.push("synthesis skipped (--skip-synth)".to_string());
    } else {
        progress(&format!(
            "synthesize: ternary engine on {}",
            opts.target.name()
        ));
        let mut so = SynthOptions::new(opts.target, opts.out.join("synth"));
        so.rtl_dir = Some(design.clone());
        so.io_top = opts.full;
        let fig = cached_synthesis(params, "ternary", &so, opts, &mut |s| {
            progress(&format!("synthesize (ternary engine): {s}"))
        })?;
        fmax = fig.fmax_mhz;
        synth_figs.push(fig);
        if opts.int8 {
            match Params::new(params.config.int8_twin()) {
                Ok(p8) => {
                    // Multipliers in LUTs: the comparison DESIGN.md section 4 makes, and one
                    // that fits every target (a 25k has 28 DSPs for 64 PEs). Placing it is
                    // the slowest step of the flow, so only `full` does.
                    let design8 = opts.out.join("design-int8");
                    rtl::write_tree(&design8, &rtl::generate(&p8)?, true)?;
                    let mut so = SynthOptions::new(opts.target, opts.out.join("synth-int8"));
                    so.rtl_dir = Some(design8);
                    so.io_top = false;
                    so.units = false;
                    so.dsp = false;
                    so.place_and_route = opts.full;
                    progress(&format!(
                        "synthesize: INT8 twin on {}{}",
                        opts.target.name(),
                        if opts.full { "" } else { " (synthesis only)" }
                    ));
                    if !opts.full {
                        notes.push(
                            "INT8 twin: Yosys synthesis only (area), not placed and routed, so it \
                             has no Fmax; --full places and routes it"
                                .to_string(),
                        );
                    }
                    let r8 = cached_synthesis(&p8, INT8_LABEL, &so, opts, &mut |s| {
                        progress(&format!("synthesize (INT8 twin, no DSPs): {s}"))
                    });
                    match r8 {
                        Ok(f) => synth_figs.push(f),
                        Err(e) => notes.push(format!("INT8 baseline did not synthesize: {e}")),
                    }
                }
                Err(e) => notes.push(format!("INT8 baseline not synthesized: {e}")),
            }
        }
    }

    progress("estimate: cycles, throughput and energy");
    let fmax_mhz = fmax.unwrap_or_else(|| {
        notes.push(format!(
            "no routed Fmax: the estimate assumes {} MHz",
            opts.fallback_fmax_mhz
        ));
        opts.fallback_fmax_mhz
    });
    let sim_figs = sim
        .as_ref()
        .map(|r| sim_figures(r, params.model().time_steps as usize));
    let measured = sim_figs
        .as_ref()
        .and_then(|s| overall_rate(&s.firing_rate_per_t));
    let rate = match (real.as_ref().and_then(RealFiringRates::overall), measured) {
        (Some(r), sim_rate) => {
            let sim_note = if sim_rate.is_some() {
                "; the co-simulation ran on random stimulus"
            } else {
                ""
            };
            notes.push(format!(
                "firing rate {r:.3} measured by the integer model on real text (every site, weighted by Din){sim_note}"
            ));
            r
        }
        (None, Some(r)) => {
            notes.push(format!(
                "firing rate {r:.3} measured in co-simulation on random stimulus, not on a trained model's activations"
            ));
            r
        }
        (None, None) => opts.fallback_firing_rate,
    };
    let perf = PerfEstimate::compute(params, fmax_mhz, rate)?;
    let headline = if opts.headline && !opts.skip_synth {
        headline(params, opts, &design, rate, &mut notes, progress)
    } else {
        None
    };
    let report = FlowReport {
        seq_len: params.model().seq_len,
        title: format!(
            "spikelm-hw {}: {} on a {}x{} array",
            env!("CARGO_PKG_VERSION"),
            params.config.preset,
            params.array().rows,
            params.array().cols
        ),
        configuration: toml::to_string(&params.config).unwrap_or_default(),
        perf,
        sim: sim_figs,
        synth: synth_figs,
        notes,
        real_firing_rates: real,
        headline,
    };
    write_text(&opts.out.join("report.md"), &report.to_markdown())?;
    write_text(&opts.out.join("report.html"), &report.to_html())?;
    write_json(&opts.out.join("report.json"), &report)?;
    Ok(report)
}

/// `--headline`: the engine (its RTL in `design`) and its INT8 twin placed and routed into
/// `out/headline/`, side by side at the firing rate `rate`; a failure becomes a note.
fn headline(
    params: &Params,
    opts: &FlowOptions,
    design: &Path,
    rate: f64,
    notes: &mut Vec<String>,
    progress: &mut dyn FnMut(&str),
) -> Option<synth::headline::Headline> {
    use synth::headline::{DEFAULT_MEM_GBPS, DEFAULT_MEM_SOURCE};
    let base = SynthOptions {
        seed: opts.seed,
        // iCE40 has no out-of-context mode: its Fmax comes from the I/O top on the package.
        io_top: opts.target.family() == synth::Family::Ice40,
        ..SynthOptions::new(opts.target, opts.out.join("headline"))
    };
    progress("headline: both engines placed and routed");
    let compared = synth::compare::compare(params, params, &base, (Some(design), None), &mut |s| {
        progress(&format!("headline: {s}"))
    });
    let made = compared.map_err(|e| e.to_string()).and_then(|cmp| {
        synth::headline::headline(
            params,
            params,
            &cmp,
            rate,
            DEFAULT_MEM_GBPS,
            DEFAULT_MEM_SOURCE,
        )
        .map_err(|e| e.to_string())
    });
    match made {
        Ok(h) => Some(h),
        Err(e) => {
            notes.push(format!("headline not made: {e}"));
            None
        }
    }
}

/// An empty or new directory, or an existing one whose contents `force` allows replacing.
pub fn prepare_out(out: &Path, force: bool) -> Result<(), FlowError> {
    if out.exists() {
        let non_empty = std::fs::read_dir(out)
            .map_err(|e| io(out, e))?
            .next()
            .is_some();
        if non_empty && !force {
            return Err(FlowError::NotEmpty(out.display().to_string()));
        }
        if non_empty {
            std::fs::remove_dir_all(out).map_err(|e| io(out, e))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| io(out, e))
}

fn write_text(path: &Path, text: &str) -> Result<(), FlowError> {
    std::fs::write(path, text).map_err(|e| io(path, e))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), FlowError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    write_text(path, &text)
}

fn overall_rate(per_t: &[f64]) -> Option<f64> {
    (!per_t.is_empty()).then(|| per_t.iter().sum::<f64>() / per_t.len() as f64)
}

fn sim_figures(r: &SimReport, time_steps: usize) -> SimFigures {
    let layer_cycles = r
        .runs
        .iter()
        .filter(|run| run.stall_free)
        .map(|run| {
            (
                run.layer.clone(),
                u64::from(run.cycles_register),
                run.cycles_model.unwrap_or(0),
            )
        })
        .collect();
    // Average the per-time-step rates of the runs that encoded spikes (int8 runs have none).
    let rates: Vec<Vec<f64>> = r
        .runs
        .iter()
        .map(|run| run.coverage.firing_rate_per_t(time_steps))
        .filter(|v| !v.is_empty())
        .collect();
    let firing_rate_per_t = (0..time_steps)
        .map(|t| rates.iter().map(|v| v[t]).sum::<f64>() / rates.len().max(1) as f64)
        .collect();
    SimFigures {
        passed: r.passed,
        values_compared: r.compared.total(),
        mismatches: r.mismatches,
        layer_cycles,
        firing_rate_per_t,
        pe_updates_per_s: r.pe_updates_per_second,
        detail: format!(
            "{} runs, {} cycles simulated, Verilator {}",
            r.runs.len(),
            r.cycles_simulated,
            r.verilator
        ),
    }
}

/// The INT8 twin's label in the report.
pub const INT8_LABEL: &str = "int8_mac (LUT multipliers)";

/// Synthesize `params` with `so`, or reuse the figures of an identical earlier synthesis from
/// the cache (the report then says so and names the run); a fresh result is stored. The cache
/// key hashes the RTL in `so.rtl_dir`; without one the cache is not used.
fn cached_synthesis(
    params: &Params,
    label: &str,
    so: &SynthOptions,
    opts: &FlowOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<SynthFigures, FlowError> {
    cached_synthesis_in(
        opts.cache_dir.as_deref(),
        &opts.out,
        params,
        label,
        so,
        progress,
    )
}

/// [`cached_synthesis`] for any command: `cache_dir` (`None`: no cache), `run` the output
/// directory an entry names as its origin.
pub fn cached_synthesis_in(
    cache_dir: Option<&Path>,
    run: &Path,
    params: &Params,
    label: &str,
    so: &SynthOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<SynthFigures, FlowError> {
    let key = match (cache_dir, &so.rtl_dir) {
        (Some(_), Some(rtl_dir)) => {
            let tools = synth::flow::resolve_tools(so.target)?;
            Some(
                cache::key(label, &params.derived.config_hash, rtl_dir, &tools, so)
                    .map_err(|e| io(rtl_dir, e))?,
            )
        }
        _ => None,
    };
    if let (Some(dir), Some(key)) = (cache_dir, &key) {
        if let Some(fig) = cache::load(dir, key) {
            progress(&format!(
                "reusing the cached result {}",
                dir.join(key).display()
            ));
            cache::restore_reports(dir, key, &so.out_dir).map_err(|e| io(&so.out_dir, e))?;
            return Ok(fig);
        }
    }
    let report = synth::synthesize(params, so, progress)?;
    let fig = synth_figures(label, &report, so.place_and_route);
    if let (Some(dir), Some(key)) = (cache_dir, &key) {
        cache::store(dir, key, &fig, &so.out_dir, run).map_err(|e| io(dir, e))?;
    }
    Ok(fig)
}

/// The figures the report (and the cache) keep of one synthesis report.
pub fn synth_figures(label: &str, r: &SynthReport, placed: bool) -> SynthFigures {
    let critical = r
        .implementations
        .iter()
        .filter_map(|i| i.pnr.as_ref())
        .find_map(|p| p.critical_path.as_ref())
        .map(|c| format!("{} → {} ({:.2} ns)", c.from, c.to, c.delay_ns))
        .unwrap_or_else(|| "n/a".into());
    SynthFigures {
        label: label.to_string(),
        target: r.target.clone(),
        tools: r
            .tools
            .iter()
            .map(|t| t.version.clone())
            .collect::<Vec<_>>()
            .join("; "),
        lut4: r.engine.lut4,
        carry: r.engine.carry,
        ff: r.engine.ffs,
        bram: r.engine.bram,
        dsp: r.engine.dsp,
        lut4_eq: r.engine.lut4_equiv as f64,
        lut4_eq_per_pe: r.metrics.engine_lut4_equiv_per_pe,
        placed,
        fmax_mhz: r.metrics.fmax_mhz,
        critical_path: critical,
        by_unit: by_unit(r),
        cached: None,
    }
}

/// LUT4-equivalents per unit over all its instances, parameterisations summed, largest first.
fn by_unit(r: &SynthReport) -> Vec<(String, f64)> {
    let mut sums: std::collections::BTreeMap<String, f64> = std::collections::BTreeMap::new();
    for u in &r.units {
        let name = u.unit.trim_start_matches("spikelm_").to_string();
        *sums.entry(name).or_default() += (u.local.lut4_equiv * u.instances) as f64;
    }
    let mut v: Vec<(String, f64)> = sums.into_iter().filter(|(_, x)| *x > 0.0).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}
