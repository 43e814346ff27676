//! The `synth` flow: import or generate the RTL, wrap it, synthesize (per unit and flat), place
//! and route, parse and report. Every file lives in the output directory.

use super::design::{self, Design};
use super::energy;
use super::error::{Result, SynthError};
use super::parse;
use super::report::{ConfigSummary, Implementation, Metrics, PnrResult, SeedFmax, SynthReport};
use super::script::{self, PnrArgs};
use super::sta::{self, Hierarchy, PathTable};
use super::target::{Family, SpeedGrade, Target};
use super::tools::{self, Runner, Tool, ToolKind};
use super::wrapper::{self, IO_TOP, OOC_TOP};
use crate::config::{AdderKind, Params};
use std::path::{Path, PathBuf};

/// What to run.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub target: Target,
    /// Clock asked of nextpnr, MHz (default: the target's goal).
    pub clock_mhz: Option<f64>,
    pub seed: u64,
    /// Placements of the engine out of context (ECP5), with seeds `seed`, `seed + 1`, …; the
    /// fastest is kept and every seed's Fmax is reported (placement alone moves Fmax by ±10 %).
    pub seeds: u32,
    /// ECP5 speed grade for nextpnr (ignored by the other families).
    pub speed: SpeedGrade,
    pub out_dir: PathBuf,
    /// Let synthesis use hard multipliers (ECP5 default on; iCE40 `-dsp`).
    pub dsp: bool,
    /// Use this generated design directory (files.f, manifest.json) instead of generating.
    pub rtl_dir: Option<PathBuf>,
    /// Also place the narrow I/O top on the real package (FPGA targets).
    pub io_top: bool,
    /// Also run the hierarchical synthesis for resources by unit.
    pub units: bool,
    /// Place and route (FPGA targets); `false` stops after synthesis.
    pub place_and_route: bool,
}

impl SynthOptions {
    pub fn new(target: Target, out_dir: impl Into<PathBuf>) -> Self {
        SynthOptions {
            target,
            clock_mhz: None,
            seed: 1,
            seeds: 1,
            speed: SpeedGrade::DEFAULT,
            out_dir: out_dir.into(),
            dsp: true,
            rtl_dir: None,
            io_top: true,
            units: true,
            place_and_route: true,
        }
    }
}

/// Whole or not at all: a reader never sees half of an intermediate file.
pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    crate::atomic::write(path, text).map_err(|e| SynthError::io(path, e))
}

pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| SynthError::io(path, e))
}

pub(crate) fn parse_err(what: &str, path: &Path) -> impl FnOnce(String) -> SynthError {
    let what = what.to_string();
    let path = path.to_path_buf();
    move |message| SynthError::Parse {
        what,
        path,
        message,
    }
}

/// Run nextpnr as step `step` with `args` and parse the report it wrote into the run directory.
pub(crate) fn place_and_route(
    runner: &mut Runner,
    step: &str,
    nextpnr: &Tool,
    args: &PnrArgs,
) -> Result<PnrResult> {
    runner.run(step, nextpnr, &args.to_args())?;
    let p = runner.dir.join(args.report);
    parse::nextpnr_report(&read(&p)?, args.target.family()).map_err(parse_err("nextpnr report", &p))
}

/// Put the design into `out/design/`: copy `--rtl DIR`, or generate it from the parameters.
pub fn obtain_design(params: &Params, rtl_dir: Option<&Path>, out: &Path) -> Result<Design> {
    let design = match rtl_dir {
        Some(dir) => design::import(dir, out, "design")?,
        None => super::generate::generate_into(params, out, "design")?,
    };
    match &design.config_hash {
        Some(h) if *h != params.derived.config_hash => Err(SynthError::Unsupported(format!(
            "the RTL in {} was generated for configuration hash {h}, but the configuration \
             given here has hash {}: pass the same --preset/--config/--set as to `generate`",
            rtl_dir.map(|d| d.display().to_string()).unwrap_or_default(),
            params.derived.config_hash
        ))),
        _ => Ok(design),
    }
}

/// The tools a target needs, resolved (a missing one is an error naming the install command).
pub fn resolve_tools(target: Target) -> Result<Vec<Tool>> {
    let mut v = vec![tools::find(ToolKind::Yosys)?];
    match target.family() {
        Family::Ecp5 => v.push(tools::find(ToolKind::NextpnrEcp5)?),
        Family::Ice40 => v.push(tools::find(ToolKind::NextpnrIce40)?),
        Family::Gates => {}
    }
    Ok(v)
}

/// Refuse an engine whose buffers cannot fit the target's block RAM even when packed perfectly
/// (a lower bound on what it needs: the placer would fail later, after minutes).
pub fn check_block_ram_budget(params: &Params, target: Target) -> Result<()> {
    let Some(dev) = target.device() else {
        return Ok(());
    };
    let need = crate::estimate::on_chip_buffer_bits(params);
    let have = u64::from(dev.bram_blocks) * u64::from(dev.bram_kbits_each) * 1024;
    if need > have {
        return Err(SynthError::Unsupported(format!(
            "array.resident_tokens = {}: the engine's buffers need {} kbit on chip (spike buffers \
             of {} row blocks per bank, weight buffer, bias and scale memories), more than the \
             {} kbit of block RAM of {} ({} blocks of {} kbit); hold fewer tokens",
            params.array().resident_tokens,
            need.div_ceil(1024),
            params.derived.blocks_per_bank,
            have / 1024,
            target,
            dev.bram_blocks,
            dev.bram_kbits_each
        )));
    }
    Ok(())
}

/// Run the whole flow. `progress` is told the current step.
pub fn synthesize(
    params: &Params,
    opts: &SynthOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<SynthReport> {
    let out = &opts.out_dir;
    let family = opts.target.family();
    if params.array().adder == AdderKind::Ecp5Ccu2c && family != Family::Ecp5 {
        return Err(SynthError::Unsupported(format!(
            "array.adder = ecp5_ccu2c: the CCU2C carry cells exist only on ECP5 targets, not on \
             {} (use array.adder = plain)",
            opts.target
        )));
    }
    check_block_ram_budget(params, opts.target)?;
    std::fs::create_dir_all(out).map_err(|e| SynthError::io(out, e))?;
    // Two runs in one directory would read each other's half-written netlists.
    let _lock = crate::atomic::DirLock::acquire(out).map_err(|e| SynthError::io(out, e))?;
    let tools = resolve_tools(opts.target)?;
    let yosys = &tools[0];
    progress("preparing the design");
    let design = obtain_design(params, opts.rtl_dir.as_deref(), out)?;
    let wdir = out.join("wrappers");
    std::fs::create_dir_all(&wdir).map_err(|e| SynthError::io(&wdir, e))?;
    write(
        &wdir.join(format!("{OOC_TOP}.v")),
        &wrapper::ooc_wrapper(&design.top, &design.ports)?,
    )?;
    let files = design.sources_with(&[format!("wrappers/{OOC_TOP}.v")]);
    let io_wanted = opts.io_top && opts.place_and_route && family != Family::Gates;
    if io_wanted {
        write(
            &wdir.join(format!("{IO_TOP}.v")),
            &wrapper::io_wrapper(&design.top, &design.ports, wrapper::io_stages(family))?,
        )?;
    }
    let mut runner = Runner::new(out)?;
    let clock = opts
        .clock_mhz
        .unwrap_or_else(|| opts.target.default_clock_mhz());

    let mut units = Vec::new();
    if opts.units {
        progress("synthesis by unit (hierarchical)");
        write(
            &out.join("units.ys"),
            &script::units_script(&files, family, OOC_TOP, opts.dsp, "units_stat.json"),
        )?;
        runner.run("synth-units", yosys, &["-s".into(), "units.ys".into()])?;
        let p = out.join("units_stat.json");
        units =
            parse::units(&read(&p)?, OOC_TOP, family).map_err(parse_err("unit statistics", &p))?;
    }

    progress("synthesis of the engine (flat)");
    let fpga = family != Family::Gates;
    write(
        &out.join("engine.ys"),
        &script::flat_script(
            &files,
            family,
            OOC_TOP,
            opts.dsp,
            fpga.then_some("engine_netlist.json"),
            "engine_stat.json",
            "engine_stat.txt",
        ),
    )?;
    runner.run("synth-engine", yosys, &["-s".into(), "engine.ys".into()])?;
    let p = out.join("engine_stat.json");
    let stat_text = read(&p)?;
    let engine =
        parse::design_cells(&stat_text, family).map_err(parse_err("engine statistics", &p))?;
    let gates = if fpga {
        None
    } else {
        Some(parse::gates(&stat_text).map_err(parse_err("gate statistics", &p))?)
    };

    let mut implementations = Vec::new();
    let mut kept_seed = opts.seed;
    if family == Family::Ecp5 && opts.place_and_route {
        let (pnr, sdf, seed, seeds) = place_engine_seeds(&mut runner, &tools[1], opts, progress)?;
        kept_seed = seed;
        progress("worst paths per unit (engine)");
        let paths = worst_paths(out, &sdf, &files, OOC_TOP, &design.top)?;
        implementations.push(Implementation {
            what: "engine, out of context".into(),
            top: OOC_TOP.into(),
            cells: engine.clone(),
            pnr: Some(pnr),
            paths: Some(paths),
            seeds,
        });
    }
    if io_wanted {
        progress("synthesis of the narrow I/O top");
        let io_sources = design.sources_with(&[format!("wrappers/{IO_TOP}.v")]);
        write(
            &out.join("io.ys"),
            &script::flat_script(
                &io_sources,
                family,
                IO_TOP,
                opts.dsp,
                Some("io_netlist.json"),
                "io_stat.json",
                "io_stat.txt",
            ),
        )?;
        runner.run("synth-io", yosys, &["-s".into(), "io.ys".into()])?;
        let p = out.join("io_stat.json");
        let io_cells =
            parse::design_cells(&read(&p)?, family).map_err(parse_err("I/O top statistics", &p))?;
        let (pin_file, pin_text) =
            wrapper::pin_constraints(opts.target, clock).ok_or_else(|| {
                SynthError::Unsupported(format!("no pin constraints for {}", opts.target))
            })?;
        write(&out.join(pin_file), &pin_text)?;
        progress("place and route of the narrow I/O top on the package");
        let config_out = if family == Family::Ecp5 {
            "io.config"
        } else {
            "io.asc"
        };
        let args = PnrArgs {
            target: opts.target,
            netlist: "io_netlist.json",
            report: "io_pnr_report.json",
            clock_mhz: clock,
            seed: opts.seed,
            speed: opts.speed,
            pins: Some(pin_file),
            config_out: Some(config_out),
            sdf: Some("io.sdf"),
        };
        let pnr = place_and_route(&mut runner, "pnr-io", &tools[1], &args)?;
        progress("worst paths per unit (I/O top)");
        let paths = worst_paths(out, "io.sdf", &io_sources, IO_TOP, &design.top)?;
        implementations.push(Implementation {
            what: "narrow I/O top on the package".into(),
            top: IO_TOP.into(),
            cells: io_cells,
            pnr: Some(pnr),
            paths: Some(paths),
            seeds: Vec::new(),
        });
    }

    let fmax = implementations
        .first()
        .and_then(|i| i.pnr.as_ref())
        .and_then(|p| p.fmax_mhz);
    let metrics = Metrics::compute(params.derived.pes, &engine, &units, fmax);
    let energy = energy::figures(params.array().pe, metrics.peak_synaptic_ops_per_s);
    let report = SynthReport {
        target: opts.target.to_string(),
        device: opts.target.device(),
        config: summary(params),
        requested_clock_mhz: fpga.then_some(clock),
        seed: kept_seed,
        speed_grade: (family == Family::Ecp5).then_some(opts.speed.0),
        bram_limit_mhz: if family == Family::Ecp5 {
            opts.speed.bram_limit_mhz()
        } else {
            None
        },
        dsp: opts.dsp,
        tools,
        engine,
        implementations,
        units,
        gates,
        metrics,
        energy,
        io_serial_bits: io_wanted.then(|| wrapper::serial_bits(&design.ports)),
        out_dir: out.display().to_string(),
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| SynthError::Parse {
        what: "report".into(),
        path: out.join("report.json"),
        message: e.to_string(),
    })?;
    write(&out.join("report.json"), &json)?;
    write(&out.join("report.md"), &report.render(true))?;
    Ok(report)
}

/// Place and route the flat engine netlist (`engine_netlist.json`, written by the engine's
/// synthesis into the runner's directory) out of context on an ECP5 target, at the asked clock
/// (default: the target's); routed delays go to `engine.sdf`.
pub fn place_engine(runner: &mut Runner, nextpnr: &Tool, opts: &SynthOptions) -> Result<PnrResult> {
    place_engine_as(runner, nextpnr, opts, opts.seed, "")
}

/// One placement of the engine with `seed`; its step, report and SDF names end in `suffix`.
fn place_engine_as(
    runner: &mut Runner,
    nextpnr: &Tool,
    opts: &SynthOptions,
    seed: u64,
    suffix: &str,
) -> Result<PnrResult> {
    let report = format!("engine_pnr_report{suffix}.json");
    let sdf = format!("engine{suffix}.sdf");
    let args = PnrArgs {
        target: opts.target,
        netlist: "engine_netlist.json",
        report: &report,
        clock_mhz: opts
            .clock_mhz
            .unwrap_or_else(|| opts.target.default_clock_mhz()),
        seed,
        speed: opts.speed,
        pins: None,
        config_out: None,
        sdf: Some(&sdf),
    };
    place_and_route(runner, &format!("pnr-engine{suffix}"), nextpnr, &args)
}

/// The engine placed with each of `opts.seeds` seeds from `opts.seed` on: the fastest placement
/// (the lowest seed among equals), its SDF's file name and seed, and every seed's Fmax in seed
/// order (empty for one seed).
/// One seed keeps the plain file names (`engine_pnr_report.json`, `engine.sdf`); more append
/// `.seedN`.
fn place_engine_seeds(
    runner: &mut Runner,
    nextpnr: &Tool,
    opts: &SynthOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<(PnrResult, String, u64, Vec<SeedFmax>)> {
    let count = opts.seeds.max(1);
    let (seed, pnr, sdf, seeds) = fastest_of_seeds(opts.seed, count, |seed| {
        let suffix = if count == 1 {
            String::new()
        } else {
            format!(".seed{seed}")
        };
        progress(&if count == 1 {
            "place and route of the engine (out of context)".to_string()
        } else {
            format!("place and route of the engine (out of context), seed {seed}")
        });
        let pnr = place_engine_as(runner, nextpnr, opts, seed, &suffix)?;
        Ok((pnr, format!("engine{suffix}.sdf")))
    })?;
    Ok((pnr, sdf, seed, if count == 1 { Vec::new() } else { seeds }))
}

/// `place` run with each of `count` seeds from `first` on (at least one): the fastest
/// placement's seed, result and extra value (the lowest seed among equals), and every seed's
/// Fmax in seed order.
pub(crate) fn fastest_of_seeds<T>(
    first: u64,
    count: u32,
    mut place: impl FnMut(u64) -> Result<(PnrResult, T)>,
) -> Result<(u64, PnrResult, T, Vec<SeedFmax>)> {
    let mut best: Option<(u64, PnrResult, T)> = None;
    let mut seeds = Vec::new();
    for seed in first..first + u64::from(count.max(1)) {
        let (pnr, extra) = place(seed)?;
        seeds.push(SeedFmax {
            seed,
            fmax_mhz: pnr.fmax_mhz,
        });
        let fmax = |r: &PnrResult| r.fmax_mhz.unwrap_or(0.0);
        if best.as_ref().is_none_or(|(_, b, _)| fmax(&pnr) > fmax(b)) {
            best = Some((seed, pnr, extra));
        }
    }
    let (seed, pnr, extra) =
        best.ok_or_else(|| SynthError::Unsupported("no placement seed".into()))?;
    Ok((seed, pnr, extra, seeds))
}

/// The worst path per unit of a routed netlist: its SDF (`sdf`, in `out`) analysed, cells
/// assigned to the units the Verilog `sources` instantiate under `design_top`.
fn worst_paths(
    out: &Path,
    sdf: &str,
    sources: &script::Sources,
    root: &str,
    design_top: &str,
) -> Result<PathTable> {
    let texts = sources
        .files
        .iter()
        .map(|f| read(&out.join(f)))
        .collect::<Result<Vec<_>>>()?;
    let hierarchy = Hierarchy::from_sources(texts.iter().map(String::as_str));
    let p = out.join(sdf);
    sta::worst_per_unit(&read(&p)?, |cell| hierarchy.unit_of(cell, root, design_top))
        .map_err(parse_err("routed delays (SDF)", &p))
}

/// The configuration fields a report shows.
pub fn summary(params: &Params) -> ConfigSummary {
    ConfigSummary {
        preset: params.config.preset.clone(),
        config_hash: params.derived.config_hash.clone(),
        rows: params.array().rows,
        cols: params.array().cols,
        pe: params.array().pe.to_string(),
        alpha_mode: params.format().alpha_mode.to_string(),
        acc_bits: params.derived.acc_bits,
        pes: params.derived.pes,
    }
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn resident_tokens_beyond_the_block_ram_are_refused_naming_the_field() {
        let fits = Params::preset_with("spikelm-bert-base", &["array.resident_tokens=16"])
            .expect("configuration");
        assert!(check_block_ram_budget(&fits, Target::Ecp5_85k).is_ok());
        // 128 tokens of base: 2 banks x 16 rows x 32 blocks x 3072 x 2 bits = 6 Mbit > 3.7.
        let too_many = Params::preset_with("spikelm-bert-base", &["array.resident_tokens=128"])
            .expect("configuration");
        let e = check_block_ram_budget(&too_many, Target::Ecp5_85k)
            .expect_err("over the budget")
            .to_string();
        assert!(
            e.contains("array.resident_tokens = 128") && e.contains("3744 kbit"),
            "{e}"
        );
        assert!(check_block_ram_budget(&too_many, Target::Gates).is_ok());
    }
}
