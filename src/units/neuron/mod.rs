//! The membrane spike encoder of one (token, input) pair over T time steps (docs/arithmetic.md):
//!
//! ```text
//! L_t = 0                            if t = 0 or q_{t-1} = +1     (reset after +1)
//!     = R(U_{t-1} · A_{t-1}, F + 2)  if q_{t-1} = 0               (leak by 0.25·α)
//!     = R(U_{t-1} · A_{t-1}, F + 1)  if q_{t-1} = -1              (keep at 0.5·α)
//! U_t = sat_MW(L_t + X_t)
//! q_t = +1 if 2·U_t > A_t;  -1 if 2·U_t < -A_t;  else 0
//! ```

use crate::config::NumericFormat;
use crate::model::fixed::{round_shift, sat};
use crate::model::ModelError;
use ndarray::{Array3, ArrayView3, Axis};

/// The comparator shared by the neuron and the memoryless quantiser: round(u / α) clamped to
/// ±1 with ties (u/α = ±0.5) to 0, i.e. +1 iff 2u > a, −1 iff 2u < −a. Formed in 128 bits.
#[inline]
pub fn spike(u: i64, a: i64) -> i8 {
    let twice = 2 * u as i128;
    let a = a as i128;
    if twice > a {
        1
    } else if twice < -a {
        -1
    } else {
        0
    }
}

/// The leak term L_t from the previous step's membrane, spike and α code. The product is formed
/// at full width and L_t is kept at full width (only L_t + X_t saturates).
#[inline]
pub fn leak(u_prev: i64, q_prev: i8, a_prev: i64, frac_bits: u32) -> i64 {
    match q_prev {
        1 => 0,
        0 => round_shift(u_prev.wrapping_mul(a_prev), frac_bits + 2),
        _ => round_shift(u_prev.wrapping_mul(a_prev), frac_bits + 1),
    }
}

/// One neuron lane: holds U, q and A of the previous step, like the hardware's lane register.
#[derive(Debug, Clone)]
pub struct Neuron {
    frac_bits: u32,
    membrane_bits: u32,
    /// (U_{t-1}, q_{t-1}, A_{t-1}); None before the first step (t = 0 gives L = 0).
    prev: Option<(i64, i8, i64)>,
}

impl Neuron {
    pub fn new(format: &NumericFormat) -> Self {
        Neuron {
            frac_bits: format.frac_bits,
            membrane_bits: format.membrane_bits,
            prev: None,
        }
    }

    /// Advance one time step with input code `x` (X_t) and effective α code `a` (A_t);
    /// returns (U_t, q_t).
    pub fn step(&mut self, x: i64, a: i64) -> (i64, i8) {
        let l = match self.prev {
            None => 0,
            Some((u, q, a_prev)) => leak(u, q, a_prev, self.frac_bits),
        };
        let u = sat(l.saturating_add(x), self.membrane_bits);
        let q = spike(u, a);
        self.prev = Some((u, q, a));
        (u, q)
    }
}

/// Encode one (token, input) pair: inputs X_t and effective α codes A_t for t = 0..T
/// (`alphas` at least as long as `x`). Returns (U_t, q_t) per step.
pub fn encode(format: &NumericFormat, x: &[i64], alphas: &[i64]) -> Vec<(i64, i8)> {
    let mut lane = Neuron::new(format);
    x.iter()
        .zip(alphas)
        .map(|(&x, &a)| lane.step(x, a))
        .collect()
}

/// The neuron over every (token, input) pair of `x` [T, N, Din] with effective α codes A_t
/// (`alphas.len() == T`): returns (U, q), both [T, N, Din]. Same values as [`encode`] per pair
/// (the tests check it); here lanes are split over threads and each thread steps its lanes
/// through all time steps with the state in contiguous vectors.
///
/// α codes must be in 1..=2^AW and MW + AW + 1 ≤ 64 (checked), so every product fits 64 bits.
pub fn encode_layer(
    format: &NumericFormat,
    x: ArrayView3<i64>,
    alphas: &[i64],
) -> Result<(Array3<i64>, Array3<i8>), ModelError> {
    let steps = x.len_of(Axis(0));
    if alphas.len() != steps {
        return Err(ModelError::shape(
            "alphas",
            &[alphas.len()],
            format!("needs one α code per time step of x (T = {steps})"),
        ));
    }
    if format.membrane_bits + format.alpha_bits + 1 > 64 {
        return Err(ModelError::value(
            "format.membrane_bits",
            None,
            format.membrane_bits,
            format!(
                "membrane_bits + alpha_bits ({}) + 1 must be ≤ 64",
                format.alpha_bits
            ),
        ));
    }
    let amax = 1i64 << format.alpha_bits;
    crate::model::error::check_range(
        "alphas",
        &ndarray::aview1(alphas),
        1,
        amax,
        "effective α codes",
    )?;
    let x = x.as_standard_layout();
    let mut u = Array3::<i64>::zeros(x.raw_dim());
    let mut q = Array3::<i8>::zeros(x.raw_dim());
    let lanes = x.len() / steps.max(1);
    if lanes == 0 {
        return Ok((u, q));
    }
    let threads = if x.len() >= PARALLEL_LANES {
        crate::model::worker_threads()
    } else {
        1
    };
    let per_thread = lanes.div_ceil(threads);
    // parts[k][t]: thread k's lanes of time step t.
    let mut u_parts: Vec<Vec<&mut [i64]>> = (0..threads).map(|_| Vec::new()).collect();
    let mut q_parts: Vec<Vec<&mut [i8]>> = (0..threads).map(|_| Vec::new()).collect();
    for (u_t, q_t) in u
        .as_slice_mut()
        .unwrap_or(&mut [])
        .chunks_mut(lanes)
        .zip(q.as_slice_mut().unwrap_or(&mut []).chunks_mut(lanes))
    {
        for (k, (u_part, q_part)) in u_t
            .chunks_mut(per_thread)
            .zip(q_t.chunks_mut(per_thread))
            .enumerate()
        {
            u_parts[k].push(u_part);
            q_parts[k].push(q_part);
        }
    }
    let xs = x.as_slice().unwrap_or(&[]);
    std::thread::scope(|scope| {
        for (k, (u_part, q_part)) in u_parts.into_iter().zip(q_parts).enumerate() {
            let first = k * per_thread;
            scope.spawn(move || {
                let x_of = |t: usize, len: usize| &xs[t * lanes + first..][..len];
                encode_lanes(format, alphas, x_of, u_part, q_part)
            });
        }
    });
    Ok((u, q))
}

/// Below this many (token, input, step) values one thread is faster than spawning.
const PARALLEL_LANES: usize = 1 << 16;

/// Step a group of lanes through every time step: `u_out[t]`, `q_out[t]` are this group's
/// outputs at step t, `x_of(t, len)` its inputs.
fn encode_lanes<'x>(
    format: &NumericFormat,
    alphas: &[i64],
    x_of: impl Fn(usize, usize) -> &'x [i64],
    mut u_out: Vec<&mut [i64]>,
    mut q_out: Vec<&mut [i8]>,
) {
    let (lo, hi) = crate::model::fixed::signed_range(format.membrane_bits);
    let f = format.frac_bits;
    let mut prev_alpha = None;
    let mut prev: Option<(&[i64], &[i8])> = None;
    for (t, (u_t, q_t)) in u_out.iter_mut().zip(q_out.iter_mut()).enumerate() {
        let a = alphas[t];
        let x_t = x_of(t, u_t.len());
        match (prev, prev_alpha) {
            (Some((u_prev, q_prev)), Some(a_prev)) => {
                for i in 0..u_t.len() {
                    // Branch-free form of `leak`: the same rounding shift, 64-bit only.
                    let p = u_prev[i] * a_prev;
                    let shift = if q_prev[i] == -1 { f + 1 } else { f + 2 };
                    let l = (p + (1i64 << (shift - 1))) >> shift;
                    let l: i64 = if q_prev[i] == 1 { 0 } else { l };
                    let v = l.saturating_add(x_t[i]).clamp(lo, hi);
                    u_t[i] = v;
                    q_t[i] = i8::from(2 * v > a) - i8::from(2 * v < -a);
                }
            }
            _ => {
                for i in 0..u_t.len() {
                    let v = x_t[i].clamp(lo, hi);
                    u_t[i] = v;
                    q_t[i] = i8::from(2 * v > a) - i8::from(2 * v < -a);
                }
            }
        }
        prev = Some((&**u_t, &**q_t));
        prev_alpha = Some(a);
    }
}

#[cfg(test)]
mod tests;
