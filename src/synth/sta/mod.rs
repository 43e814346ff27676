//! A small static timing analysis of a routed design from the SDF nextpnr writes (`--sdf`):
//! the worst register-to-register path into every endpoint, grouped by unit, so the report
//! lists the worst path of each unit (nextpnr prints only the one critical path). Single
//! clock, one cycle per path, no clock skew: the same model as nextpnr's posedge → posedge
//! report on these designs, whose critical path delay it reproduces (tests/synth_paths.rs).

pub mod graph;
pub mod sdf;
pub mod units;

pub use units::Hierarchy;

use super::report::Table;
use serde::Serialize;
use std::collections::BTreeMap;

/// The worst path ending in one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPath {
    /// Module of the unit (the design top's submodule the endpoint's cell lies in).
    pub unit: String,
    /// Clock-to-output + logic + routing + setup, ns.
    pub delay_ns: f64,
    /// 1000 / delay.
    pub fmax_mhz: f64,
    /// Start point, `cell.port` (a register's output).
    pub from: String,
    /// End point, `cell.port` (a pin with a setup check).
    pub to: String,
    /// Cells traversed between the start register and the end point.
    pub levels: usize,
    /// Of those, cells entered through their carry input (carry-chain hops).
    pub carry_levels: usize,
    pub routing_ns: f64,
    /// routing / delay.
    pub routing_share: f64,
    /// Endpoints of this unit that a register reaches.
    pub endpoints: usize,
}

/// The worst path per unit, slowest unit first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathTable {
    pub units: Vec<UnitPath>,
    /// Register-to-register endpoints analysed over the whole design.
    pub endpoints: usize,
    /// Edges dropped to break combinational loops (0 in a sound design).
    pub loops_cut: usize,
}

impl PathTable {
    /// The worst path of the whole design.
    pub fn worst(&self) -> Option<&UnitPath> {
        self.units.first()
    }

    /// The "Worst path per unit" section of a report, for the implementation `what`.
    pub fn render(&self, what: &str, markdown: bool) -> String {
        let title = format!("Worst path per unit [{what}]");
        let note = format!(
            "from the routed delays (SDF, max of min:typ:max); {} endpoints{}",
            self.endpoints,
            match self.loops_cut {
                0 => String::new(),
                n => format!(", {n} combinational loop edges cut"),
            }
        );
        let mut out = if markdown {
            format!("\n## {title}\n\n{note}.\n\n")
        } else {
            format!("\n{}, {note}\n", title.to_lowercase())
        };
        let mut t = Table::new(markdown);
        t.header(&[
            "unit",
            "delay ns",
            "Fmax MHz",
            "levels",
            "carry",
            "routing",
            "start",
            "end",
            "endpoints",
        ]);
        for u in &self.units {
            t.row(&[
                &u.unit,
                &format!("{:.2}", u.delay_ns),
                &format!("{:.1}", u.fmax_mhz),
                &u.levels.to_string(),
                &u.carry_levels.to_string(),
                &format!("{:.0} %", 100.0 * u.routing_share),
                &u.from,
                &u.to,
                &u.endpoints.to_string(),
            ]);
        }
        out.push_str(&t.finish());
        out
    }
}

fn pin_name(p: &sdf::Pin) -> String {
    format!("{}.{}", p.inst, p.port)
}

/// Analyse SDF text: the worst path of every unit, a cell's unit given by `unit_of` on its
/// instance name.
pub fn worst_per_unit(
    sdf_text: &str,
    unit_of: impl Fn(&str) -> String,
) -> Result<PathTable, String> {
    let analysis = graph::analyze(&sdf::parse(sdf_text)?);
    let mut by_unit: BTreeMap<String, UnitPath> = BTreeMap::new();
    // Paths come slowest first: the first of each unit is its worst.
    for p in &analysis.paths {
        let unit = unit_of(&p.to.inst);
        by_unit
            .entry(unit.clone())
            .and_modify(|u| u.endpoints += 1)
            .or_insert_with(|| UnitPath {
                unit,
                delay_ns: p.delay_ns,
                fmax_mhz: if p.delay_ns > 0.0 {
                    1000.0 / p.delay_ns
                } else {
                    f64::INFINITY
                },
                from: pin_name(&p.from),
                to: pin_name(&p.to),
                levels: p.levels,
                carry_levels: p.carry_levels,
                routing_ns: p.routing_ns,
                routing_share: if p.delay_ns > 0.0 {
                    p.routing_ns / p.delay_ns
                } else {
                    0.0
                },
                endpoints: 1,
            });
    }
    let mut units: Vec<UnitPath> = by_unit.into_values().collect();
    units.sort_by(|a, b| b.delay_ns.total_cmp(&a.delay_ns).then(a.unit.cmp(&b.unit)));
    Ok(PathTable {
        units,
        endpoints: analysis.paths.len(),
        loops_cut: analysis.loops_cut,
    })
}
