//! The synthesis report: parsed cell counts, place-and-route results, per-unit statistics,
//! throughput and energy figures, rendered as a terminal table, JSON and Markdown.

use super::energy::EnergyFigure;
use super::sta::PathTable;
use super::target::{Device, Family};
use super::tools::Tool;
use serde::Serialize;
use std::collections::BTreeMap;

/// Cells of a synthesized netlist, grouped by what they cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CellCounts {
    pub lut4: u64,
    /// Carry cells: ECP5 CCU2C (two LUT4s and a 2-bit carry each), iCE40 SB_CARRY.
    pub carry: u64,
    /// ECP5: LUT4 + 2 × CCU2C (DESIGN.md section 4). iCE40: SB_LUT4 (a carry shares its logic
    /// cell with a LUT). Gates: 0.
    pub lut4_equiv: u64,
    pub ffs: u64,
    pub bram: u64,
    pub dsp: u64,
    /// Distributed (LUT) RAM cells, ECP5 TRELLIS_DPR16X4.
    pub lutram: u64,
    pub by_type: BTreeMap<String, u64>,
}

impl CellCounts {
    pub fn classify(cells: &BTreeMap<String, u64>, family: Family) -> Self {
        let mut c = CellCounts {
            by_type: cells.clone(),
            ..Default::default()
        };
        for (ty, &n) in cells {
            match ty.as_str() {
                "LUT4" | "SB_LUT4" => c.lut4 += n,
                "CCU2C" | "SB_CARRY" => c.carry += n,
                "TRELLIS_FF" | "$_DFF_P_" => c.ffs += n,
                t if t.starts_with("SB_DFF") => c.ffs += n,
                "DP16KD" | "PDPW16KD" | "SB_RAM40_4K" | "SB_SPRAM256KA" => c.bram += n,
                "MULT18X18D" | "SB_MAC16" => c.dsp += n,
                "TRELLIS_DPR16X4" => c.lutram += n,
                _ => {}
            }
        }
        c.lut4_equiv = match family {
            Family::Ecp5 => c.lut4 + 2 * c.carry,
            Family::Ice40 => c.lut4,
            Family::Gates => 0,
        };
        c
    }
}

/// One unit (Verilog module) of the hierarchical synthesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStat {
    /// Source module name.
    pub unit: String,
    /// Yosys module id (parameterised modules get a hash).
    pub module: String,
    /// Instances in the whole design.
    pub instances: u64,
    /// Cells of one instance, excluding submodules.
    pub local: CellCounts,
    /// Cells of one instance, including submodules.
    pub per_instance: CellCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utilisation {
    pub resource: String,
    pub used: u64,
    pub available: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalPath {
    /// Start point, `cell.port`.
    pub from: String,
    /// End point, `cell.port`.
    pub to: String,
    pub delay_ns: f64,
    pub logic_ns: f64,
    pub routing_ns: f64,
    pub segments: usize,
}

/// What nextpnr reported after routing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PnrResult {
    pub clock: Option<String>,
    pub fmax_mhz: Option<f64>,
    pub requested_mhz: Option<f64>,
    pub utilisation: Vec<Utilisation>,
    pub critical_path: Option<CriticalPath>,
}

impl PnrResult {
    pub fn used(&self, resource: &str) -> Option<&Utilisation> {
        self.utilisation.iter().find(|u| u.resource == resource)
    }
}

/// Gate-level (ASIC-style) estimate from `abc -g cmos2` and `stat -tech cmos`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateEstimate {
    pub cells: BTreeMap<String, u64>,
    pub transistors: u64,
    /// Transistors / 4: one NAND2 (two PMOS in parallel, two NMOS in series) is 4 transistors.
    pub nand2_equiv: f64,
    /// False when Yosys marked the count as a lower bound (`+`: cells it could not price).
    pub complete: bool,
}

impl GateEstimate {
    pub const TRANSISTORS_PER_NAND2: f64 = 4.0;

    pub fn new(cells: BTreeMap<String, u64>, transistors: u64, complete: bool) -> Self {
        GateEstimate {
            cells,
            transistors,
            nand2_equiv: transistors as f64 / Self::TRANSISTORS_PER_NAND2,
            complete,
        }
    }
}

/// One place-and-route run: which netlist and what came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implementation {
    /// `engine (out of context)` or `narrow I/O top`.
    pub what: String,
    pub top: String,
    pub cells: CellCounts,
    pub pnr: Option<PnrResult>,
    /// Worst path per unit from the routed delays (SDF), slowest first.
    pub paths: Option<PathTable>,
    /// Fmax of every placement seed tried (`synth --seeds`); `pnr` and `paths` are the fastest
    /// one's. Empty when one placement was made.
    pub seeds: Vec<SeedFmax>,
}

/// `146.0 (seed 1), 156.8 (seed 2), 169.6 (seed 3); median 156.8 MHz`.
pub fn seed_spread(seeds: &[SeedFmax]) -> String {
    let each: Vec<String> = seeds
        .iter()
        .map(|s| format!("{} (seed {})", opt(s.fmax_mhz, 1), s.seed))
        .collect();
    let mut reached: Vec<f64> = seeds.iter().filter_map(|s| s.fmax_mhz).collect();
    reached.sort_by(f64::total_cmp);
    let median = match reached.len() {
        0 => None,
        n if n % 2 == 1 => Some(reached[n / 2]),
        n => Some((reached[n / 2 - 1] + reached[n / 2]) / 2.0),
    };
    format!("{}; median {} MHz", each.join(", "), opt(median, 1))
}

/// One placement seed and the Fmax its placement reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedFmax {
    pub seed: u64,
    pub fmax_mhz: Option<f64>,
}

/// Short description of the configuration that was synthesized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigSummary {
    pub preset: String,
    pub config_hash: String,
    pub rows: u32,
    pub cols: u32,
    pub pe: String,
    pub alpha_mode: String,
    pub acc_bits: u32,
    pub pes: u32,
}

/// Figures derived from the counts and Fmax. Each names its definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub pes: u32,
    /// Engine LUT4-equivalents / PEs (everything in the engine charged to the PEs).
    pub engine_lut4_equiv_per_pe: f64,
    /// The PE unit's own LUT4-equivalents (one instance, hierarchical synthesis), if a unit
    /// with one instance per PE was found.
    pub pe_unit: Option<String>,
    pub pe_unit_lut4_equiv: Option<f64>,
    /// The array unit's LUT4-equivalents / PEs (hierarchical synthesis).
    pub array_unit: Option<String>,
    pub array_unit_lut4_equiv_per_pe: Option<f64>,
    /// Fmax of the engine after routing (out of context on ECP5, in the I/O top on iCE40).
    pub fmax_mhz: Option<f64>,
    /// PEs × Fmax: one synaptic operation per PE per cycle.
    pub peak_synaptic_ops_per_s: Option<f64>,
    /// Peak synaptic ops/s per engine LUT4-equivalent.
    pub ops_per_s_per_lut4_equiv: Option<f64>,
}

/// The whole report of one `synth` run.
#[derive(Debug, Clone, Serialize)]
pub struct SynthReport {
    pub target: String,
    pub device: Option<Device>,
    pub config: ConfigSummary,
    pub requested_clock_mhz: Option<f64>,
    pub seed: u64,
    /// ECP5 speed grade given to nextpnr (`None` for other families).
    pub speed_grade: Option<u8>,
    /// Highest clock the block RAM's minimum pulse width allows at that grade, if known.
    pub bram_limit_mhz: Option<f64>,
    pub dsp: bool,
    pub tools: Vec<Tool>,
    /// Flat synthesis of the engine without its debug taps.
    pub engine: CellCounts,
    pub implementations: Vec<Implementation>,
    pub units: Vec<UnitStat>,
    pub gates: Option<GateEstimate>,
    pub metrics: Metrics,
    pub energy: Vec<EnergyFigure>,
    /// Serial bits in and out of the narrow I/O wrapper.
    pub io_serial_bits: Option<(u32, u32)>,
    pub out_dir: String,
}

/// The PE unit: one instance per PE; the largest such unit named a PE (a PE may have
/// sub-units, and another unit may have as many instances as there are PEs).
pub fn pe_unit(units: &[UnitStat], pes: u64) -> Option<&UnitStat> {
    units
        .iter()
        .filter(|u| u.instances == pes && u.unit.ends_with("_pe"))
        .max_by_key(|u| u.per_instance.lut4_equiv)
}

/// The PE array unit: one instance, named an array.
pub fn array_unit(units: &[UnitStat]) -> Option<&UnitStat> {
    units
        .iter()
        .filter(|u| u.instances == 1 && u.unit.contains("array"))
        .max_by_key(|u| u.per_instance.lut4_equiv)
}

impl Metrics {
    pub fn compute(
        pes: u32,
        engine: &CellCounts,
        units: &[UnitStat],
        fmax_mhz: Option<f64>,
    ) -> Metrics {
        let per_pe = |x: u64| x as f64 / pes.max(1) as f64;
        let pe = pe_unit(units, pes as u64);
        let array = array_unit(units);
        let peak = fmax_mhz.map(|f| f * 1e6 * pes as f64);
        Metrics {
            pes,
            engine_lut4_equiv_per_pe: per_pe(engine.lut4_equiv),
            pe_unit: pe.map(|u| u.unit.clone()),
            pe_unit_lut4_equiv: pe.map(|u| u.per_instance.lut4_equiv as f64),
            array_unit: array.map(|u| u.unit.clone()),
            array_unit_lut4_equiv_per_pe: array.map(|u| per_pe(u.per_instance.lut4_equiv)),
            fmax_mhz,
            peak_synaptic_ops_per_s: peak,
            ops_per_s_per_lut4_equiv: peak
                .filter(|_| engine.lut4_equiv > 0)
                .map(|p| p / engine.lut4_equiv as f64),
        }
    }
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

/// A power with a readable unit (W, mW, µW).
pub fn watts(w: f64) -> String {
    if w >= 1.0 {
        format!("{w:.2} W")
    } else if w >= 1e-3 {
        format!("{:.2} mW", w * 1e3)
    } else {
        format!("{:.2} µW", w * 1e6)
    }
}

/// Engineering notation for large rates (e.g. 6.4e10 → "64.0 G").
pub fn si(v: f64) -> String {
    let (div, unit) = if v >= 1e12 {
        (1e12, "T")
    } else if v >= 1e9 {
        (1e9, "G")
    } else if v >= 1e6 {
        (1e6, "M")
    } else if v >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    format!("{:.2} {unit}", v / div)
}

impl SynthReport {
    /// The report as aligned plain-text rows (the terminal view) or a Markdown document.
    pub fn render(&self, markdown: bool) -> String {
        let mut out = String::new();
        let title = format!(
            "spikelm-hw synth: {} on {}{}",
            self.config.preset,
            self.target,
            self.device
                .as_ref()
                .map(|d| format!(" ({} {})", d.part, d.package))
                .unwrap_or_default()
        );
        let mut table = Table::new(markdown);
        if markdown {
            out.push_str(&format!("# {title}\n\n"));
        } else {
            out.push_str(&format!("{title}\n"));
        }
        table.header(&["field", "value", "definition / convention"]);
        let c = &self.config;
        table.row(&[
            "configuration",
            &format!(
                "{}×{} {} PEs, alpha {}, acc {} bits, hash {}",
                c.rows, c.cols, c.pe, c.alpha_mode, c.acc_bits, c.config_hash
            ),
            "",
        ]);
        if let Some(g) = self.speed_grade {
            let limit = self
                .bram_limit_mhz
                .map(|l| format!("block-RAM pulse-width limit {l:.0} MHz"))
                .unwrap_or_else(|| "block-RAM pulse-width limit not known here".into());
            table.row(&[
                "speed grade",
                &g.to_string(),
                &format!("nextpnr-ecp5 --speed; {limit}"),
            ]);
        }
        let e = &self.engine;
        let fam_note = "engine, flat synthesis, debug taps removed";
        if self.target != "gates" {
            table.row(&["LUT4", &e.lut4.to_string(), fam_note]);
            table.row(&[
                "carry cells",
                &e.carry.to_string(),
                "CCU2C (ECP5) / SB_CARRY (iCE40)",
            ]);
            table.row(&[
                "LUT4-equivalents",
                &e.lut4_equiv.to_string(),
                "ECP5: LUT4 + 2×CCU2C; iCE40: SB_LUT4",
            ]);
        }
        table.row(&["flip-flops", &e.ffs.to_string(), fam_note]);
        if self.target != "gates" {
            table.row(&[
                "block RAMs",
                &e.bram.to_string(),
                "DP16KD / SB_RAM40_4K + SPRAM",
            ]);
            table.row(&[
                "DSPs / multipliers",
                &e.dsp.to_string(),
                "MULT18X18D / SB_MAC16",
            ]);
        }
        if e.lutram > 0 {
            table.row(&["LUT RAM cells", &e.lutram.to_string(), "TRELLIS_DPR16X4"]);
        }
        for imp in &self.implementations {
            let Some(p) = &imp.pnr else { continue };
            let tag = &imp.what;
            let beyond = match (p.fmax_mhz, self.bram_limit_mhz) {
                (Some(f), Some(l)) if f > l && self.engine.bram > 0 => {
                    format!(" (beyond the block-RAM pulse-width limit {l:.0} MHz: not usable)")
                }
                _ => String::new(),
            };
            table.row(&[
                &format!("Fmax [{tag}]"),
                &format!("{} MHz{beyond}", opt(p.fmax_mhz, 1)),
                &format!(
                    "after routing, clock {}, asked {} MHz",
                    p.clock.as_deref().unwrap_or("-"),
                    opt(p.requested_mhz, 1)
                ),
            ]);
            if !imp.seeds.is_empty() {
                table.row(&[
                    &format!("Fmax by placer seed [{tag}]"),
                    &seed_spread(&imp.seeds),
                    "the same netlist placed once per seed; the fastest placement is kept and \
                     every figure from the routed design is its",
                ]);
            }
            if let Some(cp) = &p.critical_path {
                table.row(&[
                    &format!("critical path [{tag}]"),
                    &format!(
                        "{:.2} ns ({:.2} logic, {:.2} routing)",
                        cp.delay_ns, cp.logic_ns, cp.routing_ns
                    ),
                    &format!("{} -> {}", cp.from, cp.to),
                ]);
            }
            let used: Vec<String> = p
                .utilisation
                .iter()
                .map(|u| format!("{} {}/{}", u.resource, u.used, u.available))
                .collect();
            table.row(&[
                &format!("utilisation [{tag}]"),
                &used.join(", "),
                "bels used / available after placement",
            ]);
        }
        let m = &self.metrics;
        table.row(&["PEs", &m.pes.to_string(), "array rows × cols"]);
        if self.target != "gates" {
            table.row(&[
                "LUT4-eq per PE (engine)",
                &format!("{:.1}", m.engine_lut4_equiv_per_pe),
                "engine LUT4-equivalents / PEs",
            ]);
        }
        if let (Some(u), Some(v)) = (&m.pe_unit, m.pe_unit_lut4_equiv) {
            table.row(&[
                "LUT4-eq per PE (PE unit)",
                &format!("{v:.1}"),
                &format!("unit `{u}`, one instance, hierarchical synthesis"),
            ]);
        }
        if let (Some(u), Some(v)) = (&m.array_unit, m.array_unit_lut4_equiv_per_pe) {
            table.row(&[
                "LUT4-eq per PE (array unit)",
                &format!("{v:.1}"),
                &format!("unit `{u}` / PEs, hierarchical synthesis"),
            ]);
        }
        if let Some(p) = m.peak_synaptic_ops_per_s {
            table.row(&[
                "peak synaptic ops/s",
                &format!("{}op/s", si(p)),
                "PEs × Fmax (one op per PE per cycle)",
            ]);
        }
        if let Some(p) = m.ops_per_s_per_lut4_equiv {
            table.row(&["ops/s per LUT4-eq", &si(p), "peak ops/s / engine LUT4-eq"]);
        }
        if let Some(g) = &self.gates {
            table.row(&[
                "transistors",
                &format!("{}{}", g.transistors, if g.complete { "" } else { "+" }),
                "Yosys stat -tech cmos after abc -g cmos2",
            ]);
            table.row(&[
                "NAND2 equivalents",
                &format!("{:.0}", g.nand2_equiv),
                "transistors / 4 (NAND2 = 4 transistors)",
            ]);
            table.row(&[
                "gates per PE",
                &format!("{:.0} NAND2-eq", g.nand2_equiv / m.pes.max(1) as f64),
                "NAND2 equivalents / PEs",
            ]);
            for (ty, n) in &g.cells {
                table.row(&[&format!("cell {ty}"), &n.to_string(), "gate-level netlist"]);
            }
        }
        for f in &self.energy {
            table.row(&[
                &format!("energy/op [{}]", f.convention),
                &format!("{} pJ", f.pj_per_op),
                &format!(
                    "{}{}",
                    f.definition,
                    f.watts_at_peak
                        .map(|w| format!("; at the peak rate {}", watts(w)))
                        .unwrap_or_default()
                ),
            ]);
        }
        if let Some((i, o)) = self.io_serial_bits {
            table.row(&[
                "I/O wrapper",
                &format!("5 pins, {i} bits in / {o} bits out"),
                "serial shift registers around the engine's stream ports",
            ]);
        }
        out.push_str(&table.finish());
        if !self.units.is_empty() {
            out.push_str(if markdown {
                "\n## Resources by unit (hierarchical synthesis, debug taps kept)\n\n"
            } else {
                "\nresources by unit (hierarchical synthesis, debug taps kept)\n"
            });
            let mut t = Table::new(markdown);
            t.header(&[
                "unit",
                "instances",
                "LUT4-eq / inst",
                "FFs / inst",
                "BRAM / inst",
                "DSP / inst",
                "LUT4-eq all inst",
            ]);
            for u in &self.units {
                t.row(&[
                    &u.unit,
                    &u.instances.to_string(),
                    &u.per_instance.lut4_equiv.to_string(),
                    &u.per_instance.ffs.to_string(),
                    &u.per_instance.bram.to_string(),
                    &u.per_instance.dsp.to_string(),
                    &(u.per_instance.lut4_equiv * u.instances).to_string(),
                ]);
            }
            out.push_str(&t.finish());
        }
        for imp in &self.implementations {
            if let Some(p) = &imp.paths {
                out.push_str(&p.render(&imp.what, markdown));
            }
        }
        let tools: Vec<String> = self
            .tools
            .iter()
            .map(|t| format!("{} ({})", t.version, t.path.display()))
            .collect();
        out.push_str(&format!(
            "{}tools: {}\nseed {}, DSPs {}, output {}\n",
            if markdown { "\n" } else { "" },
            tools.join("; "),
            self.seed,
            if self.dsp { "allowed" } else { "disabled" },
            self.out_dir
        ));
        out
    }
}

/// A small text/Markdown table writer.
pub struct Table {
    markdown: bool,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(markdown: bool) -> Self {
        Table {
            markdown,
            rows: Vec::new(),
        }
    }
    pub fn header(&mut self, cells: &[&str]) {
        self.row(cells);
    }
    pub fn row(&mut self, cells: &[&str]) {
        self.rows
            .push(cells.iter().map(|s| s.to_string()).collect());
    }
    pub fn finish(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; cols];
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        for (n, r) in self.rows.iter().enumerate() {
            let cells: Vec<String> = (0..cols)
                .map(|i| {
                    let c = r.get(i).map(String::as_str).unwrap_or("");
                    let pad = widths[i] - c.chars().count();
                    format!("{c}{}", " ".repeat(pad))
                })
                .collect();
            if self.markdown {
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
                if n == 0 {
                    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                    out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
                }
            } else {
                out.push_str(&format!("  {}\n", cells.join("  ").trim_end()));
            }
        }
        out
    }
}
