//! Ternary engine against the INT8 multiply-accumulate baseline, synthesized the same way, and
//! the PE-area benchmark (bare accumulator, ternary PE, INT8 PE side by side).

use super::error::{Result, SynthError};
use super::flow::{self, SynthOptions};
use super::parse;
use super::report::{array_unit, pe_unit, si, CellCounts, SynthReport, Table};
use super::script;
use super::target::{Family, Target};
use super::tools::Runner;
use super::wrapper::OOC_TOP;
use crate::config::{Dataflow, Params, PeKind};
use serde::Serialize;
use std::path::Path;

/// One column of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub label: String,
    pub pe: String,
    pub dsp_allowed: bool,
    pub pes: u32,
    pub lut4_equiv: u64,
    pub ffs: u64,
    pub bram: u64,
    pub dsp_used: u64,
    pub lut4_equiv_per_pe: f64,
    pub pe_unit_lut4_equiv: Option<f64>,
    pub nand2_equiv_per_pe: Option<f64>,
    pub fmax_mhz: Option<f64>,
    pub peak_ops_per_s: Option<f64>,
    pub ops_per_s_per_lut4_equiv: Option<f64>,
    pub pj_per_op_fp32_convention: f64,
    pub pj_per_op_int8_convention: f64,
    pub out_dir: String,
}

impl CompareRow {
    pub fn from_report(label: &str, r: &SynthReport) -> Self {
        let m = &r.metrics;
        CompareRow {
            label: label.to_string(),
            pe: r.config.pe.clone(),
            dsp_allowed: r.dsp,
            pes: m.pes,
            lut4_equiv: r.engine.lut4_equiv,
            ffs: r.engine.ffs,
            bram: r.engine.bram,
            dsp_used: r.engine.dsp,
            lut4_equiv_per_pe: m.engine_lut4_equiv_per_pe,
            pe_unit_lut4_equiv: m.pe_unit_lut4_equiv,
            nand2_equiv_per_pe: r
                .gates
                .as_ref()
                .map(|g| g.nand2_equiv / m.pes.max(1) as f64),
            fmax_mhz: m.fmax_mhz,
            peak_ops_per_s: m.peak_synaptic_ops_per_s,
            ops_per_s_per_lut4_equiv: m.ops_per_s_per_lut4_equiv,
            pj_per_op_fp32_convention: r.energy.first().map(|e| e.pj_per_op).unwrap_or(0.0),
            pj_per_op_int8_convention: r.energy.get(1).map(|e| e.pj_per_op).unwrap_or(0.0),
            out_dir: r.out_dir.clone(),
        }
    }
}

/// The comparison: one row per synthesized variant.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub target: String,
    pub rows: Vec<CompareRow>,
}

/// The INT8 baseline of a configuration: the same one with `array.pe = int8_mac`.
pub fn int8_params(params: &Params) -> Result<Params> {
    Params::new(params.config.int8_twin())
        .map_err(|e| SynthError::Unsupported(format!("INT8 baseline: {e}")))
}

/// The variants a comparison synthesizes: (label, PE kind, DSPs allowed).
pub fn variants(target: Target) -> Vec<(&'static str, PeKind, bool)> {
    match target.family() {
        Family::Gates => vec![
            ("ternary", PeKind::Ternary, false),
            ("int8", PeKind::Int8Mac, false),
        ],
        _ => vec![
            ("ternary", PeKind::Ternary, true),
            ("int8 dsp", PeKind::Int8Mac, true),
            ("int8 no-dsp", PeKind::Int8Mac, false),
        ],
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

impl Comparison {
    pub fn render(&self, markdown: bool) -> String {
        let mut t = Table::new(markdown);
        let mut header = vec!["".to_string()];
        header.extend(self.rows.iter().map(|r| r.label.clone()));
        t.header(&header.iter().map(String::as_str).collect::<Vec<_>>());
        let mut line = |name: &str, f: &dyn Fn(&CompareRow) -> String| {
            let mut cells = vec![name.to_string()];
            cells.extend(self.rows.iter().map(f));
            t.row(&cells.iter().map(String::as_str).collect::<Vec<_>>());
        };
        line("PEs", &|r| r.pes.to_string());
        line("LUT4-eq (engine)", &|r| r.lut4_equiv.to_string());
        line("LUT4-eq per PE (engine / PEs)", &|r| {
            format!("{:.1}", r.lut4_equiv_per_pe)
        });
        line("LUT4-eq of one PE unit", &|r| {
            opt(r.pe_unit_lut4_equiv, |v| format!("{v:.0}"))
        });
        line("flip-flops", &|r| r.ffs.to_string());
        line("block RAMs", &|r| r.bram.to_string());
        line("DSPs used", &|r| r.dsp_used.to_string());
        line("NAND2-eq per PE", &|r| {
            opt(r.nand2_equiv_per_pe, |v| format!("{v:.0}"))
        });
        line("Fmax (MHz)", &|r| opt(r.fmax_mhz, |v| format!("{v:.1}")));
        line("peak ops/s", &|r| opt(r.peak_ops_per_s, si));
        line("ops/s per LUT4-eq", &|r| {
            opt(r.ops_per_s_per_lut4_equiv, si)
        });
        line("pJ/op, FP32 convention", &|r| {
            format!("{}", r.pj_per_op_fp32_convention)
        });
        line("pJ/op, 8-bit convention", &|r| {
            format!("{}", r.pj_per_op_int8_convention)
        });
        format!(
            "ternary vs INT8 on {} (an op is one synaptic accumulate for ternary, one \
             multiply-accumulate for INT8)\n{}",
            self.target,
            t.finish()
        )
    }
}

/// Synthesize the ternary configuration `params` and the INT8 twin of `int8_from` (usually
/// `params` itself; another array when each engine gets the array that fits it best) the same way.
pub fn compare(
    params: &Params,
    int8_from: &Params,
    base: &SynthOptions,
    rtl_dirs: (Option<&Path>, Option<&Path>),
    progress: &mut dyn FnMut(&str),
) -> Result<Comparison> {
    let mut rows = Vec::new();
    for (label, pe, dsp) in variants(base.target) {
        let p = match pe {
            PeKind::Ternary => {
                let mut c = params.config.clone();
                c.array.pe = PeKind::Ternary;
                Params::new(c).map_err(|e| SynthError::Unsupported(e.to_string()))?
            }
            PeKind::Int8Mac => int8_params(int8_from)?,
        };
        let opts = SynthOptions {
            dsp,
            rtl_dir: match pe {
                PeKind::Ternary => rtl_dirs.0.map(Path::to_path_buf),
                PeKind::Int8Mac => rtl_dirs.1.map(Path::to_path_buf),
            },
            out_dir: base.out_dir.join(label.replace(' ', "_")),
            ..base.clone()
        };
        let report =
            flow::synthesize(&p, &opts, &mut |step| progress(&format!("{label}: {step}")))?;
        rows.push(CompareRow::from_report(label, &report));
    }
    Ok(Comparison {
        target: base.target.to_string(),
        rows,
    })
}

/// One entry of the PE-area benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct PeArea {
    pub what: String,
    pub unit: String,
    pub cells: CellCounts,
    /// PEs these cells hold: 1 for a PE unit, the whole array's where the PEs are not one
    /// unit (the weight-stationary array's PEs widen down a column, one module per width).
    pub pes: u64,
}

impl PeArea {
    /// LUT4-equivalents per PE.
    pub fn lut4_equiv_per_pe(&self) -> f64 {
        self.cells.lut4_equiv as f64 / self.pes.max(1) as f64
    }
}

/// Goal: ternary PE ≤ this × a bare accumulator of the same width (issue "Engine v2, part 1").
pub const PE_OVER_BARE_GOAL: f64 = 1.15;
/// Goal: ternary PE ≤ this × the INT8 LUT-multiplier PE (issue "Engine v2, part 1").
pub const PE_OVER_INT8_GOAL: f64 = 0.12;
/// Goal: the 16 × 16 engine's Fmax on ecp5-85k at speed grade 6, out of context, MHz (same issue).
pub const FMAX_ECP5_GOAL_MHZ: f64 = 200.0;
/// Goal: the UP5K fit's Fmax on ice40-up5k, MHz (same issue).
pub const FMAX_UP5K_GOAL_MHZ: f64 = 50.0;

/// PE areas side by side, with the goal ratios.
#[derive(Debug, Clone, Serialize)]
pub struct PeAreaReport {
    pub family: Family,
    pub acc_bits: u32,
    pub weight_bits: u32,
    pub entries: Vec<PeArea>,
    /// Ternary PE / bare accumulator (goal [`PE_OVER_BARE_GOAL`]).
    pub ternary_over_bare: Option<f64>,
    /// Ternary PE / INT8 LUT-multiplier PE (goal [`PE_OVER_INT8_GOAL`]).
    pub ternary_over_int8: Option<f64>,
}

/// Verilog of a bare accumulator: `acc <= acc + sign_extend(w)`, the reference area.
pub fn bare_accumulator(acc_bits: u32, weight_bits: u32) -> String {
    format!(
        "`default_nettype none\n\
         // Bare accumulator (reference area for the PE benchmark): acc <= acc + w.\n\
         module bare_accumulator (\n    input  wire clk,\n    input  wire signed [{w1}:0] w,\n    \
         output reg  signed [{a1}:0] acc\n);\n    always @(posedge clk) acc <= acc + \
         {{{{{ext}{{w[{w1}]}}}}, w}};\nendmodule\n`default_nettype wire\n",
        w1 = weight_bits - 1,
        a1 = acc_bits - 1,
        ext = acc_bits - weight_bits,
    )
}

/// Synthesize (no place and route) the bare accumulator and the engines' PE units on an FPGA
/// family, and compute the goal ratios.
pub fn pe_area(
    params: &Params,
    target: Target,
    out: &Path,
    rtl_dirs: (Option<&Path>, Option<&Path>),
    progress: &mut dyn FnMut(&str),
) -> Result<PeAreaReport> {
    let family = target.family();
    if family == Family::Gates {
        return Err(SynthError::Unsupported(
            "the PE-area benchmark counts LUT4-equivalents: use an FPGA target".into(),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| SynthError::io(out, e))?;
    let tools = flow::resolve_tools(target)?;
    let yosys = &tools[0];
    let acc_bits = params.derived.acc_bits;
    let wb = params.format().weight_bits;
    let mut runner = Runner::new(out)?;
    progress("bare accumulator");
    let bare_file = "bare_accumulator.v";
    std::fs::write(out.join(bare_file), bare_accumulator(acc_bits, wb))
        .map_err(|e| SynthError::io(out.join(bare_file), e))?;
    std::fs::write(
        out.join("bare.ys"),
        script::flat_script(
            &script::Sources {
                files: vec![bare_file.to_string()],
                include_dirs: Vec::new(),
            },
            family,
            "bare_accumulator",
            false,
            None,
            "bare_stat.json",
            "bare_stat.txt",
        ),
    )
    .map_err(|e| SynthError::io(out.join("bare.ys"), e))?;
    runner.run("synth-bare", yosys, &["-s".into(), "bare.ys".into()])?;
    let stat = std::fs::read_to_string(out.join("bare_stat.json"))
        .map_err(|e| SynthError::io(out.join("bare_stat.json"), e))?;
    let bare = parse::design_cells(&stat, family).map_err(|message| SynthError::Parse {
        what: "bare accumulator statistics".into(),
        path: out.join("bare_stat.json"),
        message,
    })?;
    let mut entries = vec![PeArea {
        what: format!("bare {acc_bits}-bit accumulator"),
        unit: "bare_accumulator".into(),
        cells: bare,
        pes: 1,
    }];
    for (label, p, dir, dsp) in [
        ("ternary PE", params.clone(), rtl_dirs.0, true),
        (
            "INT8 PE, LUT multiplier",
            int8_params(params)?,
            rtl_dirs.1,
            false,
        ),
    ] {
        progress(label);
        let sub = out.join(label.split(',').next().unwrap_or(label).replace(' ', "_"));
        std::fs::create_dir_all(&sub).map_err(|e| SynthError::io(&sub, e))?;
        let design = flow::obtain_design(&p, dir, &sub)?;
        std::fs::create_dir_all(sub.join("wrappers")).map_err(|e| SynthError::io(&sub, e))?;
        let shell = super::wrapper::ooc_wrapper(&design.top, &design.ports)?;
        std::fs::write(sub.join(format!("wrappers/{OOC_TOP}.v")), shell)
            .map_err(|e| SynthError::io(&sub, e))?;
        let files = design.sources_with(&[format!("wrappers/{OOC_TOP}.v")]);
        std::fs::write(
            sub.join("units.ys"),
            script::units_script(&files, family, OOC_TOP, dsp, "units_stat.json"),
        )
        .map_err(|e| SynthError::io(&sub, e))?;
        let mut r = Runner::new(&sub)?;
        r.run("synth-units", yosys, &["-s".into(), "units.ys".into()])?;
        let text = std::fs::read_to_string(sub.join("units_stat.json"))
            .map_err(|e| SynthError::io(sub.join("units_stat.json"), e))?;
        let units = parse::units(&text, OOC_TOP, family).map_err(|message| SynthError::Parse {
            what: "unit statistics".into(),
            path: sub.join("units_stat.json"),
            message,
        })?;
        // The PE unit, one instance per PE; the weight-stationary engine's PEs are one module
        // per partial-sum width, so there the array, its cells divided by its PEs.
        let pes = p.derived.pes as u64;
        let ws = p.array().dataflow == Dataflow::WeightStationary;
        let (pe, per) = if ws {
            (array_unit(&units), pes)
        } else {
            (pe_unit(&units, pes), 1)
        };
        let pe = pe.ok_or_else(|| {
            SynthError::Unsupported(format!(
                "{label}: no {} unit in {}",
                if ws { "array" } else { "PE" },
                sub.display()
            ))
        })?;
        entries.push(PeArea {
            what: label.to_string(),
            unit: pe.unit.clone(),
            cells: pe.per_instance.clone(),
            pes: per,
        });
    }
    let eq = |i: usize| entries.get(i).map(PeArea::lut4_equiv_per_pe);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    Ok(PeAreaReport {
        family,
        acc_bits,
        weight_bits: wb,
        ternary_over_bare: ratio(eq(1), eq(0)),
        ternary_over_int8: ratio(eq(1), eq(2)),
        entries,
    })
}

impl PeAreaReport {
    pub fn render(&self, markdown: bool) -> String {
        let mut t = Table::new(markdown);
        t.header(&[
            "element",
            "unit",
            "PEs",
            "LUT4",
            "carry",
            "LUT4-eq",
            "FFs",
            "DSPs",
            "LUT4-eq / PE",
        ]);
        for e in &self.entries {
            t.row(&[
                &e.what,
                &e.unit,
                &e.pes.to_string(),
                &e.cells.lut4.to_string(),
                &e.cells.carry.to_string(),
                &e.cells.lut4_equiv.to_string(),
                &e.cells.ffs.to_string(),
                &e.cells.dsp.to_string(),
                &format!("{:.1}", e.lut4_equiv_per_pe()),
            ]);
        }
        let verdict = |v: Option<f64>, goal: f64| match v {
            Some(v) if v <= goal => format!("{v:.3} (goal <= {goal}: met)"),
            Some(v) => format!("{v:.3} (goal <= {goal}: MISSED)"),
            None => "-".into(),
        };
        format!(
            "PE area ({:?}, {}-bit accumulator, {}-bit weights; LUT4-eq = LUT4 + 2 x carry cell)\n{}\
             ternary PE / bare accumulator: {}\nternary PE / INT8 PE:          {}\n",
            self.family,
            self.acc_bits,
            self.weight_bits,
            t.finish(),
            verdict(self.ternary_over_bare, PE_OVER_BARE_GOAL),
            verdict(self.ternary_over_int8, PE_OVER_INT8_GOAL),
        )
    }
}
