//! Performance and energy of a chosen SpikeLM size on a chosen array, before or after synthesis:
//! cycles and PE utilisation per layer shape (from the controller's analytic cycle model),
//! latency and tokens per second at a clock, synaptic additions at a firing rate, memory traffic,
//! and energy in both conventions beside a dense INT8 network of the same shapes.
//!
//! Only the four linear sites of each encoder layer run on the engine; the attention products
//! are not in the totals (an estimate of them on the array, and the whole layer's utilisation
//! with it, is given apart), and the non-linear units are given as the cycles one copy of each
//! standalone unit needs per layer, outside the totals (the report says so).

pub mod attention;
pub mod energy;
pub mod nonlinear;

use crate::config::{LayerKind, Params};
use crate::perf::cycles::{layer_cycles, layer_schedule};
use energy::{Convention, CONVENTIONS, DRAM_PJ_PER_BIT, SRAM_PJ_PER_BIT};
use serde::Serialize;

/// Errors from the estimate's inputs.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    #[error("--fmax {0}: must be a positive number of MHz")]
    Fmax(f64),
    #[error(
        "--firing-rate {0}: must be between 0 and 1 (non-zero spikes per neuron per time step)"
    )]
    FiringRate(f64),
    #[error("--mem-gbps {0}: must be a positive off-chip bandwidth in Gbit/s")]
    Bandwidth(f64),
}

/// Figures of one layer shape for one run over the whole sequence.
#[derive(Debug, Clone, Serialize)]
pub struct LayerPerf {
    pub layer: &'static str,
    pub din: u32,
    pub dout: u32,
    /// Dense synaptic operations: tokens × T × Din × Dout.
    pub synaptic_ops: u64,
    pub cycles: u64,
    /// Useful PE-cycles / (cycles × PEs) over the whole run, fill and drain included.
    pub utilisation: f64,
    /// The same for one more bank of resident tokens in the steady state (marginal cycles).
    pub steady_utilisation: f64,
    /// Additions issued at the firing rate.
    pub additions: f64,
    pub traffic: Traffic,
    /// Cycles and traffic of the dense INT8 network of the same shape on the same array (its
    /// twin configuration, `Config::int8_twin`), if that configuration is valid.
    pub int8_cycles: Option<u64>,
    pub int8_traffic: Option<Traffic>,
}

/// Memory traffic of one layer run over the whole sequence, bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Traffic {
    /// Off chip: every weight once per bank of resident tokens.
    pub weights: u64,
    /// Off chip: every activation beat (T codes of `format.input_bits` per token and input for
    /// the ternary engine, one 8-bit code for INT8).
    pub activations: u64,
    /// Off chip: every output value (T per token and output for the ternary engine).
    pub outputs: u64,
    /// weights + activations + outputs.
    pub off_chip: u64,
    /// On chip: the spike (code) buffer written once per code and read once per column block,
    /// and the weight buffer written once per bank and read by the bank's other row blocks.
    pub on_chip: u64,
}

impl Traffic {
    /// The traffic of `params`' engine running `kind` over the whole sequence.
    pub fn of(params: &Params, kind: LayerKind) -> Traffic {
        let s = layer_schedule(params, kind, params.model().seq_len);
        let (f, a) = (params.format(), params.array());
        let (din, dout) = (s.din as u64, s.dout as u64);
        let weight_pass = din * dout * f.weight_bits as u64;
        let weights = s.banks * weight_pass;
        let activations = s.act_beats * params.activation_beat_bits() as u64;
        let outputs = s.out_beats * a.cols as u64 * f.output_bits as u64;
        let codes = s.act_beats * (params.input_steps() as u32 * params.derived.code_bits) as u64;
        let weight_buffer = if params.derived.weight_buf_depth > 0 {
            weights + (s.row_blocks - s.banks) * weight_pass
        } else {
            0
        };
        Traffic {
            weights,
            activations,
            outputs,
            off_chip: weights + activations + outputs,
            on_chip: codes * (1 + s.col_blocks) + weight_buffer,
        }
    }

    /// Memory energy, pJ.
    fn energy_pj(&self) -> f64 {
        self.off_chip as f64 * DRAM_PJ_PER_BIT + self.on_chip as f64 * SRAM_PJ_PER_BIT
    }
}

/// Energy of one sequence under one convention, µJ.
#[derive(Debug, Clone, Serialize)]
pub struct EnergyRow {
    pub convention: &'static str,
    pub source: &'static str,
    pub snn_compute_uj: f64,
    pub snn_memory_uj: f64,
    pub int8_compute_uj: f64,
    pub int8_memory_uj: f64,
}

/// Energy of one sequence at one firing rate, both conventions.
#[derive(Debug, Clone, Serialize)]
pub struct RateEnergy {
    pub firing_rate: f64,
    pub energy: Vec<EnergyRow>,
}

/// Firing rates of the energy sweep: SpikeLM's measured 0.23-0.43 and around it.
pub const SWEEP_RATES: [f64; 6] = [0.05, 0.15, 0.25, 0.35, 0.45, 0.6];

/// The whole estimate.
#[derive(Debug, Clone, Serialize)]
pub struct PerfEstimate {
    pub preset: String,
    pub array: String,
    pub fmax_mhz: f64,
    pub firing_rate: f64,
    pub layers: Vec<LayerPerf>,
    /// Encoder layers (each runs all four shapes).
    pub encoder_layers: u32,
    pub cycles_per_sequence: u64,
    pub latency_ms: f64,
    pub tokens_per_s: f64,
    pub int8_cycles_per_sequence: Option<u64>,
    pub additions_per_sequence: f64,
    pub int8_macs_per_sequence: u64,
    pub on_chip_buffer_bits: u64,
    pub energy: Vec<EnergyRow>,
    /// The same energies at other firing rates (cycles do not depend on it: the schedule is
    /// dense; a zero spike only gates its PE's adder operand, so it toggles nothing there).
    pub energy_vs_firing_rate: Vec<RateEnergy>,
    /// One copy of each non-linear unit per encoder layer (not in the engine, not in the totals).
    pub nonlinear_units: Vec<nonlinear::UnitPerf>,
    /// The attention products of one encoder layer on the array, for the ternary engine and the
    /// INT8 twin: an estimate of a schedule the RTL does not have yet, not in the totals.
    pub attention: attention::LayerAttention,
    pub int8_attention: Option<attention::LayerAttention>,
    pub scope: &'static str,
}

impl PerfEstimate {
    pub fn compute(
        params: &Params,
        fmax_mhz: f64,
        firing_rate: f64,
    ) -> Result<Self, EstimateError> {
        if !(fmax_mhz.is_finite() && fmax_mhz > 0.0) {
            return Err(EstimateError::Fmax(fmax_mhz));
        }
        if !(0.0..=1.0).contains(&firing_rate) {
            return Err(EstimateError::FiringRate(firing_rate));
        }
        let int8 = int8_twin(params);
        let layers: Vec<LayerPerf> = LayerKind::ALL
            .iter()
            .map(|&k| layer_perf(params, int8.as_ref(), k, firing_rate))
            .collect();
        let n_layers = params.model().layers as u64;
        let cycles_per_sequence = n_layers * layers.iter().map(|l| l.cycles).sum::<u64>();
        let int8_cycles_per_sequence = layers
            .iter()
            .map(|l| l.int8_cycles)
            .sum::<Option<u64>>()
            .map(|c| c * n_layers);
        let latency_s = cycles_per_sequence as f64 / (fmax_mhz * 1e6);
        let m = params.model();
        let a = params.array();
        let on_chip_buffer_bits = on_chip_buffer_bits(params);
        let additions_per_sequence =
            n_layers as f64 * layers.iter().map(|l| l.additions).sum::<f64>();
        let int8_macs_per_sequence = n_layers
            * layers
                .iter()
                .map(|l| m.seq_len as u64 * l.din as u64 * l.dout as u64)
                .sum::<u64>();
        let energy = CONVENTIONS
            .iter()
            .map(|c| energy_row(c, params, &layers, n_layers, firing_rate))
            .collect();
        // Additions scale with the rate; everything else in the energy does not.
        let energy_vs_firing_rate = SWEEP_RATES
            .iter()
            .map(|&r| RateEnergy {
                firing_rate: r,
                energy: CONVENTIONS
                    .iter()
                    .map(|c| energy_row(c, params, &layers, n_layers, r))
                    .collect(),
            })
            .collect();
        let nonlinear_units = nonlinear::layer_units(params, layers.iter().map(|l| l.cycles).sum());
        let attention = layer_attention(params);
        let int8_attention = int8.as_ref().map(layer_attention);
        Ok(PerfEstimate {
            preset: params.config.preset.clone(),
            array: format!("{}x{} {}", a.rows, a.cols, a.pe),
            fmax_mhz,
            firing_rate,
            encoder_layers: m.layers,
            cycles_per_sequence,
            latency_ms: latency_s * 1e3,
            tokens_per_s: m.seq_len as f64 / latency_s,
            int8_cycles_per_sequence,
            additions_per_sequence,
            int8_macs_per_sequence,
            on_chip_buffer_bits,
            layers,
            energy,
            energy_vs_firing_rate,
            nonlinear_units,
            attention,
            int8_attention,
            scope: "the four linear sites of every encoder layer (QKV, attention output, FFN in, FFN out); \
                    the attention products are not included (estimated apart); softmax, LayerNorm, GELU, the K/V \
                    quantiser and the residual additions are standalone units, outside the engine and \
                    these totals (their cycles per layer are listed apart)",
        })
    }

    /// Cycles of a sequence with the attention products: the linear sites (the cycle model)
    /// and the products (the estimate of [`attention`]) of every encoder layer.
    pub fn cycles_with_attention(&self) -> u64 {
        u64::from(self.encoder_layers) * self.attention.layer_cycles
    }

    /// The same for the INT8 twin, if its configuration is valid.
    pub fn int8_cycles_with_attention(&self) -> Option<u64> {
        let a = self.int8_attention.as_ref()?;
        Some(u64::from(self.encoder_layers) * a.layer_cycles)
    }

    /// The attention estimate of each engine that has one: the ternary engine, then the INT8
    /// twin if its configuration is valid.
    pub fn attention_by_engine(
        &self,
    ) -> impl Iterator<Item = (&'static str, &attention::LayerAttention)> {
        std::iter::once(("ternary", &self.attention))
            .chain(self.int8_attention.as_ref().map(|a| ("INT8", a)))
    }
}

/// Bits the engine holds on chip: the spike (code) buffers, the weight buffer, the bias memory
/// and the scale memory.
pub fn on_chip_buffer_bits(params: &Params) -> u64 {
    let (f, a, d) = (params.format(), params.array(), &params.derived);
    2 * a.rows as u64 * d.spike_buf_depth as u64 * d.code_bits as u64
        + d.weight_buf_depth as u64 * a.cols as u64 * f.weight_bits as u64
        + d.max_dout as u64 * f.output_bits as u64
        + crate::rtl::regmap::scale_memory_bits(params)
}

/// The attention estimate of one encoder layer of `params`, beside its four linear sites.
fn layer_attention(params: &Params) -> attention::LayerAttention {
    let seq = params.model().seq_len;
    let (cycles, useful) = LayerKind::ALL.iter().fold((0, 0), |(c, u), &k| {
        let s = layer_schedule(params, k, seq);
        (c + s.cycles, u + s.useful_pe_cycles)
    });
    attention::layer_attention(params, cycles, useful)
}

/// The same model on the same array with INT8 multiply-accumulate PEs, if that configuration is valid.
fn int8_twin(params: &Params) -> Option<Params> {
    Params::new(params.config.int8_twin()).ok()
}

fn layer_perf(params: &Params, int8: Option<&Params>, kind: LayerKind, rate: f64) -> LayerPerf {
    let shape = params.derived.shape(kind);
    let (m, a, d) = (params.model(), params.array(), &params.derived);
    let (n, t) = (m.seq_len as u64, m.time_steps as u64);
    let (din, dout) = (shape.din as u64, shape.dout as u64);
    let pes = (a.rows * a.cols) as u64;
    let synaptic_ops = n * t * din * dout;
    let cycles = layer_cycles(params, kind, m.seq_len);
    // One bank (of resident tokens) more, in the steady state: marginal cycles against its
    // useful work.
    let bank = d.tokens_per_row_block * d.blocks_per_bank;
    let steady_utilisation = if m.seq_len >= 2 * bank {
        let marginal = layer_cycles(params, kind, 2 * bank) - layer_cycles(params, kind, bank);
        (bank as u64 * t * din * dout) as f64 / (marginal * pes) as f64
    } else {
        f64::NAN
    };
    LayerPerf {
        layer: kind.name(),
        din: shape.din,
        dout: shape.dout,
        synaptic_ops,
        cycles,
        utilisation: synaptic_ops as f64 / (cycles * pes) as f64,
        steady_utilisation,
        additions: rate * synaptic_ops as f64,
        traffic: Traffic::of(params, kind),
        int8_cycles: int8.map(|p| layer_cycles(p, kind, m.seq_len)),
        int8_traffic: int8.map(|p| Traffic::of(p, kind)),
    }
}

/// Energy of one sequence at firing rate `rate` (only the additions depend on it).
fn energy_row(
    c: &Convention,
    params: &Params,
    layers: &[LayerPerf],
    n_layers: u64,
    rate: f64,
) -> EnergyRow {
    let m = params.model();
    let (n, t) = (m.seq_len as f64, m.time_steps as f64);
    let mut row = EnergyRow {
        convention: c.name,
        source: c.source,
        snn_compute_uj: 0.0,
        snn_memory_uj: 0.0,
        int8_compute_uj: 0.0,
        int8_memory_uj: 0.0,
    };
    for l in layers {
        let (din, dout) = (l.din as f64, l.dout as f64);
        // The amplitude stage multiplies once per output value.
        row.snn_compute_uj += rate * l.synaptic_ops as f64 * c.e_ac_pj + n * t * dout * c.e_mac_pj;
        row.snn_memory_uj += l.traffic.energy_pj();
        row.int8_compute_uj += n * din * dout * c.e_mac_pj + n * dout * c.e_mac_pj;
        // NaN (null in JSON) when the INT8 twin is not a valid configuration.
        row.int8_memory_uj += l.int8_traffic.map_or(f64::NAN, |t| t.energy_pj());
    }
    let scale = n_layers as f64 * 1e-6;
    row.snn_compute_uj *= scale;
    row.snn_memory_uj *= scale;
    row.int8_compute_uj *= scale;
    row.int8_memory_uj *= scale;
    row
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    #[test]
    fn the_firing_rate_sweep_does_not_depend_on_the_rate_asked_for() {
        let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("preset");
        let at = |rate: f64| PerfEstimate::compute(&p, 100.0, rate).expect("estimate");
        let (zero, some) = (at(0.0), at(0.35));
        for (a, b) in zero
            .energy_vs_firing_rate
            .iter()
            .zip(&some.energy_vs_firing_rate)
        {
            assert_eq!(a.energy[0].snn_compute_uj, b.energy[0].snn_compute_uj);
        }
        // More spikes, more additions.
        let sweep = &zero.energy_vs_firing_rate;
        assert!(sweep[1].energy[0].snn_compute_uj > sweep[0].energy[0].snn_compute_uj);
    }
}
