//! Corner-case coverage of one run, counted from the stimulus and the model's expected values,
//! so a directed case can show that it reached the corner it aims at.

use super::expected::Expected;
use super::stimulus::{signed_range, weight_max, LayerStimulus};
use crate::config::Params;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Membranes exactly at a firing tie, 2U = ±A.
    pub exact_ties: u64,
    /// Membranes one LSB beyond a tie (2U = ±A ± 2 or ±(A+1) for odd A): the nearest spikes.
    pub near_ties: u64,
    /// Membranes at the saturation bounds of MW.
    pub membrane_at_bound: u64,
    /// Outputs at the saturation bounds of YW.
    pub output_at_bound: u64,
    /// Weights at ±(2^(WB-1) - 1).
    pub weight_at_max: u64,
    pub spikes_pos: u64,
    pub spikes_neg: u64,
    pub spikes_zero: u64,
    /// Non-zero spikes per time step (the firing rate's numerator; T <= 16 by validation).
    pub nonzero_per_t: [u64; 16],
    /// Spikes per time step (tokens x Din), the firing rate's denominator.
    pub spikes_per_t: u64,
}

impl Coverage {
    /// Non-zero spikes per neuron and time step, for the time steps that ran.
    pub fn firing_rate_per_t(&self, time_steps: usize) -> Vec<f64> {
        if self.spikes_per_t == 0 {
            return Vec::new();
        }
        self.nonzero_per_t[..time_steps.min(16)]
            .iter()
            .map(|&n| n as f64 / self.spikes_per_t as f64)
            .collect()
    }
}

pub fn measure(params: &Params, s: &LayerStimulus, e: &Expected) -> Coverage {
    let f = params.format();
    let (mlo, mhi) = signed_range(f.membrane_bits);
    let (ylo, yhi) = signed_range(f.output_bits);
    let wmax = weight_max(params);
    let mut c = Coverage::default();
    for ((t, _, _), &u) in e.mem.indexed_iter() {
        let a = i128::from(s.alpha[t]);
        let two_u = 2 * i128::from(u);
        if params.array().pe != crate::config::PeKind::Ternary {
            // The INT8 baseline has no comparator; dbg_mem echoes the activation.
        } else if two_u.abs() == a {
            c.exact_ties += 1;
        } else if (two_u.abs() - a).abs() <= 2 {
            c.near_ties += 1;
        }
        if u == mlo || u == mhi {
            c.membrane_at_bound += 1;
        }
    }
    let (_, n, din) = e.spike.dim();
    c.spikes_per_t = (n * din) as u64;
    for ((t, _, _), &q) in e.spike.indexed_iter() {
        if q != 0 && t < 16 {
            c.nonzero_per_t[t] += 1;
        }
        match q {
            1 => c.spikes_pos += 1,
            -1 => c.spikes_neg += 1,
            _ => c.spikes_zero += 1,
        }
    }
    c.output_at_bound = e.y.iter().filter(|&&y| y == ylo || y == yhi).count() as u64;
    c.weight_at_max = s.w.iter().filter(|&&w| w.abs() == wmax).count() as u64;
    c
}
