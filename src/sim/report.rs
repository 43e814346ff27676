//! The co-simulation summary: per run and in total, as a table for people and as JSON.

use super::build::{BuiltHarness, Verilator};
use super::cases::Case;
use super::coverage::Coverage;
use super::outcome::Mismatch;
use super::rtl_tree::RtlTree;
use crate::config::Params;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Values compared, per signal class.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ClassCounts {
    /// dbg_spike pulses.
    pub spikes: u64,
    /// dbg_mem values.
    pub membranes: u64,
    /// Accumulator values (dbg_acc rows × columns).
    pub accumulators: u64,
    /// Output values (beats × columns).
    pub outputs: u64,
    /// tlast flags.
    pub tlast: u64,
    /// Registers read back (counters, STATUS, INFO, LAYER, TOKENS, OUT_SHIFT).
    pub registers: u64,
}

impl ClassCounts {
    fn add(&mut self, o: &ClassCounts) {
        self.spikes += o.spikes;
        self.membranes += o.membranes;
        self.accumulators += o.accumulators;
        self.outputs += o.outputs;
        self.tlast += o.tlast;
        self.registers += o.registers;
    }
    pub fn total(&self) -> u64 {
        self.spikes
            + self.membranes
            + self.accumulators
            + self.outputs
            + self.tlast
            + self.registers
    }
}

/// Where time went, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timing {
    /// Stimulus and reference model.
    pub model_s: f64,
    /// Verilator builds (0 when cached).
    pub build_s: f64,
    /// The RTL simulation loop, including the inline comparison.
    pub rtl_s: f64,
    /// CPU time of the RTL simulation loop (less than `rtl_s` when other jobs share the cores).
    pub rtl_cpu_s: f64,
    /// Vector file writing, harness loading, result parsing, process start.
    pub io_s: f64,
    pub wall_s: f64,
}

/// A waveform file and how to look at it.
#[derive(Debug, Clone, Serialize)]
pub struct Waveform {
    pub path: String,
    pub open_command: String,
}

impl Waveform {
    pub fn at(path: &Path) -> Self {
        Waveform {
            path: path.display().to_string(),
            open_command: format!("gtkwave {}", path.display()),
        }
    }
}

/// One START of the engine: one case on one layer shape.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub case: Case,
    pub layer: String,
    pub din: u32,
    pub dout: u32,
    pub tokens: u32,
    pub seed: u64,
    pub stall: f64,
    /// No stream stalled (CYCLES must equal the cycle model).
    pub stall_free: bool,
    /// The stall pattern of the activation, weight and output stream.
    pub streams: [String; 3],
    /// Control events replayed during the run, how many of them were reset pulses, and the
    /// back-to-back runs made.
    pub events: u64,
    pub resets: u64,
    pub runs: u64,
    /// The harness's verdict: `ok`, `mismatch`, `hang` (no DONE within the cycle cap), `extra`
    /// (a beat or pulse after the last), `early_done` or `protocol` (AXI4-Stream violation).
    pub status: String,
    pub compared: ClassCounts,
    pub mismatch_count: u64,
    /// The first mismatch of each signal, earliest first.
    pub mismatches: Vec<Mismatch>,
    /// The CYCLES register after the run.
    pub cycles_register: u32,
    /// Cycles from the START write until the harness saw DONE (STATUS is polled every 16).
    pub cycles_to_done_seen: u64,
    /// Every simulated clock cycle of the run, reset and register traffic included.
    pub cycles_simulated: u64,
    /// `perf::cycles::layer_cycles` for this shape and token count.
    pub cycles_model: Option<u64>,
    /// Array cycles with a reduction step (weight beats accepted).
    pub busy_cycles: u64,
    /// busy_cycles × PEs.
    pub pe_updates: u64,
    pub coverage: Coverage,
    pub timing: Timing,
    pub vectors: String,
    pub vector_bytes: u64,
    /// Runs the harness again on the same vectors.
    pub rerun_command: String,
    pub waveform: Option<Waveform>,
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.status == "ok"
            && self.mismatch_count == 0
            && self.mismatches.is_empty()
            && self.cycles_agree() != Some(false)
    }

    /// Whether CYCLES equals the cycle model; `None` when streams stalled or no model exists.
    pub fn cycles_agree(&self) -> Option<bool> {
        if !self.stall_free {
            return None;
        }
        self.cycles_model
            .map(|m| m == u64::from(self.cycles_register))
    }
}

/// The whole co-simulation.
#[derive(Debug, Clone, Serialize)]
pub struct SimReport {
    pub passed: bool,
    pub preset: String,
    pub config_hash: String,
    pub array: String,
    pub alpha_mode: String,
    pub rtl_dir: String,
    pub verilator: String,
    pub harness_build: String,
    pub harness_cached: bool,
    pub build_command: String,
    pub runs: Vec<RunReport>,
    pub compared: ClassCounts,
    pub mismatches: u64,
    pub first_mismatch: Option<Mismatch>,
    pub cycles_simulated: u64,
    pub busy_cycles: u64,
    pub pe_updates: u64,
    pub cycles_per_second: f64,
    pub pe_updates_per_second: f64,
    /// PE-updates per CPU second of the simulation loop.
    pub pe_updates_per_cpu_second: f64,
    pub timing: Timing,
    pub waveform: Option<Waveform>,
    pub notes: Vec<String>,
}

impl SimReport {
    pub fn new(params: &Params, tree: &RtlTree, v: &Verilator, build: &BuiltHarness) -> Self {
        let a = params.array();
        SimReport {
            passed: false,
            preset: params.config.preset.clone(),
            config_hash: params.derived.config_hash.clone(),
            array: format!("{}x{}", a.rows, a.cols),
            alpha_mode: params.format().alpha_mode.to_string(),
            rtl_dir: tree.dir.display().to_string(),
            verilator: v.version.clone(),
            harness_build: build.dir.display().to_string(),
            harness_cached: build.cached,
            build_command: build.command.clone(),
            runs: Vec::new(),
            compared: ClassCounts::default(),
            mismatches: 0,
            first_mismatch: None,
            cycles_simulated: 0,
            busy_cycles: 0,
            pe_updates: 0,
            cycles_per_second: 0.0,
            pe_updates_per_second: 0.0,
            pe_updates_per_cpu_second: 0.0,
            timing: Timing::default(),
            waveform: None,
            notes: [counter_note(params), membrane_note(params)].concat(),
        }
    }

    pub fn push(&mut self, run: RunReport) {
        self.runs.push(run);
    }

    /// Totals, speeds, the first mismatch overall.
    pub fn finish(&mut self) {
        let mut c = ClassCounts::default();
        for r in &self.runs {
            c.add(&r.compared);
            self.mismatches += r.mismatch_count
                + r.mismatches
                    .iter()
                    .filter(|m| m.signal == "stream" || m.signal == "CYCLES")
                    .count() as u64;
            self.cycles_simulated += r.cycles_simulated;
            self.busy_cycles += r.busy_cycles;
            self.pe_updates += r.pe_updates;
            self.timing.model_s += r.timing.model_s;
            self.timing.rtl_s += r.timing.rtl_s;
            self.timing.rtl_cpu_s += r.timing.rtl_cpu_s;
            self.timing.io_s += r.timing.io_s;
            if self.first_mismatch.is_none() {
                self.first_mismatch = r.mismatches.first().cloned();
            }
        }
        self.compared = c;
        if self.timing.rtl_s > 0.0 {
            self.cycles_per_second = self.cycles_simulated as f64 / self.timing.rtl_s;
            self.pe_updates_per_second = self.pe_updates as f64 / self.timing.rtl_s;
        }
        if self.timing.rtl_cpu_s > 0.0 {
            self.pe_updates_per_cpu_second = self.pe_updates as f64 / self.timing.rtl_cpu_s;
        }
        self.passed = !self.runs.is_empty() && self.runs.iter().all(RunReport::passed);
    }

    /// The human-readable summary.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "co-simulation {} ({} {}, alpha {}, config {})",
            if self.passed { "PASSED" } else { "FAILED" },
            self.preset,
            self.array,
            self.alpha_mode,
            self.config_hash
        );
        let _ = writeln!(
            s,
            "RTL {}  harness {}{}",
            self.rtl_dir,
            self.harness_build,
            if self.harness_cached { " (cached)" } else { "" }
        );
        let _ = writeln!(
            s,
            "\n{:<20} {:<9} {:>5} {:>5} {:>4} {:>5} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7} {:>10} {:>12} {:>8} {:>7}",
            "case", "layer", "Din", "Dout", "N", "stall", "spikes", "mems", "accs", "outputs", "ties", "U@sat", "Y@sat", "CYCLES", "model", "mismatch", "rtl s"
        );
        for r in &self.runs {
            let model = match (r.cycles_model, r.cycles_agree()) {
                (Some(m), Some(true)) => format!("{m} ="),
                (Some(m), Some(false)) => format!("{m} !"),
                (Some(m), None) => format!("({m})"),
                (None, _) => "-".into(),
            };
            let _ = writeln!(
                s,
                "{:<20} {:<9} {:>5} {:>5} {:>4} {:>5.2} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7} {:>10} {:>12} {:>8} {:>7.2}",
                r.case.name(),
                r.layer,
                r.din,
                r.dout,
                r.tokens,
                r.stall,
                r.compared.spikes,
                r.compared.membranes,
                r.compared.accumulators,
                r.compared.outputs,
                r.coverage.exact_ties,
                r.coverage.membrane_at_bound,
                r.coverage.output_at_bound,
                r.cycles_register,
                model,
                r.mismatch_count,
                r.timing.rtl_s
            );
        }
        let _ = writeln!(
            s,
            "(ties: membranes exactly at 2U = ±A; U@sat, Y@sat: values at the MW/YW bounds; \
             model: perf::cycles, `=` equal, `!` different, (..) not comparable under stalls)"
        );
        let c = &self.compared;
        let _ = writeln!(
            s,
            "\ncompared {} values: {} spikes, {} membranes, {} accumulators, {} outputs, {} tlast, {} registers; {} mismatches",
            c.total(), c.spikes, c.membranes, c.accumulators, c.outputs, c.tlast, c.registers, self.mismatches
        );
        let _ = writeln!(
            s,
            "simulated {} cycles ({} array-busy, {} PE-updates): {:.0} cycles/s, {:.1} M PE-updates/s \
             ({:.1} M per CPU second)",
            self.cycles_simulated,
            self.busy_cycles,
            self.pe_updates,
            self.cycles_per_second,
            self.pe_updates_per_second / 1e6,
            self.pe_updates_per_cpu_second / 1e6
        );
        let t = &self.timing;
        let _ = writeln!(
            s,
            "time: model {:.2} s, build {:.2} s, RTL sim {:.2} s ({:.2} s CPU), harness I/O {:.2} s, wall {:.2} s",
            t.model_s, t.build_s, t.rtl_s, t.rtl_cpu_s, t.io_s, t.wall_s
        );
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        if let Some(m) = &self.first_mismatch {
            let _ = writeln!(s, "\nFIRST MISMATCH: {m}");
            if let Some(r) = self.runs.iter().find(|r| !r.passed()) {
                for other in r.mismatches.iter().skip(1) {
                    let _ = writeln!(s, "  also: {other}");
                }
                let _ = writeln!(s, "rerun the harness: {}", r.rerun_command);
            }
        }
        if let Some(w) = &self.waveform {
            let _ = writeln!(s, "waveform: {}\n  open it: {}", w.path, w.open_command);
        } else {
            for (r, w) in self
                .runs
                .iter()
                .filter_map(|r| r.waveform.as_ref().map(|w| (r, w)))
            {
                let _ = writeln!(
                    s,
                    "waveform of {} {}: {}  (open it: {})",
                    r.case.name(),
                    r.layer,
                    w.path,
                    w.open_command
                );
            }
        }
        s
    }
}

/// Whether the 32-bit firing-rate counters can saturate in one run of this configuration.
fn counter_note(params: &Params) -> Vec<String> {
    let seq = u64::from(params.model().seq_len);
    let most = params
        .derived
        .layer_shapes
        .iter()
        .map(|l| seq * u64::from(l.din) * u64::from(l.dout))
        .max()
        .unwrap_or(0);
    if most < u64::from(u32::MAX) {
        vec![format!(
            "counter saturation is unreachable here: ADD_COUNT[t] is at most seq_len × Din × Dout = {most} \
             < 2^32 - 1 in one run, and START clears the counters"
        )]
    } else {
        vec![format!(
            "counter saturation is reachable in principle (seq_len × Din × Dout = {most}) but needs \
             more than 2^32 synaptic additions at one time step; not simulated"
        )]
    }
}

/// Whether inputs can drive the membrane to its MW-bit bound within T steps: the fastest growth
/// is a −1 spike at every step, |U_t| ≤ |U_{t-1}|·A_max / 2^(F+1) + 2^(XW-1), with A_max = 2^AW.
fn membrane_note(params: &Params) -> Vec<String> {
    if params.array().pe != crate::config::PeKind::Ternary {
        return vec![
            "int8_mac baseline: no neuron; dbg_spike/dbg_mem echo each activation (0, x) and the \
             spike counters read 0"
                .into(),
        ];
    }
    let f = params.format();
    let x_max = 2f64.powi(f.input_bits as i32 - 1);
    let growth = 2f64.powi(f.alpha_bits as i32 - f.frac_bits as i32 - 1);
    let mut u = 0.0;
    for _ in 0..params.model().time_steps {
        u = u * growth + x_max;
    }
    let bound = 2f64.powi(f.membrane_bits as i32 - 1);
    if u < bound {
        vec![format!(
            "membrane saturation is unreachable here: |U| stays below about {u:.3e} < 2^{} in {} steps \
             (reach it with a smaller format.membrane_bits)",
            f.membrane_bits - 1,
            params.model().time_steps
        )]
    } else {
        Vec::new()
    }
}
