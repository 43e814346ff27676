//! The answer at the top of the report: did co-simulation pass, how fast and how large is the
//! engine, what it delivers per second and per token, and how it stands against its INT8 twin.
//! Every figure is taken from the report's own data (never computed twice elsewhere), with
//! where it comes from: place and route, synthesis only, the analytic model, or the cache.

use super::doc::Table;
use super::svg::escape;
use super::{FlowReport, SynthFigures};
use std::fmt::Write;

/// One headline figure.
#[derive(Debug, Clone)]
pub struct Kpi {
    /// Stable name (`data-key` in the HTML), for tools and tests.
    pub key: &'static str,
    pub label: &'static str,
    /// The number shown, unrounded (`data-value`); `None` when there is none.
    pub value: Option<f64>,
    /// The number as shown, with its unit.
    pub shown: String,
    /// Where it comes from.
    pub detail: String,
    /// `pass`, `fail` or empty: the card's colour.
    pub class: &'static str,
}

/// `1289.64` with 1 decimal → `1,289.6`.
pub fn thousands(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// Significant figures for small and large values alike: `0.0123`, `4.56`, `1,234`.
pub fn sig(v: f64) -> String {
    let a = v.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2 - a.log10().floor() as i64).clamp(2, 8) as usize
    };
    thousands(v, decimals)
}

/// The convention the headline energy uses (the and DESIGN.md's: 45 nm, INT8 arithmetic).
pub const HEADLINE_CONVENTION: &str = "45nm-int8";

impl FlowReport {
    /// The ternary engine's synthesis result (the first one the flow ran).
    pub fn ternary(&self) -> Option<&SynthFigures> {
        self.synth.iter().find(|s| !s.label.starts_with("int8"))
    }

    /// The INT8 twin's synthesis result.
    pub fn int8(&self) -> Option<&SynthFigures> {
        self.synth.iter().find(|s| s.label.starts_with("int8"))
    }

    /// Energy per token (µJ) of the ternary and the INT8 engine, compute + memory, under the
    /// convention whose name starts with `convention`.
    pub fn energy_per_token(&self, convention: &str) -> Option<(f64, f64, &super::EnergyRow)> {
        let e = self
            .perf
            .energy
            .iter()
            .find(|e| e.convention.starts_with(convention))?;
        let n = f64::from(self.seq_len.max(1));
        Some((
            (e.snn_compute_uj + e.snn_memory_uj) / n,
            (e.int8_compute_uj + e.int8_memory_uj) / n,
            e,
        ))
    }

    /// Tokens per second of the INT8 twin and how that figure was obtained: at its own routed
    /// Fmax when it was placed and routed, else at the ternary engine's clock.
    pub fn int8_tokens_per_s(&self) -> Option<(f64, String)> {
        let cycles = self.perf.int8_cycles_per_sequence? as f64;
        let tokens = f64::from(self.seq_len);
        match self.int8().and_then(|s| s.fmax_mhz) {
            Some(f) => Some((
                tokens * f * 1e6 / cycles,
                format!("each at its own routed Fmax ({} ÷ {} MHz)", sig(self.perf.fmax_mhz), sig(f)),
            )),
            None => Some((
                tokens * self.perf.fmax_mhz * 1e6 / cycles,
                format!(
                    "INT8 twin not placed and routed: both at {} MHz (pass --full for its own Fmax)",
                    sig(self.perf.fmax_mhz)
                ),
            )),
        }
    }

    /// The headline figures, in the order the page shows them.
    pub fn kpis(&self) -> Vec<Kpi> {
        let mut v = Vec::new();
        v.push(match &self.sim {
            Some(s) => {
                let equal = s.layer_cycles.iter().filter(|(_, m, a)| m == a).count();
                Kpi {
                    key: "cosim",
                    label: "Co-simulation",
                    value: Some(if s.passed { 1.0 } else { 0.0 }),
                    shown: if s.passed { "PASS" } else { "FAIL" }.into(),
                    detail: format!(
                        "{} values compared, {} mismatches; RTL cycles = model on {equal} of {} layers",
                        thousands(s.values_compared as f64, 0),
                        thousands(s.mismatches as f64, 0),
                        s.layer_cycles.len()
                    ),
                    class: if s.passed { "pass" } else { "fail" },
                }
            }
            None => Kpi {
                key: "cosim",
                label: "Co-simulation",
                value: None,
                shown: "not run".into(),
                detail: "skipped (--skip-sim): nothing verified".into(),
                class: "fail",
            },
        });
        let t = self.ternary();
        v.push(match t.and_then(|s| s.fmax_mhz.map(|f| (s, f))) {
            Some((s, f)) => Kpi {
                key: "fmax_mhz",
                label: "Fmax",
                value: Some(f),
                shown: format!("{} MHz", sig(f)),
                detail: format!("placed and routed on {}{}", s.target, s.origin_note()),
                class: "",
            },
            None => Kpi {
                key: "fmax_mhz",
                label: "Fmax",
                value: None,
                shown: "not routed".into(),
                detail: format!(
                    "no place and route: the estimate assumes {} MHz",
                    sig(self.perf.fmax_mhz)
                ),
                class: "",
            },
        });
        if let Some(s) = t {
            v.push(Kpi {
                key: "lut4_eq",
                label: "Area",
                value: Some(s.lut4_eq),
                shown: format!("{} LUT4-eq", thousands(s.lut4_eq, 0)),
                detail: format!(
                    "{} LUT4 + 2 × {} CCU2C; {} FF, {} BRAM, {} DSP; {} LUT4-eq per PE (Yosys)",
                    thousands(s.lut4 as f64, 0),
                    thousands(s.carry as f64, 0),
                    thousands(s.ff as f64, 0),
                    s.bram,
                    s.dsp,
                    sig(s.lut4_eq_per_pe)
                ),
                class: "",
            });
        }
        v.push(Kpi {
            key: "tokens_per_s",
            label: "Throughput",
            value: Some(self.perf.tokens_per_s),
            shown: format!("{} tokens/s", sig(self.perf.tokens_per_s)),
            detail: format!(
                "{}, {}-token sequences, {} encoder layers, linear sites only, at {} MHz",
                self.perf.preset,
                self.seq_len,
                self.perf.encoder_layers,
                sig(self.perf.fmax_mhz)
            ),
            class: "",
        });
        if let Some((snn, _, e)) = self.energy_per_token(HEADLINE_CONVENTION) {
            let n = f64::from(self.seq_len.max(1));
            v.push(Kpi {
                key: "energy_uj_per_token",
                label: "Energy per token",
                value: Some(snn),
                shown: format!("{} µJ/token", sig(snn)),
                detail: format!(
                    "compute {} + memory {} µJ, {} ({}), firing rate {:.1} %",
                    sig(e.snn_compute_uj / n),
                    sig(e.snn_memory_uj / n),
                    e.convention,
                    e.source,
                    100.0 * self.perf.firing_rate
                ),
                class: "",
            });
        }
        v
    }

    /// Ternary engine against its INT8 twin: each figure, both values, the ratio and its basis.
    pub fn comparison(&self) -> Table {
        let mut t = Table::new(&["figure", "ternary", "INT8 twin", "ternary ÷ INT8", "basis"]);
        let ratio = |a: f64, b: f64| {
            if b > 0.0 && a.is_finite() && b.is_finite() {
                format!("{:.2}", a / b)
            } else {
                "n/a".into()
            }
        };
        if let (Some(a), Some(b)) = (self.ternary(), self.int8()) {
            t.row(vec![
                "area, LUT4-eq".into(),
                thousands(a.lut4_eq, 0),
                thousands(b.lut4_eq, 0),
                ratio(a.lut4_eq, b.lut4_eq),
                format!("Yosys synthesis of both on {}", a.target),
            ]);
            match (a.fmax_mhz, b.fmax_mhz) {
                (Some(fa), Some(fb)) => t.row(vec![
                    "Fmax, MHz".into(),
                    sig(fa),
                    sig(fb),
                    ratio(fa, fb),
                    "both placed and routed".into(),
                ]),
                (fa, _) => t.row(vec![
                    "Fmax, MHz".into(),
                    fa.map_or("n/a".into(), sig),
                    "n/a".into(),
                    "n/a".into(),
                    format!(
                        "INT8 twin {}: pass --full to place and route it",
                        b.kind_of_run()
                    ),
                ]),
            }
        }
        if let Some(c8) = self.perf.int8_cycles_per_sequence {
            t.row(vec![
                "cycles per sequence".into(),
                thousands(self.perf.cycles_per_sequence as f64, 0),
                thousands(c8 as f64, 0),
                ratio(self.perf.cycles_per_sequence as f64, c8 as f64),
                "analytic cycle model (equals the RTL's CYCLES register)".into(),
            ]);
        }
        if let Some(c8) = self.perf.int8_cycles_with_attention() {
            let c = self.perf.cycles_with_attention();
            t.row(vec![
                "cycles per sequence, attention products included".into(),
                thousands(c as f64, 0),
                thousands(c8 as f64, 0),
                ratio(c as f64, c8 as f64),
                "linear sites: cycle model; Q·Kᵀ and P·V: an estimate of a schedule the RTL \
                 does not have yet"
                    .into(),
            ]);
        }
        if let Some((tps8, basis)) = self.int8_tokens_per_s() {
            t.row(vec![
                "tokens/s".into(),
                sig(self.perf.tokens_per_s),
                sig(tps8),
                ratio(self.perf.tokens_per_s, tps8),
                basis,
            ]);
        }
        for e in &self.perf.energy {
            let name = e.convention.split(' ').next().unwrap_or(e.convention);
            if let Some((snn, int8, _)) = self.energy_per_token(name) {
                t.row(vec![
                    format!("energy per token, µJ ({name})"),
                    sig(snn),
                    sig(int8),
                    ratio(snn, int8),
                    "compute + off-chip memory, estimate".into(),
                ]);
            }
        }
        t
    }

    /// The summary block as HTML: the cards, then the comparison table.
    pub fn summary_html(&self) -> String {
        let mut out = String::from("<section class=\"summary\" id=\"summary\">\n");
        for k in self.kpis() {
            let value = k
                .value
                .map(|v| format!(" data-value=\"{v}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<div class=\"kpi {}\" data-key=\"{}\"{value}><div class=\"label\">{}</div>\
                 <div class=\"value\">{}</div><div class=\"detail\">{}</div></div>",
                k.class,
                k.key,
                escape(k.label),
                escape(&k.shown),
                escape(&k.detail)
            );
        }
        out.push_str("</section>\n");
        let cmp = self.comparison();
        if !cmp.rows.is_empty() {
            out.push_str("<h2>Ternary engine against its INT8 twin</h2>\n");
            out.push_str(&cmp.to_html());
        }
        out
    }

    /// The summary block as Markdown.
    pub fn summary_markdown(&self) -> String {
        let mut out = String::from("## Summary\n\n");
        for k in self.kpis() {
            let _ = writeln!(out, "- **{}: {}** — {}", k.label, k.shown, k.detail);
        }
        out.push('\n');
        let cmp = self.comparison();
        if !cmp.rows.is_empty() {
            out.push_str("### Ternary engine against its INT8 twin\n\n");
            out.push_str(&super::doc::to_markdown(&[super::doc::Block::Table(cmp)]));
        }
        out
    }
}

impl SynthFigures {
    /// `placed and routed` or `synthesis only (Yosys)`.
    pub fn kind_of_run(&self) -> &'static str {
        if self.placed {
            "placed and routed"
        } else {
            "synthesis only (Yosys), not placed and routed"
        }
    }

    /// `; from the cache of run DIR (TIME)` when the figures were reused.
    pub fn origin_note(&self) -> String {
        match &self.cached {
            Some(c) => format!("; from the cache of the run into {} at {}", c.run, c.at_utc),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits_and_keeps_the_sign() {
        assert_eq!(thousands(1289.64, 1), "1,289.6");
        assert_eq!(thousands(1_000_000.0, 0), "1,000,000");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(-12345.678, 2), "-12,345.68");
        assert_eq!(thousands(-0.0001, 1), "0.0");
        assert_eq!(thousands(f64::NAN, 1), "n/a");
    }

    #[test]
    fn sig_keeps_small_values_readable() {
        assert_eq!(sig(33.712), "33.71");
        assert_eq!(sig(1289.64), "1,289.6");
        assert_eq!(sig(0.01234), "0.0123");
        assert_eq!(sig(0.0), "0.0");
    }
}
