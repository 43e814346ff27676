//! The flow's report: the same figures as Markdown (`report.md`) and as one self-contained HTML
//! page with inline SVG plots (`report.html`).

pub mod progress;
pub mod svg;

use crate::estimate::PerfEstimate;
use serde::Serialize;
use std::fmt::Write;

/// What co-simulation established, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SimFigures {
    pub passed: bool,
    pub values_compared: u64,
    pub mismatches: u64,
    /// (layer, cycles measured by the CYCLES register, cycles of the analytic model).
    pub layer_cycles: Vec<(String, u64, u64)>,
    /// Measured non-zero spike rate per time step, averaged over the layers simulated.
    pub firing_rate_per_t: Vec<f64>,
    pub pe_updates_per_s: f64,
    pub detail: String,
}

/// One synthesis result, as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SynthFigures {
    pub label: String,
    pub target: String,
    pub tools: String,
    pub lut4: u64,
    pub carry: u64,
    pub ff: u64,
    pub bram: u64,
    pub dsp: u64,
    pub lut4_eq: f64,
    pub lut4_eq_per_pe: f64,
    pub fmax_mhz: f64,
    pub critical_path: String,
    /// LUT4-equivalents by unit (module), for the resources plot.
    pub by_unit: Vec<(String, f64)>,
}

/// Everything one `flow` run produced.
#[derive(Debug, Clone, Serialize)]
pub struct FlowReport {
    pub title: String,
    pub configuration: String,
    pub perf: PerfEstimate,
    pub sim: Option<SimFigures>,
    pub synth: Vec<SynthFigures>,
    /// Steps that did not run or failed, with the reason, so the report never hides a gap.
    pub notes: Vec<String>,
    /// Firing rates per site and time step of an imported model on real text (`flow --package`).
    pub real_firing_rates: Option<RealFiringRates>,
}

/// Firing rates of every site of an imported model, measured by the integer model on real text.
#[derive(Debug, Clone, Serialize)]
pub struct RealFiringRates {
    pub package: String,
    pub tokens: usize,
    /// (layer.site, Din, rate per t).
    pub sites: Vec<(String, usize, Vec<f64>)>,
}

impl RealFiringRates {
    /// The rate the estimate uses: non-zero spikes over all sites, weighted by each site's Din.
    pub fn overall(&self) -> Option<f64> {
        let (mut num, mut den) = (0.0, 0.0);
        for (_, din, rates) in &self.sites {
            for r in rates {
                num += r * *din as f64;
                den += *din as f64;
            }
        }
        (den > 0.0).then(|| num / den)
    }
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str(&markdown_table(head, rows));
    out.push('\n');
}

/// A Markdown table: the header, the rule, one line per row.
pub fn markdown_table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        head.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out
}

/// Replace the body of the generated section `name` of a Markdown document, the lines between
/// `<!-- BEGIN generated: name -->` and `<!-- END generated: name -->`. `None` if the markers
/// are missing.
pub fn replace_generated(doc: &str, name: &str, body: &str) -> Option<String> {
    let begin = format!("<!-- BEGIN generated: {name} -->\n");
    let end = format!("<!-- END generated: {name} -->");
    let b = doc.find(&begin)? + begin.len();
    let e = b + doc[b..].find(&end)?;
    Some(format!("{}{body}{}", &doc[..b], &doc[e..]))
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1} %", 100.0 * v)
    } else {
        "n/a".into()
    }
}

impl FlowReport {
    pub fn to_markdown(&self) -> String {
        let p = &self.perf;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}\n\n```toml\n{}```\n",
            self.title, self.configuration
        );
        for n in &self.notes {
            let _ = writeln!(out, "> **Note:** {n}\n");
        }
        if let Some(s) = &self.sim {
            let _ = writeln!(out, "## Co-simulation\n");
            let _ = writeln!(
                out,
                "{}: {} values compared, {} mismatches, {} PE-updates/s. {}\n",
                if s.passed { "PASS" } else { "FAIL" },
                s.values_compared,
                s.mismatches,
                svg::fmt_num(s.pe_updates_per_s),
                s.detail
            );
            let rows: Vec<Vec<String>> = s
                .layer_cycles
                .iter()
                .map(|(l, m, a)| {
                    vec![
                        l.clone(),
                        m.to_string(),
                        a.to_string(),
                        (m == a).to_string(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["layer", "cycles (RTL)", "cycles (model)", "equal"],
                &rows,
            );
            let rows: Vec<Vec<String>> = s
                .firing_rate_per_t
                .iter()
                .enumerate()
                .map(|(t, r)| vec![t.to_string(), pct(*r)])
                .collect();
            table(&mut out, &["time step", "firing rate"], &rows);
        }
        if let Some(real) = &self.real_firing_rates {
            let _ = writeln!(
                out,
                "## Firing rates on real text\n\n{} tokens through {} (integer model).\n",
                real.tokens, real.package
            );
            let rows: Vec<Vec<String>> = real
                .sites
                .iter()
                .map(|(site, din, rates)| {
                    let mut row = vec![site.clone(), din.to_string()];
                    row.extend(rates.iter().map(|r| pct(*r)));
                    row
                })
                .collect();
            let steps = real.sites.first().map_or(0, |s| s.2.len());
            let heads: Vec<String> = (0..steps).map(|t| format!("t = {t}")).collect();
            let mut head = vec!["site", "Din"];
            head.extend(heads.iter().map(String::as_str));
            table(&mut out, &head, &rows);
        }
        if !self.synth.is_empty() {
            let _ = writeln!(out, "## Synthesis\n");
            let rows: Vec<Vec<String>> = self
                .synth
                .iter()
                .map(|s| {
                    vec![
                        s.label.clone(),
                        s.target.clone(),
                        s.lut4.to_string(),
                        s.carry.to_string(),
                        s.ff.to_string(),
                        s.bram.to_string(),
                        s.dsp.to_string(),
                        format!("{:.1}", s.lut4_eq_per_pe),
                        format!("{:.1}", s.fmax_mhz),
                        s.critical_path.clone(),
                        s.tools.clone(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    "design",
                    "target",
                    "LUT4",
                    "carry",
                    "FF",
                    "BRAM",
                    "DSP",
                    "LUT4-eq/PE",
                    "Fmax MHz",
                    "critical path",
                    "tools",
                ],
                &rows,
            );
        }
        let _ = writeln!(
            out,
            "## Performance ({} at {:.1} MHz, firing rate {})\n\nScope: {}.\n",
            p.array,
            p.fmax_mhz,
            pct(p.firing_rate),
            p.scope
        );
        let rows: Vec<Vec<String>> = p
            .layers
            .iter()
            .map(|l| {
                vec![
                    l.layer.to_string(),
                    format!("{} → {}", l.din, l.dout),
                    l.synaptic_ops.to_string(),
                    l.cycles.to_string(),
                    pct(l.utilisation),
                    pct(l.steady_utilisation),
                    l.int8_cycles.map_or("n/a".into(), |c| c.to_string()),
                    format!("{:.2}", l.off_chip_bits as f64 / 8e6),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "layer",
                "shape",
                "synaptic ops",
                "cycles",
                "PE util.",
                "steady util.",
                "INT8 cycles",
                "off-chip MB",
            ],
            &rows,
        );
        let _ = writeln!(
            out,
            "Per sequence ({} encoder layers): {} cycles, latency {:.3} ms, {:.1} tokens/s; {} additions \
             issued against {} INT8 MACs; on-chip buffers {} kbit.\n",
            p.encoder_layers,
            p.cycles_per_sequence,
            p.latency_ms,
            p.tokens_per_s,
            svg::fmt_num(p.additions_per_sequence),
            svg::fmt_num(p.int8_macs_per_sequence as f64),
            p.on_chip_buffer_bits / 1000
        );
        let rows: Vec<Vec<String>> = p
            .energy
            .iter()
            .map(|e| {
                vec![
                    e.convention.to_string(),
                    format!("{:.1}", e.snn_compute_uj),
                    format!("{:.1}", e.snn_memory_uj),
                    format!("{:.1}", e.int8_compute_uj),
                    format!("{:.1}", e.int8_memory_uj),
                    e.source.to_string(),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "convention",
                "SNN compute µJ",
                "SNN memory µJ",
                "INT8 compute µJ",
                "INT8 memory µJ",
                "source",
            ],
            &rows,
        );
        out
    }

    /// The plots the HTML page shows, as (caption, svg).
    pub fn plots(&self) -> Vec<(String, String)> {
        let p = &self.perf;
        let labels: Vec<String> = p.layers.iter().map(|l| l.layer.to_string()).collect();
        let mut plots = vec![
            (
                "Cycles per layer shape".to_string(),
                svg::bars(
                    "Cycles per layer shape",
                    "cycles",
                    &labels,
                    &[
                        (
                            "ternary engine",
                            p.layers.iter().map(|l| l.cycles as f64).collect(),
                        ),
                        (
                            "INT8 engine",
                            p.layers
                                .iter()
                                .map(|l| l.int8_cycles.unwrap_or(0) as f64)
                                .collect(),
                        ),
                    ],
                ),
            ),
            (
                "PE utilisation per layer shape".to_string(),
                svg::bars(
                    "PE utilisation (%)",
                    "%",
                    &labels,
                    &[
                        (
                            "whole run",
                            p.layers.iter().map(|l| 100.0 * l.utilisation).collect(),
                        ),
                        (
                            "steady state",
                            p.layers
                                .iter()
                                .map(|l| 100.0 * l.steady_utilisation)
                                .collect(),
                        ),
                    ],
                ),
            ),
            (
                "Energy per sequence, ternary against INT8".to_string(),
                svg::bars(
                    "Energy per sequence (µJ)",
                    "µJ",
                    &p.energy
                        .iter()
                        .map(|e| e.convention.split(' ').next().unwrap_or("").to_string())
                        .collect::<Vec<_>>(),
                    &[
                        (
                            "SNN compute",
                            p.energy.iter().map(|e| e.snn_compute_uj).collect(),
                        ),
                        (
                            "SNN memory",
                            p.energy.iter().map(|e| e.snn_memory_uj).collect(),
                        ),
                        (
                            "INT8 compute",
                            p.energy.iter().map(|e| e.int8_compute_uj).collect(),
                        ),
                        (
                            "INT8 memory",
                            p.energy.iter().map(|e| e.int8_memory_uj).collect(),
                        ),
                    ],
                ),
            ),
        ];
        if let Some(s) = &self.sim {
            let t_labels: Vec<String> = (0..s.firing_rate_per_t.len())
                .map(|t| format!("t={t}"))
                .collect();
            plots.push((
                "Measured firing rate per time step".to_string(),
                svg::bars(
                    "Firing rate per time step (%)",
                    "%",
                    &t_labels,
                    &[(
                        "non-zero spikes",
                        s.firing_rate_per_t.iter().map(|r| 100.0 * r).collect(),
                    )],
                ),
            ));
        }
        for s in &self.synth {
            if s.by_unit.is_empty() {
                continue;
            }
            let units: Vec<String> = s.by_unit.iter().map(|u| u.0.clone()).collect();
            plots.push((
                format!("Resources by unit ({}, {})", s.label, s.target),
                svg::bars(
                    &format!("LUT4-equivalents by unit: {} on {}", s.label, s.target),
                    "LUT4-eq",
                    &units,
                    &[("LUT4-eq", s.by_unit.iter().map(|u| u.1).collect())],
                ),
            ));
        }
        if self.synth.len() > 1 {
            let labels: Vec<String> = self
                .synth
                .iter()
                .map(|s| format!("{} {}", s.label, s.target))
                .collect();
            plots.push((
                "Ternary against INT8: area per PE and Fmax".to_string(),
                svg::bars(
                    "Area per PE (LUT4-eq) and Fmax (MHz)",
                    "",
                    &labels,
                    &[
                        (
                            "LUT4-eq per PE",
                            self.synth.iter().map(|s| s.lut4_eq_per_pe).collect(),
                        ),
                        ("Fmax MHz", self.synth.iter().map(|s| s.fmax_mhz).collect()),
                    ],
                ),
            ));
        }
        plots
    }

    /// A self-contained HTML page: the Markdown tables rendered as preformatted text beside the plots.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
             <style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}\
             pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}}figure{{display:inline-block;margin:0.5em}}\
             figcaption{{text-align:center;color:#555}}</style></head><body>\n<h1>{}</h1>\n",
            svg::escape(&self.title),
            svg::escape(&self.title)
        );
        for (caption, svg) in self.plots() {
            let _ = writeln!(
                out,
                "<figure>{svg}<figcaption>{}</figcaption></figure>",
                svg::escape(&caption)
            );
        }
        let _ = write!(
            out,
            "<h2>Figures</h2>\n<pre>{}</pre>\n</body></html>\n",
            svg::escape(&self.to_markdown())
        );
        out
    }
}
