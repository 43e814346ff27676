//! The harness's result file, and its first mismatches decoded into layer, time step, token,
//! neuron or output index, cycle, signal, expected and actual.

use super::bits::unpack_lane;
use super::expected::spike_value;
use super::vectors::{beat_position, spike_position, Probe, RegCheck};
use crate::config::{LayerShape, Params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct StreamCounts {
    pub act: u64,
    pub wgt: u64,
    pub out: u64,
    pub spike: u64,
    pub acc: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FirstMismatch {
    pub index: u64,
    pub cycle: u64,
    /// The cycle of the START write the mismatch belongs to, the back-to-back run (0 = the
    /// first) and the reset pulses before it.
    #[serde(default)]
    pub start: Option<u64>,
    #[serde(default)]
    pub run: Option<u64>,
    #[serde(default)]
    pub resets: Option<u64>,
    pub expected: Vec<u32>,
    pub actual: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckResult {
    pub compared: u64,
    pub mismatches: u64,
    pub extra: u64,
    pub first: Option<FirstMismatch>,
}

/// What the harness writes (testbenches/harness.cpp.tera).
#[derive(Debug, Clone, Deserialize)]
pub struct HarnessResult {
    pub status: String,
    pub detail: String,
    /// Control events replayed, how many of them were reset pulses, and the runs made.
    pub events: u64,
    pub resets: u64,
    pub runs: u64,
    pub cycles_total: u64,
    pub start_cycle: u64,
    pub done_cycle: u64,
    pub saw_done: bool,
    pub consumed: StreamCounts,
    pub expected: StreamCounts,
    pub reg_values: Vec<u32>,
    pub load_seconds: f64,
    pub sim_seconds: f64,
    /// CPU time of the simulation loop (the machine may be shared).
    pub sim_cpu_seconds: f64,
    pub checks: BTreeMap<String, CheckResult>,
}

/// One mismatch, located.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mismatch {
    pub layer: String,
    /// The compared signal: `dbg_spike`, `dbg_mem`, `dbg_acc`, `m_out_tdata`, `m_out_tlast`,
    /// a register name, or `stream` for missing/extra beats and hangs.
    pub signal: String,
    /// Clock cycle counted from the START write.
    pub cycle: u64,
    pub time_step: Option<usize>,
    pub token: Option<usize>,
    /// Input feature i (spikes, membranes) or output feature j (accumulators, outputs).
    pub neuron: Option<usize>,
    /// Position in its stream (pulse or beat number).
    pub position: u64,
    pub expected: String,
    pub actual: String,
    /// Further lanes of the same beat that differ too.
    pub other_lanes: usize,
    /// All mismatches of this signal in the run.
    pub count: u64,
    /// Where in the host sequence it happened, when not in the first run from power-on: after
    /// a reset pulse mid-run, or in a later back-to-back run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "layer {} signal {} cycle {}",
            self.layer, self.signal, self.cycle
        )?;
        if let Some(t) = self.time_step {
            write!(f, " t={t}")?;
        }
        if let Some(n) = self.token {
            write!(f, " token={n}")?;
        }
        if let Some(j) = self.neuron {
            let what = if self.signal.starts_with("dbg_spike") || self.signal.starts_with("dbg_mem")
            {
                "input"
            } else {
                "output"
            };
            write!(f, " {what}={j}")?;
        }
        write!(
            f,
            " (#{}): expected {}, actual {}",
            self.position, self.expected, self.actual
        )?;
        if self.other_lanes > 0 {
            write!(f, " (+{} more lanes of this beat)", self.other_lanes)?;
        }
        if self.count > 1 {
            let what = if self.signal.starts_with("dbg_") || self.signal.starts_with("m_out") {
                "values of this signal"
            } else {
                "registers"
            };
            write!(f, "; {} mismatching {what} in the run", self.count)?;
        }
        if let Some(note) = &self.note {
            write!(f, " [{note}]")?;
        }
        Ok(())
    }
}

fn spike_text(code: u32) -> String {
    match spike_value(code) {
        Some(0) => "0 (2'b00)".to_string(),
        Some(q) => format!("{q:+} (2'b{:02b})", code & 3),
        None => format!("illegal 2'b{:02b}", code & 3),
    }
}

/// Decode every class with a mismatch into a located [`Mismatch`], earliest cycle first.
pub fn decode(
    params: &Params,
    layer: LayerShape,
    tokens: usize,
    r: &HarnessResult,
    regs: &[RegCheck],
    probes: &[Probe],
) -> Vec<Mismatch> {
    let f = params.format();
    let cols = params.array().cols as usize;
    let name = layer.kind.name().to_string();
    let rel = |c: u64| c.saturating_sub(r.start_cycle);
    let mut out = Vec::new();
    for (class, check) in &r.checks {
        let Some(first) = &check.first else { continue };
        let cycle = match first.start {
            Some(s) => first.cycle.saturating_sub(s),
            None => rel(first.cycle),
        };
        let base = Mismatch {
            layer: name.clone(),
            signal: String::new(),
            cycle,
            time_step: None,
            token: None,
            neuron: None,
            position: first.index,
            expected: String::new(),
            actual: String::new(),
            other_lanes: 0,
            count: check.mismatches,
            note: where_in_sequence(first.run.unwrap_or(0), first.resets.unwrap_or(0)),
        };
        let m = match class.as_str() {
            "spike" | "mem" => {
                let (n, i, t) = spike_position(params, layer.din as usize, first.index as usize);
                let (signal, exp, act) = if class == "spike" {
                    (
                        "dbg_spike",
                        spike_text(first.expected[0]),
                        spike_text(first.actual[0]),
                    )
                } else {
                    let e = unpack_lane(&first.expected, f.membrane_bits, 0);
                    let a = unpack_lane(&first.actual, f.membrane_bits, 0);
                    ("dbg_mem", e.to_string(), a.to_string())
                };
                Mismatch {
                    signal: signal.into(),
                    time_step: Some(t),
                    token: Some(n),
                    neuron: Some(i),
                    expected: exp,
                    actual: act,
                    ..base
                }
            }
            "acc" | "out" => {
                let width = if class == "acc" {
                    params.derived.acc_bits
                } else {
                    f.output_bits
                };
                let (n, t, cb) =
                    beat_position(params, tokens, layer.dout as usize, first.index as usize);
                let differing: Vec<usize> = (0..cols)
                    .filter(|&c| {
                        unpack_lane(&first.expected, width, c)
                            != unpack_lane(&first.actual, width, c)
                    })
                    .collect();
                let c = differing.first().copied().unwrap_or(0);
                Mismatch {
                    signal: if class == "acc" {
                        "dbg_acc"
                    } else {
                        "m_out_tdata"
                    }
                    .into(),
                    time_step: Some(t),
                    token: Some(n),
                    neuron: Some(cb * cols + c),
                    expected: unpack_lane(&first.expected, width, c).to_string(),
                    actual: unpack_lane(&first.actual, width, c).to_string(),
                    other_lanes: differing.len().saturating_sub(1),
                    ..base
                }
            }
            "tlast" => {
                let (n, t, _) =
                    beat_position(params, tokens, layer.dout as usize, first.index as usize);
                Mismatch {
                    signal: "m_out_tlast".into(),
                    time_step: Some(t),
                    token: Some(n),
                    expected: first.expected[0].to_string(),
                    actual: first.actual[0].to_string(),
                    ..base
                }
            }
            "busy" => Mismatch {
                signal: "STATUS.BUSY".into(),
                expected: "1 (busy before DONE)".into(),
                actual: format!("STATUS = {:#x}", first.actual[0]),
                ..base
            },
            "reset" => {
                // A probe after a reset: its name says what was read after what.
                let probe = probes.get(first.index as usize);
                let name = probe.map_or("register after reset", |p| p.name.as_str());
                let register = name.split(' ').next().unwrap_or(name);
                Mismatch {
                    signal: name.to_string(),
                    expected: probe.map_or_else(
                        || first.expected[0].to_string(),
                        |p| p.expected_text.clone(),
                    ),
                    actual: format!("{register} = {:#x}", first.actual[0]),
                    ..base
                }
            }
            "reg" => {
                let reg = regs.get(first.index as usize);
                let counted = reg.is_some_and(|g| g.observed_cycles);
                Mismatch {
                    signal: reg
                        .map(|g| g.name.clone())
                        .unwrap_or_else(|| "register".into()),
                    expected: if counted {
                        format!(
                            "{} (cycles from the START write to the final output beat, counted \
                             by the harness, and DONE_STAGES)",
                            first.expected[0]
                        )
                    } else {
                        first.expected[0].to_string()
                    },
                    actual: if counted {
                        format!("{} (CYCLES register)", first.actual[0])
                    } else {
                        first.actual[0].to_string()
                    },
                    ..base
                }
            }
            _ => continue,
        };
        out.push(m);
    }
    let (c, e) = (&r.consumed, &r.expected);
    let short: Vec<String> = [
        ("activation beats accepted", c.act, e.act),
        ("weight beats accepted", c.wgt, e.wgt),
        ("output beats", c.out, e.out),
        ("spikes on dbg_spike", c.spike, e.spike),
        ("dbg_acc rows", c.acc, e.acc),
    ]
    .iter()
    .filter(|(_, got, want)| got < want)
    .map(|(what, got, want)| format!("{what}: {got} of {want}"))
    .collect();
    let failed_closed = !matches!(r.status.as_str(), "ok" | "mismatch");
    if failed_closed || !short.is_empty() {
        let detail = if failed_closed {
            r.detail.clone()
        } else {
            format!("run ended early; {}", short.join(", "))
        };
        let mut problem = stream_problem(&name, rel(r.cycles_total), contract(&r.status), detail);
        problem.note = where_in_sequence(r.runs.saturating_sub(1), r.resets);
        out.push(problem);
    }
    // One dbg_spike pulse carries several spikes (and their membranes): within a cycle the
    // earlier spike in stream order comes first, and a spike before its own membrane.
    out.sort_by_key(|m| (m.cycle, m.position, m.signal != "dbg_spike"));
    out
}

/// What a run that stopped with harness status `status` broke (testbenches/harness.cpp.tera).
fn contract(status: &str) -> &'static str {
    match status {
        "hang" => "DONE within the cycle cap",
        "extra" => "no beat or pulse after the last",
        "early_done" => "DONE only after the last output beat",
        "protocol" => "AXI4-Stream protocol",
        _ => "complete run",
    }
}

/// The note of a mismatch in back-to-back run `run` (0 = the first) after `resets` reset pulses
/// (a later run follows the pulses, which then need no mention).
fn where_in_sequence(run: u64, resets: u64) -> Option<String> {
    if run > 0 {
        return Some(format!(
            "in back-to-back run {} (registers and START again after DONE, no reset)",
            run + 1
        ));
    }
    match resets {
        0 => None,
        1 => Some("after the reset pulse mid-run".to_string()),
        n => Some(format!("after {n} reset pulses mid-run")),
    }
}

fn stream_problem(layer: &str, cycle: u64, expected: &str, detail: String) -> Mismatch {
    Mismatch {
        layer: layer.to_string(),
        signal: "stream".into(),
        cycle,
        time_step: None,
        token: None,
        neuron: None,
        position: 0,
        expected: expected.into(),
        actual: detail,
        other_lanes: 0,
        count: 1,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LayerKind;
    use crate::sim::bits::pack_lanes;

    #[test]
    fn an_output_mismatch_is_located_by_lane() {
        let p = Params::load("spikelm-bert-tiny", None, &[]).expect("preset");
        let layer = p.derived.shape(LayerKind::AttnOut);
        let mut expected = Vec::new();
        pack_lanes([1i64, 2, 3, 4, 5, 6, 7, 8], 16, 8, &mut expected);
        let mut actual = Vec::new();
        pack_lanes([1i64, 2, 3, -4, 5, 6, 7, 9], 16, 8, &mut actual);
        let json = serde_json::json!({
            "status": "mismatch", "detail": "", "events": 0, "resets": 0, "runs": 1, "cycles_total": 500, "start_cycle": 100,
            "done_cycle": 480, "saw_done": true,
            "consumed": {"act": 1, "wgt": 1, "out": 1, "spike": 1, "acc": 1},
            "expected": {"act": 1, "wgt": 1, "out": 1, "spike": 1, "acc": 1},
            "reg_values": [], "load_seconds": 0.0, "sim_seconds": 0.0, "sim_cpu_seconds": 0.0,
            "checks": {"out": {"compared": 10, "mismatches": 3, "extra": 0,
                "first": {"index": 13, "cycle": 350, "expected": expected, "actual": actual}}}
        });
        let r: HarnessResult = serde_json::from_value(json).expect("harness result");
        let m = decode(&p, layer, 2, &r, &[], &[]);
        assert_eq!(m.len(), 1);
        let m = &m[0];
        // Beat 13 = column block 1, row 5 = token 1, t = 1; lane 3 -> output 8 + 3.
        assert_eq!(m.signal, "m_out_tdata");
        assert_eq!(
            (m.token, m.time_step, m.neuron),
            (Some(1), Some(1), Some(11))
        );
        assert_eq!((m.expected.as_str(), m.actual.as_str()), ("4", "-4"));
        assert_eq!(m.other_lanes, 1);
        assert_eq!(m.cycle, 250);
        assert_eq!(m.count, 3);
        let text = m.to_string();
        assert!(
            text.contains("signal m_out_tdata cycle 250 t=1 token=1 output=11"),
            "{text}"
        );
    }
}
