//! Firing-rate counters: per time step the number of +1 spikes, of −1 spikes and of synaptic
//! additions issued (one per non-zero spike per output = non-zero spikes × Dout). 32 bits,
//! saturating, as the hardware's counters (docs/engine.md, POS/NEG/ADD_COUNT).

use ndarray::{ArrayView3, Axis};
use serde::Serialize;

/// The three counters of one time step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StepCounters {
    pub pos: u32,
    pub neg: u32,
    pub adds: u32,
}

impl StepCounters {
    /// Count one spike arriving at an engine with `dout` outputs (32-bit saturating).
    pub fn record(&mut self, q: i8, dout: u32) {
        match q {
            1 => {
                self.pos = self.pos.saturating_add(1);
                self.adds = self.adds.saturating_add(dout);
            }
            -1 => {
                self.neg = self.neg.saturating_add(1);
                self.adds = self.adds.saturating_add(dout);
            }
            _ => {}
        }
    }
}

/// Counters of a whole run, one entry per time step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    pub per_step: Vec<StepCounters>,
}

impl Counters {
    /// Count the spikes `q` [T, N, Din] of a layer with `dout` outputs.
    pub fn count(q: ArrayView3<i8>, dout: usize) -> Self {
        let dout = u32::try_from(dout).unwrap_or(u32::MAX);
        let per_step = q
            .axis_iter(Axis(0))
            .map(|q_t| {
                // Counting in 64 bits and clamping once equals saturating each increment.
                let (pos, neg) = q_t.fold((0u64, 0u64), |(p, n), &s| {
                    (p + u64::from(s == 1), n + u64::from(s == -1))
                });
                let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                StepCounters {
                    pos: clamp(pos),
                    neg: clamp(neg),
                    adds: clamp((pos + neg).saturating_mul(u64::from(dout))),
                }
            })
            .collect();
        Counters { per_step }
    }
}

#[cfg(test)]
mod tests;
