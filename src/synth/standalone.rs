//! `synth-unit`: one standalone unit (`standalone/` in the generated tree: the non-linear units
//! no engine instantiates yet, and their helpers) synthesized on its own with some of its
//! parameters set, in the forms `synth` gives the engine on ECP5 (block RAM as DP16KD with its
//! output register, products as registered MULT18X18D), then placed and routed out of context.

use super::error::{Result, SynthError};
use super::flow::{fastest_of_seeds, parse_err, place_and_route, read, write};
use super::parse;
use super::report::{CellCounts, PnrResult, SeedFmax};
use super::script::{self, PnrArgs, Sources};
use super::target::{Family, SpeedGrade, Target};
use super::tools::{Runner, Tool};
use crate::config::Params;
use crate::rtl::unit::Applies;
use serde::Serialize;
use std::path::PathBuf;

/// What to run.
#[derive(Debug, Clone)]
pub struct UnitOptions {
    /// An ECP5 target (the only family with out-of-context placement).
    pub target: Target,
    pub speed: SpeedGrade,
    pub seed: u64,
    /// Placements, with seeds `seed`, `seed + 1`, …; the fastest is reported in full.
    pub seeds: u32,
    /// Clock asked of nextpnr, MHz (default: the target's).
    pub clock_mhz: Option<f64>,
    pub out_dir: PathBuf,
    /// `key=value` overrides of the default preset, for the tree the unit is taken from.
    pub sets: Vec<String>,
}

/// The result of one run.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub module: String,
    /// Every parameter of the module with the value synthesized (the default where not set).
    pub params: Vec<(String, i64)>,
    pub target: String,
    pub speed_grade: u8,
    /// The seed of the fastest placement, whose result `pnr` is.
    pub seed: u64,
    /// Fmax of every seed placed (one entry for one placement).
    pub seeds: Vec<SeedFmax>,
    /// Highest clock the block RAM's minimum pulse width allows at that grade.
    pub bram_limit_mhz: Option<f64>,
    pub tools: Vec<Tool>,
    pub cells: CellCounts,
    pub pnr: PnrResult,
    pub out_dir: String,
}

/// The standalone units, by module name.
pub fn standalone_modules() -> Vec<&'static str> {
    crate::rtl::units()
        .into_iter()
        .filter(|u| u.applies == Applies::Standalone)
        .map(|u| u.module)
        .collect()
}

/// The integer parameters a module declares with a literal value (`parameter integer NAME =
/// VALUE`), in order; a parameter derived from others by an expression is not one to set.
pub fn module_parameters(text: &str) -> Vec<(String, i64)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("parameter integer "))
        .filter_map(|rest| {
            let (name, value) = rest.split_once('=')?;
            let value = value
                .split("//")
                .next()?
                .trim()
                .trim_end_matches(',')
                .trim();
            Some((name.trim().to_string(), value.parse().ok()?))
        })
        .collect()
}

/// The module's parameters with `overrides` applied; an unknown name is an error naming the
/// module's parameters.
fn resolve_params(
    module: &str,
    declared: &[(String, i64)],
    overrides: &[(String, i64)],
) -> Result<Vec<(String, i64)>> {
    let mut params = declared.to_vec();
    for (name, value) in overrides {
        let Some(slot) = params.iter_mut().find(|(n, _)| n == name) else {
            let names: Vec<&str> = declared.iter().map(|(n, _)| n.as_str()).collect();
            return Err(SynthError::Unsupported(format!(
                "--param {name}={value}: {module} has no parameter {name} (it has {})",
                names.join(", ")
            )));
        };
        slot.1 = *value;
    }
    Ok(params)
}

/// Synthesize, place and route `module` with `overrides` into `opts.out_dir`.
pub fn synthesize_unit(
    module: &str,
    overrides: &[(String, i64)],
    opts: &UnitOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<UnitReport> {
    let modules = standalone_modules();
    if !modules.contains(&module) {
        return Err(SynthError::Unsupported(format!(
            "--unit {module}: not a standalone unit (the units outside the engine are {}; the \
             engine itself is `synth`'s)",
            modules.join(", ")
        )));
    }
    if opts.target.family() != Family::Ecp5 {
        return Err(SynthError::Unsupported(format!(
            "--target {}: a unit is placed out of context, which nextpnr offers on ECP5 targets \
             only",
            opts.target
        )));
    }
    let out = &opts.out_dir;
    std::fs::create_dir_all(out).map_err(|e| SynthError::io(out, e))?;
    let _lock = crate::atomic::DirLock::acquire(out).map_err(|e| SynthError::io(out, e))?;
    let tools = super::flow::resolve_tools(opts.target)?;

    progress("preparing the sources");
    // The standalone units take their widths from their parameters; the configuration only
    // picks technology forms (the CCU2C adder): the default preset's tree with `sets`.
    let sets: Vec<&str> = opts.sets.iter().map(String::as_str).collect();
    let params = Params::preset_with(crate::config::DEFAULT_PRESET, &sets)
        .map_err(|e| SynthError::Unsupported(e.to_string()))?;
    let rtl = crate::rtl::generate(&params).map_err(|e| SynthError::Unsupported(e.to_string()))?;
    let dir = out.join("design");
    crate::rtl::write_tree(&dir, &rtl, true).map_err(|e| SynthError::Unsupported(e.to_string()))?;
    let text = rtl
        .file(&format!("standalone/{module}.v"))
        .unwrap_or_default();
    let params = resolve_params(module, &module_parameters(text), overrides)?;
    let sources = sources(&rtl.files);

    let mut runner = Runner::new(out)?;
    progress("synthesis (flat)");
    let family = Family::Ecp5;
    write(
        &out.join("unit.ys"),
        &script::flat_script_with_params(
            &sources,
            family,
            (module, &params),
            true,
            Some("unit_netlist.json"),
            "unit_stat.json",
            "unit_stat.txt",
        ),
    )?;
    let synth = runner.run("synth-unit", &tools[0], &["-s".into(), "unit.ys".into()]);
    if let Err(e) = synth {
        // The unit's own parameter check stops elaboration with `$finish`: say its rule.
        let log = match &e {
            SynthError::ToolFailed(f) => std::fs::read_to_string(&f.log).unwrap_or_default(),
            _ => String::new(),
        };
        return Err(match refused_parameters(&log, |path| rtl.file(path)) {
            Some(rule) => {
                let values: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                SynthError::Unsupported(format!(
                    "{module} refuses the parameters {}: {rule}",
                    values.join(", ")
                ))
            }
            None => e,
        });
    }
    let p = out.join("unit_stat.json");
    let cells =
        parse::design_cells(&read(&p)?, family).map_err(parse_err("unit statistics", &p))?;

    let (seed, pnr, (), seeds) = fastest_of_seeds(opts.seed, opts.seeds, |seed| {
        progress(&format!("place and route (out of context), seed {seed}"));
        let report = format!("unit_pnr_report.seed{seed}.json");
        let args = PnrArgs {
            target: opts.target,
            netlist: "unit_netlist.json",
            report: &report,
            clock_mhz: opts
                .clock_mhz
                .unwrap_or_else(|| opts.target.default_clock_mhz()),
            seed,
            speed: opts.speed,
            pins: None,
            config_out: None,
            sdf: None,
        };
        let pnr = place_and_route(
            &mut runner,
            &format!("pnr-unit-seed{seed}"),
            &tools[1],
            &args,
        )?;
        Ok((pnr, ()))
    })?;
    Ok(UnitReport {
        module: module.to_string(),
        params,
        target: opts.target.to_string(),
        speed_grade: opts.speed.0,
        seed,
        seeds,
        bram_limit_mhz: opts.speed.bram_limit_mhz(),
        tools,
        cells,
        pnr,
        out_dir: out.display().to_string(),
    })
}

/// The rule a unit's parameter check states, if that check stopped Yosys: the log names the
/// `$finish` as `design/<path>:<line>: ERROR:System task `$finish' executed`, and the
/// `$display("ERROR: ...")` before that line in `source(<path>)` says why.
fn refused_parameters<'a>(log: &str, source: impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    let at = log
        .lines()
        .find(|l| l.contains("ERROR:System task `$finish' executed"))?;
    let mut parts = at.split(':');
    let path = parts.next()?.trim().strip_prefix("design/")?;
    let line: usize = parts.next()?.trim().parse().ok()?;
    let lines: Vec<&str> = source(path)?.lines().collect();
    lines[..line.min(lines.len())]
        .iter()
        .rev()
        .find_map(|l| l.split("$display(\"ERROR: ").nth(1))
        .map(|m| m.trim_end_matches(['"', ')', ';']).to_string())
}

/// Every Verilog file of the tree, relative to the work directory: the engine's (which the
/// units share: the delay line, the block-RAM wrapper) and the standalone ones. Yosys keeps
/// what the top instantiates.
fn sources(files: &[(String, String)]) -> Sources {
    Sources {
        files: files
            .iter()
            .map(|(path, _)| path)
            .filter(|p| {
                p.ends_with(".v") && (p.starts_with("rtl/") || p.starts_with("standalone/"))
            })
            .map(|p| format!("design/{p}"))
            .collect(),
        include_dirs: vec!["design/rtl".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_from_the_module_header() {
        let text = "module m #(\n    parameter integer ZW = 24,   // width\n    parameter integer N  = 128,\n    parameter integer AB = 7,    // bits\n    parameter integer PW = 1 + $clog2(N)\n) (\n";
        assert_eq!(
            module_parameters(text),
            vec![("ZW".into(), 24), ("N".into(), 128), ("AB".into(), 7)]
        );
    }

    #[test]
    fn an_unknown_parameter_is_refused_naming_the_known_ones() {
        let declared = vec![("N".to_string(), 128), ("AB".to_string(), 7)];
        let err = resolve_params("spikelm_softmax", &declared, &[("M".into(), 3)])
            .expect_err("M is not a parameter");
        let msg = err.to_string();
        assert!(
            msg.contains("no parameter M") && msg.contains("N, AB"),
            "{msg}"
        );
        let ok = resolve_params("spikelm_softmax", &declared, &[("AB".into(), 9)]).expect("AB");
        assert_eq!(ok, vec![("N".into(), 128), ("AB".into(), 9)]);
    }

    #[test]
    fn a_refused_parameter_check_is_read_from_the_log_and_the_source() {
        let src = "module m;\n  initial begin\n    $display(\"ERROR: m: needs N >= 1\");\n    $finish;\n  end\n";
        let log = "30. hierarchy\ndesign/standalone/m.v:4: ERROR:System task `$finish' executed.\n";
        let source = |p: &str| (p == "standalone/m.v").then_some(src);
        assert_eq!(
            refused_parameters(log, source).as_deref(),
            Some("m: needs N >= 1")
        );
        assert_eq!(refused_parameters("ERROR: syntax error", source), None);
    }

    #[test]
    fn the_standalone_units_are_listed() {
        let m = standalone_modules();
        for u in ["spikelm_softmax", "spikelm_layernorm", "spikelm_gelu"] {
            assert!(m.contains(&u), "{m:?}");
        }
        assert!(!m.contains(&"spikelm_engine"));
    }
}
