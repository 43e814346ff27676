//! Parsers for the tools' machine-readable outputs: Yosys `stat -json` (flat, hierarchical and
//! `-tech cmos`) and the nextpnr `--report` JSON. Pure functions on text, tested on stored
//! samples from real runs (tests/data/).

use super::report::{CellCounts, CriticalPath, GateEstimate, PnrResult, UnitStat, Utilisation};
use super::target::Family;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
struct StatModule {
    #[serde(default)]
    num_cells_by_type: BTreeMap<String, u64>,
    #[serde(default)]
    estimated_num_transistors: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct StatJson {
    #[serde(default)]
    modules: BTreeMap<String, StatModule>,
    design: StatModule,
}

/// Yosys 0.23 writes the hierarchy tree into `stat -json` output of a hierarchical design
/// (lines such as `   $paramod$...\pe   4` between the modules and `"design"`): drop every
/// line that cannot be part of the pretty-printed JSON.
fn sanitize(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            t.is_empty() || t.starts_with(['"', '{', '}', '[', ']'])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_stat(text: &str) -> Result<StatJson, String> {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&sanitize(text)))
        .map_err(|e: serde_json::Error| e.to_string())
}

fn strip_escape(name: &str) -> &str {
    name.strip_prefix('\\').unwrap_or(name)
}

/// The source module name behind a Yosys module id (`$paramod$<hash>\pe` → `pe`).
pub fn base_module_name(id: &str) -> String {
    let id = strip_escape(id);
    if id.starts_with("$paramod") {
        id.split('\\').nth(1).unwrap_or(id).to_string()
    } else {
        id.to_string()
    }
}

/// Whole-design cell counts of a `stat -json` output.
pub fn design_cells(text: &str, family: Family) -> Result<CellCounts, String> {
    let stat = parse_stat(text)?;
    let modules: Vec<String> = stat
        .modules
        .keys()
        .map(|k| strip_escape(k).into())
        .collect();
    let cells = without_submodules(&stat.design.num_cells_by_type, &modules);
    Ok(CellCounts::classify(&cells, family))
}

fn without_submodules(cells: &BTreeMap<String, u64>, modules: &[String]) -> BTreeMap<String, u64> {
    cells
        .iter()
        .filter(|(t, _)| !modules.iter().any(|m| m == strip_escape(t)))
        .map(|(t, n)| (t.clone(), *n))
        .collect()
}

/// Per-unit statistics of a hierarchical (`-noflatten`) `stat -json`: for every module, how
/// many instances the top holds and its cells with and without its submodules.
pub fn units(text: &str, top: &str, family: Family) -> Result<Vec<UnitStat>, String> {
    let stat = parse_stat(text)?;
    let modules: BTreeMap<String, &StatModule> = stat
        .modules
        .iter()
        .map(|(k, v)| (strip_escape(k).to_string(), v))
        .collect();
    let names: Vec<String> = modules.keys().cloned().collect();
    if !modules.contains_key(top) {
        return Err(format!("top module `{top}` not in the statistics"));
    }
    // Instance counts, walking down from the top (the hierarchy is a DAG).
    let mut instances: BTreeMap<String, u64> = BTreeMap::new();
    let mut totals: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    fn total_of(
        name: &str,
        modules: &BTreeMap<String, &StatModule>,
        names: &[String],
        memo: &mut BTreeMap<String, BTreeMap<String, u64>>,
        depth: u32,
    ) -> BTreeMap<String, u64> {
        if let Some(t) = memo.get(name) {
            return t.clone();
        }
        let mut sum = BTreeMap::new();
        if let Some(m) = modules.get(name) {
            for (ty, n) in &m.num_cells_by_type {
                let sub = strip_escape(ty);
                if names.iter().any(|x| x == sub) && depth < 64 {
                    for (t2, n2) in total_of(sub, modules, names, memo, depth + 1) {
                        *sum.entry(t2).or_insert(0) += n * n2;
                    }
                } else {
                    *sum.entry(ty.clone()).or_insert(0) += n;
                }
            }
        }
        memo.insert(name.to_string(), sum.clone());
        sum
    }
    fn walk(
        name: &str,
        count: u64,
        modules: &BTreeMap<String, &StatModule>,
        names: &[String],
        instances: &mut BTreeMap<String, u64>,
        depth: u32,
    ) {
        *instances.entry(name.to_string()).or_insert(0) += count;
        let Some(m) = modules.get(name) else { return };
        for (ty, n) in &m.num_cells_by_type {
            let sub = strip_escape(ty);
            if names.iter().any(|x| x == sub) && depth < 64 {
                walk(sub, count * n, modules, names, instances, depth + 1);
            }
        }
    }
    walk(top, 1, &modules, &names, &mut instances, 0);
    let mut out = Vec::new();
    for (name, m) in &modules {
        let Some(&count) = instances.get(name) else {
            continue;
        };
        let local = CellCounts::classify(&without_submodules(&m.num_cells_by_type, &names), family);
        let with_subs =
            CellCounts::classify(&total_of(name, &modules, &names, &mut totals, 0), family);
        out.push(UnitStat {
            unit: base_module_name(name),
            module: name.clone(),
            instances: count,
            local,
            per_instance: with_subs,
        });
    }
    out.sort_by(|a, b| a.instances.cmp(&b.instances).then(a.unit.cmp(&b.unit)));
    Ok(out)
}

/// The gate-level estimate of a `stat -json -tech cmos` output (whole design).
pub fn gates(text: &str) -> Result<GateEstimate, String> {
    let stat = parse_stat(text)?;
    let modules: Vec<String> = stat
        .modules
        .keys()
        .map(|k| strip_escape(k).into())
        .collect();
    let raw = stat
        .design
        .estimated_num_transistors
        .as_ref()
        .ok_or("no estimated_num_transistors (was `stat -tech cmos` used?)")?;
    let text = match raw {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let transistors: u64 = digits
        .parse()
        .map_err(|_| format!("transistor count `{text}` is not a number"))?;
    Ok(GateEstimate::new(
        without_submodules(&stat.design.num_cells_by_type, &modules),
        transistors,
        !text.contains('+'),
    ))
}

#[derive(Debug, Deserialize)]
struct PnrFmax {
    achieved: f64,
    constraint: f64,
}

#[derive(Debug, Deserialize)]
struct PnrUtil {
    used: u64,
    available: u64,
}

#[derive(Debug, Deserialize)]
struct PnrEnd {
    cell: String,
    port: String,
}

#[derive(Debug, Deserialize)]
struct PnrSegment {
    delay: f64,
    #[serde(rename = "type")]
    kind: String,
    from: PnrEnd,
    to: PnrEnd,
}

#[derive(Debug, Deserialize)]
struct PnrPath {
    from: String,
    to: String,
    #[serde(default)]
    path: Vec<PnrSegment>,
}

#[derive(Debug, Deserialize)]
struct PnrReport {
    #[serde(default)]
    fmax: BTreeMap<String, PnrFmax>,
    #[serde(default)]
    utilization: BTreeMap<String, PnrUtil>,
    #[serde(default)]
    critical_paths: Vec<PnrPath>,
}

/// A nextpnr `--report` JSON: utilisation of every bel type that is used or that the report
/// table shows, the slowest clock's Fmax, and its critical path (start and end cell, delays).
pub fn nextpnr_report(text: &str, family: Family) -> Result<PnrResult, String> {
    let r: PnrReport = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let slowest = r
        .fmax
        .iter()
        .min_by(|a, b| a.1.achieved.total_cmp(&b.1.achieved));
    let (clock, fmax_mhz, constraint) = match slowest {
        Some((c, f)) => (Some(c.clone()), Some(f.achieved), Some(f.constraint)),
        None => (None, None, None),
    };
    let path = clock
        .as_ref()
        .and_then(|c| {
            r.critical_paths
                .iter()
                .find(|p| p.from.contains(c.as_str()) && p.to.contains(c.as_str()))
        })
        .or_else(|| r.critical_paths.first());
    let critical_path = path.and_then(|p| {
        let first = p.path.first()?;
        let last = p.path.last()?;
        let routing: f64 = p
            .path
            .iter()
            .filter(|s| s.kind == "routing")
            .map(|s| s.delay)
            .sum();
        let total: f64 = p.path.iter().map(|s| s.delay).sum();
        Some(CriticalPath {
            from: format!("{}.{}", first.from.cell, first.from.port),
            to: format!("{}.{}", last.to.cell, last.to.port),
            delay_ns: total,
            routing_ns: routing,
            logic_ns: total - routing,
            segments: p.path.len(),
        })
    });
    let shown = family_resources(family);
    let utilisation = r
        .utilization
        .iter()
        .filter(|(k, u)| u.used > 0 || shown.contains(&k.as_str()))
        .map(|(k, u)| Utilisation {
            resource: k.clone(),
            used: u.used,
            available: u.available,
        })
        .collect();
    Ok(PnrResult {
        clock,
        fmax_mhz,
        requested_mhz: constraint,
        utilisation,
        critical_path,
    })
}

/// The bel types every report shows even when unused.
pub fn family_resources(family: Family) -> &'static [&'static str] {
    match family {
        Family::Ecp5 => &[
            "TRELLIS_COMB",
            "TRELLIS_FF",
            "DP16KD",
            "MULT18X18D",
            "TRELLIS_IO",
        ],
        Family::Ice40 => &[
            "ICESTORM_LC",
            "ICESTORM_RAM",
            "ICESTORM_DSP",
            "ICESTORM_SPRAM",
            "SB_IO",
        ],
        Family::Gates => &[],
    }
}
