//! The evaluator that runs the tools: a candidate is the base configuration with its array and
//! resident tokens replaced; it is checked against the configuration rules and the target's
//! block-RAM budget, synthesized (Yosys, no place and route) and counted against the part, and
//! placed and routed out of context (ECP5; iCE40 places the narrow I/O top on the package).
//! Synthesis-only and placed results are kept in the flow's synthesis cache
//! (`crate::flow::cache`), so a rerun, or a larger `--max-runs`, repeats no tool run.

use super::{Candidate, Evaluator, Rejection, Resources};
use crate::config::{Config, Params};
use crate::flow::{cache, cached_synthesis_in};
use crate::report::SynthFigures;
use crate::synth::error::SynthError;
use crate::synth::flow::{check_block_ram_budget, place_engine, resolve_tools};
use crate::synth::target::{Device, Family};
use crate::synth::tools::Runner;
use crate::synth::{generate, SynthOptions};
use std::path::{Path, PathBuf};

/// Which engine a search is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    Ternary,
    /// The INT8 twin (`Config::int8_twin`): DSP multipliers, LUT multipliers where DSPs run out.
    Int8,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Ternary => "ternary",
            Engine::Int8 => "int8",
        }
    }

    /// The engine's configuration of `base` (a ternary configuration).
    pub fn config(self, base: &Config) -> Config {
        match self {
            Engine::Ternary => {
                let mut c = base.clone();
                c.array.pe = crate::config::PeKind::Ternary;
                c
            }
            Engine::Int8 => base.int8_twin(),
        }
    }
}

/// What a candidate synthesized as, kept for its place and route.
struct Synthesized {
    so: SynthOptions,
    figures: SynthFigures,
}

/// The evaluator over Yosys and nextpnr.
pub struct ToolEvaluator<'a> {
    engine: Engine,
    config: Config,
    device: Device,
    /// Target, clock, seed and speed grade; directories and flags are set per candidate.
    base: SynthOptions,
    cache_dir: Option<PathBuf>,
    synthesized: Vec<(Candidate, Synthesized)>,
    progress: &'a mut dyn FnMut(&str),
}

/// The one line of a tool failure a table can show (its `ERROR` line, else its first line).
pub fn short_reason(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| l.contains("ERROR"))
        .or_else(|| text.lines().next())
        .unwrap_or_default()
        .trim()
        .to_string()
}

impl<'a> ToolEvaluator<'a> {
    /// `base` gives target, clock, seed and speed grade, and its `out_dir` the root under which
    /// each candidate gets `ENGINE/RxC-tN/`.
    pub fn new(
        engine: Engine,
        config: &Config,
        base: SynthOptions,
        cache_dir: Option<PathBuf>,
        progress: &'a mut dyn FnMut(&str),
    ) -> Result<Self, SynthError> {
        let device = base.target.device().ok_or_else(|| {
            SynthError::Unsupported(format!(
                "--target {}: fit places and routes, choose an FPGA target",
                base.target
            ))
        })?;
        Ok(ToolEvaluator {
            engine,
            config: engine.config(config),
            device,
            base,
            cache_dir,
            synthesized: Vec::new(),
            progress,
        })
    }

    fn params(&self, c: &Candidate) -> Result<Params, String> {
        let mut config = self.config.clone();
        config.array.rows = c.rows;
        config.array.cols = c.cols;
        config.array.resident_tokens = c.resident_tokens;
        Params::new(config).map_err(|e| e.to_string())
    }

    fn dir(&self, c: &Candidate) -> PathBuf {
        candidate_dir(&self.base.out_dir, self.engine, c)
    }

    fn label(&self) -> String {
        format!("fit {}", self.engine.name())
    }

    fn cached(&mut self, params: &Params, so: &SynthOptions) -> Result<SynthFigures, String> {
        let label = self.label();
        let run = self.base.out_dir.clone();
        let progress = &mut *self.progress;
        cached_synthesis_in(
            self.cache_dir.as_deref(),
            &run,
            params,
            &label,
            so,
            progress,
        )
        .map_err(|e| short_reason(&e))
    }

    /// Why `r` does not fit the part, if it does not.
    fn over_the_part(&self, r: &Resources) -> Option<String> {
        let d = &self.device;
        d.overuse(("LUT4-eq", r.lut4_equiv), r.ffs, r.dsp, r.bram)
            .map(|o| format!("{} {} > {} of {}", o.resource, o.needed, o.budget, d.part))
    }
}

fn resources(f: &SynthFigures, dsp: bool) -> Resources {
    Resources {
        lut4_equiv: f.lut4_eq as u64,
        ffs: f.ff,
        dsp: f.dsp,
        bram: f.bram,
        form: if dsp { "DSP" } else { "LUT multipliers" }.into(),
    }
}

impl Evaluator for ToolEvaluator<'_> {
    fn check(&mut self, c: &Candidate) -> Result<(), String> {
        let params = self.params(c)?;
        check_block_ram_budget(&params, self.base.target).map_err(|e| e.to_string())
    }

    fn synthesize(&mut self, c: &Candidate) -> Result<Resources, Rejection> {
        let reject = |why: String| Rejection {
            resources: None,
            why,
        };
        let params = self.params(c).map_err(reject)?;
        let dir = self.dir(c);
        generate::generate_into(&params, &dir, "design").map_err(|e| reject(e.to_string()))?;
        // DSP form first where the part has DSPs; LUT multipliers when they run out.
        let forms: &[bool] = if self.device.dsp_blocks > 0 {
            &[true, false]
        } else {
            &[false]
        };
        let mut ran_out = None;
        for &dsp in forms {
            let so = SynthOptions {
                dsp,
                rtl_dir: Some(dir.join("design")),
                out_dir: dir.join(if dsp { "synth-dsp" } else { "synth-lut" }),
                io_top: false,
                units: false,
                place_and_route: false,
                ..self.base.clone()
            };
            (self.progress)(&format!(
                "{} {} t{}: synthesis ({})",
                self.engine.name(),
                c.array(),
                c.resident_tokens,
                if dsp { "DSP" } else { "LUT multipliers" }
            ));
            let figures = self.cached(&params, &so).map_err(reject)?;
            let mut r = resources(&figures, dsp);
            if dsp && r.dsp > u64::from(self.device.dsp_blocks) {
                ran_out = Some(format!(
                    "{} {} > {}",
                    self.device.dsp_kind, r.dsp, self.device.dsp_blocks
                ));
                continue;
            }
            if let Some(note) = &ran_out {
                r.form = format!("LUT multipliers (DSP form: {note})");
            }
            if let Some(why) = self.over_the_part(&r) {
                return Err(Rejection {
                    resources: Some(r),
                    why: format!("synthesis: {why}"),
                });
            }
            self.synthesized.push((*c, Synthesized { so, figures }));
            return Ok(r);
        }
        Err(reject(format!(
            "synthesis: {}",
            ran_out.unwrap_or_else(|| "no form synthesized".into())
        )))
    }

    fn place(&mut self, c: &Candidate, _: &Resources) -> Result<f64, String> {
        let params = self.params(c)?;
        let Synthesized { so, figures } = self
            .synthesized
            .iter()
            .rev()
            .find(|(k, _)| k == c)
            .map(|(_, s)| Synthesized {
                so: s.so.clone(),
                figures: s.figures.clone(),
            })
            .ok_or_else(|| format!("{} was not synthesized", c.array()))?;
        let family = self.base.target.family();
        let so = SynthOptions {
            place_and_route: true,
            // iCE40 has no out-of-context mode: place the narrow I/O top on the package.
            io_top: family == Family::Ice40,
            ..so
        };
        (self.progress)(&format!(
            "{} {} t{}: place and route at {} MHz",
            self.engine.name(),
            c.array(),
            c.resident_tokens,
            so.clock_mhz.unwrap_or_default()
        ));
        // The netlist the synthesis just wrote is placed as it is (no second synthesis);
        // otherwise (cached synthesis, iCE40) the flow synthesizes and places in one go.
        let fresh_netlist = family == Family::Ecp5
            && figures.cached.is_none()
            && so.out_dir.join("engine_netlist.json").is_file();
        let placed = if fresh_netlist {
            self.place_netlist(&params, &so, figures)?
        } else {
            self.cached(&params, &so)?
        };
        placed
            .fmax_mhz
            .ok_or_else(|| "place and route gave no Fmax".to_string())
    }
}

impl ToolEvaluator<'_> {
    /// Place the fresh engine netlist in `so.out_dir`, through the cache.
    fn place_netlist(
        &mut self,
        params: &Params,
        so: &SynthOptions,
        synthesized: SynthFigures,
    ) -> Result<SynthFigures, String> {
        let tools = resolve_tools(so.target).map_err(|e| e.to_string())?;
        let key = match (&self.cache_dir, &so.rtl_dir) {
            (Some(_), Some(rtl)) => Some(
                cache::key(&self.label(), &params.derived.config_hash, rtl, &tools, so)
                    .map_err(|e| e.to_string())?,
            ),
            _ => None,
        };
        if let (Some(dir), Some(key)) = (&self.cache_dir, &key) {
            if let Some(f) = cache::load(dir, key) {
                return Ok(f);
            }
        }
        let mut runner = Runner::new(&so.out_dir).map_err(|e| e.to_string())?;
        let pnr = place_engine(&mut runner, &tools[1], so).map_err(|e| short_reason(&e))?;
        let figures = SynthFigures {
            placed: true,
            fmax_mhz: pnr.fmax_mhz,
            critical_path: pnr
                .critical_path
                .as_ref()
                .map(|c| format!("{} → {} ({:.2} ns)", c.from, c.to, c.delay_ns))
                .unwrap_or_else(|| "n/a".into()),
            ..synthesized
        };
        if let (Some(dir), Some(key)) = (&self.cache_dir, &key) {
            cache::store(dir, key, &figures, &so.out_dir, &self.base.out_dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        Ok(figures)
    }
}

/// The directory of one candidate's runs under `out`.
pub fn candidate_dir(out: &Path, engine: Engine, c: &Candidate) -> PathBuf {
    out.join(engine.name())
        .join(format!("{}-t{}", c.array(), c.resident_tokens))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Target;

    fn evaluator<'a>(
        engine: Engine,
        target: Target,
        sets: &[&str],
        progress: &'a mut dyn FnMut(&str),
    ) -> ToolEvaluator<'a> {
        let p = Params::preset_with("spikelm-bert-base", sets).expect("configuration");
        let so = SynthOptions::new(target, "unused");
        ToolEvaluator::new(engine, &p.config, so, None, progress).expect("an FPGA target")
    }

    fn at(rows: u32, cols: u32, resident_tokens: u32) -> Candidate {
        Candidate {
            rows,
            cols,
            resident_tokens,
        }
    }

    #[test]
    fn the_cheap_check_names_the_rule_and_the_block_ram_budget() {
        let mut quiet = |_: &str| {};
        let mut ev = evaluator(Engine::Ternary, Target::Ecp5_85k, &[], &mut quiet);
        assert!(ev.check(&at(16, 16, 16)).is_ok());
        // 6 rows are not whole tokens of T = 4 time steps.
        let e = ev.check(&at(6, 16, 0)).expect_err("rule");
        assert!(e.contains("array.rows = 6"), "{e}");
        // 128 resident tokens of base need 6 Mbit, more than the 85k's 3,744 kbit.
        let e = ev.check(&at(16, 16, 128)).expect_err("budget");
        assert!(
            e.contains("array.resident_tokens = 128") && e.contains("3744 kbit"),
            "{e}"
        );
        // The INT8 twin holds one token per row: 6 rows are refused for another reason.
        let mut quiet = |_: &str| {};
        let mut ev = evaluator(Engine::Int8, Target::Ecp5_85k, &[], &mut quiet);
        let e = ev.check(&at(6, 16, 0)).expect_err("rule");
        assert!(
            e.contains("model.seq_len = 128") && e.contains("array.rows = 6"),
            "{e}"
        );
        assert!(ev.check(&at(8, 16, 8)).is_ok());
    }

    #[test]
    fn the_int8_engine_is_the_twin_and_the_part_limits_name_the_resource() {
        let mut quiet = |_: &str| {};
        let ev = evaluator(
            Engine::Int8,
            Target::Ice40Up5k,
            &["array.adder=ecp5_ccu2c"],
            &mut quiet,
        );
        assert_eq!(ev.config.array.pe, crate::config::PeKind::Int8Mac);
        assert_eq!(ev.config.array.adder, crate::config::AdderKind::Plain);
        let fits = Resources {
            lut4_equiv: 5_280,
            ffs: 5_280,
            dsp: 8,
            bram: 30,
            form: "DSP".into(),
        };
        assert_eq!(ev.over_the_part(&fits), None);
        let e = ev
            .over_the_part(&Resources {
                dsp: 9,
                ..fits.clone()
            })
            .expect("over");
        assert_eq!(e, "SB_MAC16 9 > 8 of iCE40UP5K");
        let e = ev
            .over_the_part(&Resources {
                lut4_equiv: 5_281,
                ..fits
            })
            .expect("over");
        assert!(e.starts_with("LUT4-eq 5281 > 5280"), "{e}");
    }

    #[test]
    fn the_gate_estimate_is_not_a_fit_target() {
        let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("configuration");
        let mut quiet = |_: &str| {};
        let e = ToolEvaluator::new(
            Engine::Ternary,
            &p.config,
            SynthOptions::new(Target::Gates, "unused"),
            None,
            &mut quiet,
        )
        .err()
        .expect("refused");
        assert!(e.to_string().contains("--target gates"), "{e}");
    }

    #[test]
    fn a_tool_failure_is_shown_by_its_error_line() {
        let text = "pnr-engine failed (exit 1)\nlast log lines:\n    Info: packing\n    \
                    ERROR: Design uses 90000 LUTs, device has 83640";
        assert_eq!(
            short_reason(&text),
            "ERROR: Design uses 90000 LUTs, device has 83640"
        );
        assert_eq!(short_reason(&"one line\nmore"), "one line");
    }
}
