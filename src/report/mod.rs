//! The flow's report: the same figures as Markdown (`report.md`) and as one self-contained HTML
//! page with inline CSS and SVG plots (`report.html`), both rendered from one list of blocks
//! (`doc`) under a summary that gives the answer first (`summary`).

pub mod doc;
pub mod progress;
pub mod summary;
pub mod svg;

use crate::estimate::{EnergyRow, PerfEstimate};
use doc::{Block, Table};
use serde::{Deserialize, Serialize};
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

/// Where reused synthesis figures came from: the run that produced them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheOrigin {
    /// The cache entry (a hash of RTL, tool versions, options and this program).
    pub key: String,
    /// The output directory of the run that synthesized it.
    pub run: String,
    /// When that run finished, UTC.
    pub at_utc: String,
}

/// One synthesis result, as the report shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// True when the design was placed and routed; false: Yosys synthesis only.
    pub placed: bool,
    /// Routed Fmax; `None` without place and route.
    pub fmax_mhz: Option<f64>,
    pub critical_path: String,
    /// LUT4-equivalents by unit (module), for the resources plot.
    pub by_unit: Vec<(String, f64)>,
    /// Set when these figures were reused from the synthesis cache.
    pub cached: Option<CacheOrigin>,
}

/// Everything one `flow` run produced.
#[derive(Debug, Clone, Serialize)]
pub struct FlowReport {
    pub title: String,
    /// Tokens per sequence (the energy per token divides by it).
    pub seq_len: u32,
    pub configuration: String,
    pub perf: PerfEstimate,
    pub sim: Option<SimFigures>,
    pub synth: Vec<SynthFigures>,
    /// Steps that did not run or failed, with the reason, so the report never hides a gap.
    pub notes: Vec<String>,
    /// Firing rates per site and time step of an imported model on real text (`flow --package`).
    pub real_firing_rates: Option<RealFiringRates>,
    /// Both engines placed and routed side by side (`flow --headline`); shown first.
    pub headline: Option<crate::synth::headline::Headline>,
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

fn table(head: &[&str], rows: Vec<Vec<String>>) -> Block {
    let mut t = Table::new(head);
    t.rows = rows;
    Block::Table(t)
}

fn int(v: u64) -> String {
    summary::thousands(v as f64, 0)
}

impl FlowReport {
    /// The body of the report under the summary: one section per step, its tables and plots.
    pub fn blocks(&self) -> Vec<Block> {
        let mut b = Vec::new();
        if let Some(h) = &self.headline {
            b.push(Block::Heading(
                "Headline: the ternary engine against the best INT8 engine".into(),
            ));
            b.push(Block::Paragraph(format!(
                "{}. Fmax, LUT4-eq, flip-flops, DSPs and block RAMs are from place and route \
                 of each engine on the target (not estimates); cycles, traffic and energy are \
                 the analytic model's at each engine's routed Fmax ({}).",
                h.caption(),
                h.scope
            )));
            let (head, rows) = h.table();
            b.push(table(
                &head.iter().map(String::as_str).collect::<Vec<_>>(),
                rows,
            ));
        }
        b.push(Block::Code {
            summary: "Configuration (TOML)".into(),
            text: self.configuration.clone(),
        });
        b.extend(self.notes.iter().map(|n| Block::Note(n.clone())));
        if let Some(s) = &self.sim {
            b.push(Block::Heading("Co-simulation".into()));
            b.push(Block::Paragraph(format!(
                "{}: {} values compared, {} mismatches, {} PE-updates/s. {}.",
                if s.passed { "PASS" } else { "FAIL" },
                int(s.values_compared),
                int(s.mismatches),
                svg::fmt_num(s.pe_updates_per_s),
                s.detail
            )));
            b.push(table(
                &["layer", "cycles (RTL)", "cycles (model)", "equal"],
                s.layer_cycles
                    .iter()
                    .map(|(l, m, a)| vec![l.clone(), int(*m), int(*a), (m == a).to_string()])
                    .collect(),
            ));
            b.push(table(
                &["time step", "firing rate"],
                s.firing_rate_per_t
                    .iter()
                    .enumerate()
                    .map(|(t, r)| vec![t.to_string(), pct(*r)])
                    .collect(),
            ));
            b.push(Block::Plots(self.sim_plots()));
        }
        if let Some(real) = &self.real_firing_rates {
            b.push(Block::Heading("Firing rates on real text".into()));
            b.push(Block::Paragraph(format!(
                "{} tokens through {} (integer model).",
                real.tokens, real.package
            )));
            let steps = real.sites.first().map_or(0, |s| s.2.len());
            let heads: Vec<String> = (0..steps).map(|t| format!("t = {t}")).collect();
            let mut head = vec!["site", "Din"];
            head.extend(heads.iter().map(String::as_str));
            b.push(table(
                &head,
                real.sites
                    .iter()
                    .map(|(site, din, rates)| {
                        let mut row = vec![site.clone(), din.to_string()];
                        row.extend(rates.iter().map(|r| pct(*r)));
                        row
                    })
                    .collect(),
            ));
        }
        if !self.synth.is_empty() {
            b.push(Block::Heading("Synthesis".into()));
            b.push(table(
                &[
                    "design",
                    "target",
                    "run",
                    "LUT4",
                    "carry",
                    "FF",
                    "BRAM",
                    "DSP",
                    "LUT4-eq",
                    "LUT4-eq/PE",
                    "Fmax MHz",
                ],
                self.synth
                    .iter()
                    .map(|s| {
                        vec![
                            s.label.clone(),
                            s.target.clone(),
                            format!(
                                "{}{}",
                                s.kind_of_run(),
                                if s.cached.is_some() { ", cached" } else { "" }
                            ),
                            int(s.lut4),
                            int(s.carry),
                            int(s.ff),
                            int(s.bram),
                            int(s.dsp),
                            summary::thousands(s.lut4_eq, 0),
                            format!("{:.1}", s.lut4_eq_per_pe),
                            s.fmax_mhz.map_or("n/a".into(), |f| format!("{f:.1}")),
                        ]
                    })
                    .collect(),
            ));
            b.push(table(
                &["design", "critical path", "tools", "figures from"],
                self.synth
                    .iter()
                    .map(|s| {
                        vec![
                            s.label.clone(),
                            s.critical_path.clone(),
                            s.tools.clone(),
                            match &s.cached {
                                Some(c) => format!(
                                    "cache entry {} (run into {} at {})",
                                    c.key, c.run, c.at_utc
                                ),
                                None => "this run".into(),
                            },
                        ]
                    })
                    .collect(),
            ));
            b.push(Block::Plots(self.synth_plots()));
        }
        b.extend(self.perf_blocks());
        b
    }

    fn perf_blocks(&self) -> Vec<Block> {
        let p = &self.perf;
        let mut b = vec![
            Block::Heading(format!(
                "Performance ({} at {:.1} MHz, firing rate {})",
                p.array,
                p.fmax_mhz,
                pct(p.firing_rate)
            )),
            Block::Paragraph(format!("Scope: {}.", p.scope)),
        ];
        b.push(table(
            &[
                "layer",
                "shape",
                "synaptic ops",
                "cycles",
                "PE util.",
                "steady util.",
                "INT8 cycles",
                "off-chip MB",
                "INT8 off-chip MB",
            ],
            p.layers
                .iter()
                .map(|l| {
                    vec![
                        l.layer.to_string(),
                        format!("{} → {}", l.din, l.dout),
                        int(l.synaptic_ops),
                        int(l.cycles),
                        pct(l.utilisation),
                        pct(l.steady_utilisation),
                        l.int8_cycles.map_or("n/a".into(), int),
                        format!("{:.2}", l.traffic.off_chip as f64 / 8e6),
                        l.int8_traffic
                            .map_or("n/a".into(), |t| format!("{:.2}", t.off_chip as f64 / 8e6)),
                    ]
                })
                .collect(),
        ));
        b.push(Block::Paragraph(format!(
            "Per sequence ({} encoder layers): {} cycles, latency {:.3} ms, {} tokens/s; {} additions \
             issued against {} INT8 MACs; on-chip buffers {} kbit.",
            p.encoder_layers,
            int(p.cycles_per_sequence),
            p.latency_ms,
            summary::thousands(p.tokens_per_s, 1),
            svg::fmt_num(p.additions_per_sequence),
            svg::fmt_num(p.int8_macs_per_sequence as f64),
            p.on_chip_buffer_bits / 1000
        )));
        b.push(table(
            &[
                "convention",
                "SNN compute µJ",
                "SNN memory µJ",
                "INT8 compute µJ",
                "INT8 memory µJ",
                "source",
            ],
            p.energy
                .iter()
                .map(|e: &EnergyRow| {
                    vec![
                        e.convention.to_string(),
                        format!("{:.1}", e.snn_compute_uj),
                        format!("{:.1}", e.snn_memory_uj),
                        format!("{:.1}", e.int8_compute_uj),
                        format!("{:.1}", e.int8_memory_uj),
                        e.source.to_string(),
                    ]
                })
                .collect(),
        ));
        b.extend(self.attention_blocks());
        b.push(Block::Plots(self.perf_plots()));
        b
    }

    /// The attention products' estimate (not in the totals above) and the whole layer's
    /// utilisation with them, for both engines.
    fn attention_blocks(&self) -> Vec<Block> {
        let p = &self.perf;
        let mut rows = Vec::new();
        for (engine, att) in p.attention_by_engine() {
            for q in &att.products {
                rows.push(vec![
                    engine.to_string(),
                    q.product.to_string(),
                    format!(
                        "{} × ({} × {} over {})",
                        q.passes, q.rows, q.cols, q.reduction
                    ),
                    int(q.cycles),
                    pct(q.utilisation),
                ]);
            }
            rows.push(vec![
                engine.to_string(),
                "whole layer (linear sites + products)".to_string(),
                String::new(),
                int(att.layer_cycles),
                pct(att.layer_utilisation),
            ]);
        }
        vec![
            Block::Paragraph(
                "Attention products per encoder layer on the array: an estimate of a schedule \
                 the RTL does not have yet (K and V spikes as the row operand, Q values and \
                 probabilities streamed as the column operand, one pass per head and time step), \
                 not in the totals above."
                    .to_string(),
            ),
            table(&["engine", "product", "passes", "cycles", "PE util."], rows),
        ]
    }

    pub fn to_markdown(&self) -> String {
        format!(
            "# {}\n\n{}{}",
            self.title,
            self.summary_markdown(),
            doc::to_markdown(&self.blocks())
        )
    }

    /// Every plot of the page, as (caption, svg).
    pub fn plots(&self) -> Vec<(String, String)> {
        let mut v = self.sim_plots();
        v.extend(self.synth_plots());
        v.extend(self.perf_plots());
        v
    }

    fn perf_plots(&self) -> Vec<(String, String)> {
        let p = &self.perf;
        let labels: Vec<String> = p.layers.iter().map(|l| l.layer.to_string()).collect();
        vec![
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
        ]
    }

    fn sim_plots(&self) -> Vec<(String, String)> {
        let Some(s) = &self.sim else {
            return Vec::new();
        };
        let t_labels: Vec<String> = (0..s.firing_rate_per_t.len())
            .map(|t| format!("t={t}"))
            .collect();
        vec![(
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
        )]
    }

    /// Resources by unit, then area per PE and Fmax, each on its own chart (one unit per axis).
    fn synth_plots(&self) -> Vec<(String, String)> {
        let mut plots = Vec::new();
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
            let labels: Vec<String> = self.synth.iter().map(|s| s.label.clone()).collect();
            plots.push((
                "Area per PE, ternary against INT8 (Yosys synthesis)".to_string(),
                svg::bars(
                    "Area per PE (LUT4-eq)",
                    "LUT4-eq per PE",
                    &labels,
                    &[(
                        "LUT4-eq per PE",
                        self.synth.iter().map(|s| s.lut4_eq_per_pe).collect(),
                    )],
                ),
            ));
        }
        // Only designs that were placed and routed have an Fmax to plot.
        let routed: Vec<&SynthFigures> =
            self.synth.iter().filter(|s| s.fmax_mhz.is_some()).collect();
        if !routed.is_empty() {
            plots.push((
                "Fmax after place and route".to_string(),
                svg::bars(
                    "Fmax after place and route (MHz)",
                    "MHz",
                    &routed.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
                    &[(
                        "Fmax",
                        routed.iter().map(|s| s.fmax_mhz.unwrap_or(0.0)).collect(),
                    )],
                ),
            ));
        }
        plots
    }

    /// A self-contained HTML page (inline CSS and SVG, no script, no network): the title, the
    /// summary, then every section with real tables and its plots.
    pub fn to_html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><style>{}</style></head><body>\n<h1>{title}</h1>\n\
             <p class=\"sub\">{}</p>\n{}{}</body></html>\n",
            doc::STYLE,
            svg::escape(&format!(
                "{} ({}), on {}",
                self.perf.preset,
                self.perf.array,
                self.ternary()
                    .map_or("no synthesis target", |s| s.target.as_str())
            )),
            self.summary_html(),
            doc::to_html(&self.blocks()),
            title = svg::escape(&self.title),
        )
    }
}
