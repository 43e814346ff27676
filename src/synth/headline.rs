//! `compare --headline`: the ternary engine and its INT8 twin on the same chip, each placed and
//! routed, side by side as a user deciding on SpikeLM hardware needs them: array, Fmax, area,
//! BERT tokens per second (compute-bound, and bound by a real board's off-chip memory), energy
//! per token (compute and memory, both conventions) and off-chip bits per token.
//!
//! Cycles, traffic and energy come from `perf` (`crate::estimate`) at the placed Fmax; area and
//! Fmax from the comparison's place-and-route runs (`compare::compare`).

use super::compare::Comparison;
use crate::config::Params;
use crate::estimate::{EstimateError, PerfEstimate};
use serde::Serialize;

/// Default off-chip bandwidth, Gbit/s: the ULX3S's SDRAM, peak.
pub const DEFAULT_MEM_GBPS: f64 = 2.656;
/// Where [`DEFAULT_MEM_GBPS`] comes from.
pub const DEFAULT_MEM_SOURCE: &str = "ULX3S (ECP5): 32 MB SDRAM on a 16-bit bus, W9825G6KH-6 \
     (166 MHz, CL3): 16 bit x 166 MHz = 2.656 Gbit/s peak (refresh and row changes not counted)";

/// One engine of the headline.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineRow {
    pub label: String,
    pub array: String,
    pub fmax_mhz: Option<f64>,
    /// "placed and routed" or "synthesis only" (then no Fmax and no tokens/s).
    pub basis: &'static str,
    pub lut4_equiv: u64,
    pub ffs: u64,
    pub dsp: u64,
    pub bram: u64,
    pub cycles_per_sequence: u64,
    pub tokens_per_s_compute: Option<f64>,
    /// The same with the attention products on the array (an estimate: the RTL does not run
    /// them yet).
    pub cycles_with_attention: u64,
    pub tokens_per_s_with_attention: Option<f64>,
    pub off_chip_bits_per_token: f64,
    /// min(compute-bound, memory-bound at the given bandwidth).
    pub tokens_per_s_at_memory: Option<f64>,
    /// The off-chip memory, not the engine, limits the tokens per second.
    pub bandwidth_bound: bool,
    pub energy_uj_per_token_fp32: f64,
    pub energy_uj_per_token_int8: f64,
}

/// Ternary ÷ the best INT8 engine (the one with more compute-bound tokens/s).
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineRatios {
    pub best_int8: String,
    pub tokens_per_s_compute: Option<f64>,
    pub tokens_per_s_with_attention: Option<f64>,
    pub tokens_per_s_at_memory: Option<f64>,
    pub energy_per_token_fp32: f64,
    pub energy_per_token_int8: f64,
    pub lut4_equiv: f64,
    pub off_chip_bits_per_token: f64,
}

/// The headline table.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub target: String,
    pub preset: String,
    pub sequence: u32,
    pub firing_rate: f64,
    pub mem_gbps: f64,
    pub mem_source: String,
    pub rows: Vec<HeadlineRow>,
    pub ratios: Option<HeadlineRatios>,
    pub scope: &'static str,
}

/// The headline's own inputs, checked before any place-and-route run is spent on it.
pub fn check_inputs(firing_rate: f64, mem_gbps: f64) -> Result<(), EstimateError> {
    if !(0.0..=1.0).contains(&firing_rate) {
        return Err(EstimateError::FiringRate(firing_rate));
    }
    if !(mem_gbps.is_finite() && mem_gbps > 0.0) {
        return Err(EstimateError::Bandwidth(mem_gbps));
    }
    Ok(())
}

/// Build the headline from a comparison of `params` (ternary) with the INT8 twin of
/// `int8_from` (the same configuration, or the same model on another array).
pub fn headline(
    params: &Params,
    int8_from: &Params,
    cmp: &Comparison,
    firing_rate: f64,
    mem_gbps: f64,
    mem_source: &str,
) -> Result<Headline, EstimateError> {
    check_inputs(firing_rate, mem_gbps)?;
    // Cycles and traffic do not depend on the clock; the clock only scales time.
    let est = PerfEstimate::compute(params, 100.0, firing_rate)?;
    let est_int8 = PerfEstimate::compute(int8_from, 100.0, firing_rate)?;
    let m = params.model();
    debug_assert_eq!(int8_from.model(), m, "the twins run one model");
    let seq = f64::from(m.seq_len);
    let layers = u64::from(m.layers);
    let array_of = |p: &Params| format!("{}x{}", p.array().rows, p.array().cols);
    let (fp32, int8) = (&est.energy[0], &est.energy[1]);
    let (fp32_i, int8_i) = (&est_int8.energy[0], &est_int8.energy[1]);
    let snn_bits: u64 = est.layers.iter().map(|l| l.traffic.off_chip).sum::<u64>() * layers;
    let int8_bits: Option<u64> = est_int8
        .layers
        .iter()
        .map(|l| l.int8_traffic.map(|t| t.off_chip))
        .sum::<Option<u64>>()
        .map(|b| b * layers);
    let mut rows = Vec::new();
    for r in &cmp.rows {
        let ternary = r.pe == "ternary";
        let (cycles, with_attention, bits, e_fp32, e_int8) = if ternary {
            (
                Some(est.cycles_per_sequence),
                Some(est.cycles_with_attention()),
                Some(snn_bits),
                fp32.snn_compute_uj + fp32.snn_memory_uj,
                int8.snn_compute_uj + int8.snn_memory_uj,
            )
        } else {
            (
                est_int8.int8_cycles_per_sequence,
                est_int8.int8_cycles_with_attention(),
                int8_bits,
                fp32_i.int8_compute_uj + fp32_i.int8_memory_uj,
                int8_i.int8_compute_uj + int8_i.int8_memory_uj,
            )
        };
        let (Some(cycles), Some(with_attention), Some(bits)) = (cycles, with_attention, bits)
        else {
            continue;
        };
        let bits_per_token = bits as f64 / seq;
        let tokens_per_s = |c: u64| r.fmax_mhz.map(|f| seq * f * 1e6 / c as f64);
        let compute = tokens_per_s(cycles);
        let memory = mem_gbps * 1e9 / bits_per_token;
        rows.push(HeadlineRow {
            label: r.label.clone(),
            array: array_of(if ternary { params } else { int8_from }),
            fmax_mhz: r.fmax_mhz,
            basis: if r.fmax_mhz.is_some() {
                "placed and routed"
            } else {
                "synthesis only"
            },
            lut4_equiv: r.lut4_equiv,
            ffs: r.ffs,
            dsp: r.dsp_used,
            bram: r.bram,
            cycles_per_sequence: cycles,
            tokens_per_s_compute: compute,
            cycles_with_attention: with_attention,
            tokens_per_s_with_attention: tokens_per_s(with_attention),
            off_chip_bits_per_token: bits_per_token,
            tokens_per_s_at_memory: compute.map(|c| c.min(memory)),
            bandwidth_bound: compute.is_some_and(|c| memory < c),
            energy_uj_per_token_fp32: e_fp32 / seq,
            energy_uj_per_token_int8: e_int8 / seq,
        });
    }
    let ratios = ratios(&rows);
    Ok(Headline {
        target: cmp.target.clone(),
        preset: params.config.preset.clone(),
        sequence: m.seq_len,
        firing_rate,
        mem_gbps,
        mem_source: mem_source.to_string(),
        rows,
        ratios,
        scope: est.scope,
    })
}

fn ratios(rows: &[HeadlineRow]) -> Option<HeadlineRatios> {
    let t = rows.iter().find(|r| r.label == "ternary")?;
    let key = |r: &HeadlineRow| r.tokens_per_s_compute.unwrap_or(0.0);
    let best = rows
        .iter()
        .filter(|r| r.label != "ternary")
        .max_by(|a, b| key(a).total_cmp(&key(b)))?;
    let div = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
    Some(HeadlineRatios {
        best_int8: best.label.clone(),
        tokens_per_s_compute: div(t.tokens_per_s_compute, best.tokens_per_s_compute),
        tokens_per_s_with_attention: div(
            t.tokens_per_s_with_attention,
            best.tokens_per_s_with_attention,
        ),
        tokens_per_s_at_memory: div(t.tokens_per_s_at_memory, best.tokens_per_s_at_memory),
        energy_per_token_fp32: t.energy_uj_per_token_fp32 / best.energy_uj_per_token_fp32,
        energy_per_token_int8: t.energy_uj_per_token_int8 / best.energy_uj_per_token_int8,
        lut4_equiv: t.lut4_equiv as f64 / best.lut4_equiv as f64,
        off_chip_bits_per_token: t.off_chip_bits_per_token / best.off_chip_bits_per_token,
    })
}

impl Headline {
    /// The table: its header and one row per figure, a column per engine and the ratio.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = vec!["".to_string()];
        header.extend(self.rows.iter().map(|r| r.label.clone()));
        if self.ratios.is_some() {
            header.push("ternary / best INT8".into());
        }
        let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map(f).unwrap_or("-".into());
        let mut rows = Vec::new();
        let mut line = |name: &str, f: &dyn Fn(&HeadlineRow) -> String, ratio: Option<f64>| {
            let mut cells = vec![name.to_string()];
            cells.extend(self.rows.iter().map(f));
            if self.ratios.is_some() {
                cells.push(opt(ratio, &|v| format!("{v:.3}")));
            }
            rows.push(cells);
        };
        let r = self.ratios.as_ref();
        line("array", &|h| h.array.clone(), None);
        line("figures", &|h| h.basis.to_string(), None);
        line(
            "Fmax (MHz)",
            &|h| opt(h.fmax_mhz, &|v| format!("{v:.1}")),
            None,
        );
        line(
            "LUT4-eq",
            &|h| h.lut4_equiv.to_string(),
            r.map(|r| r.lut4_equiv),
        );
        line("flip-flops", &|h| h.ffs.to_string(), None);
        line("DSPs", &|h| h.dsp.to_string(), None);
        line("block RAMs", &|h| h.bram.to_string(), None);
        line(
            "cycles per sequence",
            &|h| h.cycles_per_sequence.to_string(),
            None,
        );
        line(
            "tokens/s, compute-bound",
            &|h| opt(h.tokens_per_s_compute, &|v| format!("{v:.1}")),
            r.and_then(|r| r.tokens_per_s_compute),
        );
        line(
            "cycles per sequence, attention products included (estimate)",
            &|h| h.cycles_with_attention.to_string(),
            None,
        );
        line(
            "tokens/s, compute-bound, attention products included (estimate)",
            &|h| opt(h.tokens_per_s_with_attention, &|v| format!("{v:.1}")),
            r.and_then(|r| r.tokens_per_s_with_attention),
        );
        line(
            "off-chip bits per token",
            &|h| format!("{:.0}", h.off_chip_bits_per_token),
            r.map(|r| r.off_chip_bits_per_token),
        );
        line(
            &format!("tokens/s at {} Gbit/s", self.mem_gbps),
            &|h| {
                let v = opt(h.tokens_per_s_at_memory, &|v| format!("{v:.1}"));
                if h.bandwidth_bound {
                    format!("{v} (memory-bound)")
                } else {
                    v
                }
            },
            r.and_then(|r| r.tokens_per_s_at_memory),
        );
        line(
            "energy/token, µJ (FP32 convention)",
            &|h| format!("{:.2}", h.energy_uj_per_token_fp32),
            r.map(|r| r.energy_per_token_fp32),
        );
        line(
            "energy/token, µJ (INT8 convention)",
            &|h| format!("{:.2}", h.energy_uj_per_token_int8),
            r.map(|r| r.energy_per_token_int8),
        );
        (header, rows)
    }

    /// What the table is about, in one line.
    pub fn caption(&self) -> String {
        format!(
            "{} on {}, sequence {}, firing rate {:.2}; memory {} Gbit/s ({})",
            self.preset,
            self.target,
            self.sequence,
            self.firing_rate,
            self.mem_gbps,
            self.mem_source
        )
    }

    /// A plain-text table.
    pub fn render(&self) -> String {
        let mut t = super::report::Table::new(false);
        let (header, rows) = self.table();
        t.header(&header.iter().map(String::as_str).collect::<Vec<_>>());
        for r in &rows {
            t.row(&r.iter().map(String::as_str).collect::<Vec<_>>());
        }
        format!(
            "headline: {}\n{}scope: {}\n",
            self.caption(),
            t.finish(),
            self.scope
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::compare::CompareRow;

    fn row(label: &str, pe: &str, fmax: Option<f64>, luts: u64) -> CompareRow {
        CompareRow {
            label: label.into(),
            pe: pe.into(),
            dsp_allowed: true,
            pes: 64,
            lut4_equiv: luts,
            ffs: 1,
            bram: 1,
            dsp_used: 0,
            lut4_equiv_per_pe: 0.0,
            pe_unit_lut4_equiv: None,
            nand2_equiv_per_pe: None,
            fmax_mhz: fmax,
            peak_ops_per_s: None,
            ops_per_s_per_lut4_equiv: None,
            pj_per_op_fp32_convention: 0.0,
            pj_per_op_int8_convention: 0.0,
            out_dir: String::new(),
        }
    }

    fn cmp() -> Comparison {
        Comparison {
            target: "ecp5-85k".into(),
            rows: vec![
                row("ternary", "ternary", Some(150.0), 7000),
                row("int8 dsp", "int8_mac", Some(120.0), 20000),
                row("int8 no-dsp", "int8_mac", Some(90.0), 30000),
            ],
        }
    }

    #[test]
    fn tokens_per_second_follow_the_clock_and_the_memory() {
        // Tiny over 8 tokens, 8 resident: one bank of 4 ternary row blocks, one INT8 block.
        let p = Params::preset_with(
            "spikelm-bert-tiny",
            &["model.seq_len=8", "array.resident_tokens=8"],
        )
        .expect("configuration");
        let h = headline(&p, &p, &cmp(), 0.25, 1e6, "test").expect("headline");
        assert_eq!(h.rows.len(), 3);
        let t = &h.rows[0];
        // 2 layers x (weights once, T = 4 activation codes of 16 bits per token and input,
        // T outputs of 16 bits per token and output) over the 4 linear sites, per token:
        // weights 2 x (128*384 + 128*128 + 128*512 + 512*128) x 8 / 8, activations
        // 2 x 4 x (128 + 128 + 128 + 512) x 16, outputs 2 x 4 x (384 + 128 + 512 + 128) x 16.
        let weights = 2.0 * (49152.0 + 16384.0 + 65536.0 + 65536.0);
        let acts = 2.0 * 4.0 * 896.0 * 16.0;
        let outs = 2.0 * 4.0 * 1152.0 * 16.0;
        assert_eq!(t.off_chip_bits_per_token, weights + acts + outs);
        let compute = t.tokens_per_s_compute.expect("placed");
        assert!((compute - 8.0 * 150e6 / t.cycles_per_sequence as f64).abs() < 1e-6);
        // The attention products add to each layer's linear sites, and the clock scales them alike.
        let est = PerfEstimate::compute(&p, 100.0, 0.25).expect("estimate");
        let products: u64 = est.attention.products.iter().map(|a| a.cycles).sum();
        assert!(products > 0);
        assert_eq!(
            t.cycles_with_attention,
            t.cycles_per_sequence + 2 * products
        );
        let with = t.tokens_per_s_with_attention.expect("placed");
        assert!((with - 8.0 * 150e6 / t.cycles_with_attention as f64).abs() < 1e-6);
        // A huge bandwidth leaves the engine as the bound.
        assert_eq!(t.tokens_per_s_at_memory, Some(compute));
        assert!(!t.bandwidth_bound);
        // A thin one makes every engine memory-bound, at bandwidth / bits per token.
        let thin = headline(&p, &p, &cmp(), 0.25, 1e-3, "test").expect("headline");
        for r in &thin.rows {
            assert!(r.bandwidth_bound, "{}", r.label);
            let want = 1e6 / r.off_chip_bits_per_token;
            assert!((r.tokens_per_s_at_memory.unwrap_or(0.0) - want).abs() < 1e-9 * want);
        }
        // The best INT8 engine is the faster one, and the ratios divide by it.
        let r = h.ratios.as_ref().expect("ratios");
        assert_eq!(r.best_int8, "int8 dsp");
        assert!((r.lut4_equiv - 7000.0 / 20000.0).abs() < 1e-12);
        let best = &h.rows[1];
        let want = compute / best.tokens_per_s_compute.unwrap_or(f64::NAN);
        assert!((r.tokens_per_s_compute.unwrap_or(0.0) - want).abs() < 1e-12);
        assert!(h.render().contains("ternary / best INT8"));
    }

    #[test]
    fn the_int8_twin_may_have_an_array_of_its_own() {
        let p = Params::preset_with("spikelm-bert-tiny", &["array=16x32"]).expect("ternary");
        let i = Params::preset_with("spikelm-bert-tiny", &["array=8x8"]).expect("int8");
        let h = headline(&p, &i, &cmp(), 0.3, 1e6, "test").expect("headline");
        let (t, d) = (&h.rows[0], &h.rows[1]);
        assert_eq!((t.array.as_str(), d.array.as_str()), ("16x32", "8x8"));
        let same = headline(&i, &i, &cmp(), 0.3, 1e6, "test").expect("headline");
        // The INT8 rows follow their own array, not the ternary one's.
        assert_eq!(d.cycles_per_sequence, same.rows[1].cycles_per_sequence);
        assert!(t.cycles_per_sequence < same.rows[0].cycles_per_sequence);
    }

    #[test]
    fn a_bad_bandwidth_names_the_option() {
        let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("configuration");
        let e = headline(&p, &p, &cmp(), 0.3, 0.0, "x").expect_err("refused");
        assert!(e.to_string().contains("--mem-gbps 0"), "{e}");
    }
}
