//! The mean over the T time steps (`spikelm_mean_t`, docs/arithmetic.md section 4.5):
//! R(Σ_t x_t · M_T, 16) with M_T = rne(2^16 / T), which for T a power of two is exactly
//! R(Σ_t x_t, log2 T). The encoder's tensor-wide form is
//! `model::encoder::nonlinear::mean_over_steps`.

use crate::config::MAX_TIME_STEPS;
use crate::model::fixed::{rne, round_shift};

/// M_T = rne(2^16 / T) (T ≥ 1; T = 0 is taken as 1).
pub fn scale(steps: usize) -> i64 {
    rne(65536.0 / steps.max(1) as f64)
}

/// The mean of T values from their sum.
pub fn mean_of_sum(sum: i64, steps: usize) -> i64 {
    round_shift(sum * scale(steps), 16)
}

/// The formats of one unit (the RTL's parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeanFormat {
    /// Values per beat.
    pub lanes: usize,
    /// Signed width of a value.
    pub xw: u32,
    /// Time steps averaged.
    pub steps: usize,
}

impl MeanFormat {
    /// The width of the time-step index (`TB`): the smallest with 2^TB ≥ T, at least 1.
    pub fn step_bits(&self) -> u32 {
        crate::config::clog2(self.steps as u64)
    }

    /// The output width: XW for T a power of two (the mean of XW-bit values), else XW + 1 (M_T
    /// may exceed 2^16 / T).
    pub fn yw(&self) -> u32 {
        self.xw + u32::from(!self.steps.is_power_of_two())
    }

    /// Cycles from the last beat of a value taken to its mean offered, without stalls: input
    /// register, sum, rounding shift; with the product, its three multiplier registers and the
    /// limb sum as well.
    pub fn latency(&self) -> u64 {
        if self.steps.is_power_of_two() {
            3
        } else {
            7
        }
    }

    /// Why the combination is invalid, if it is (the RTL checks the same at elaboration).
    pub fn check(&self) -> Result<(), String> {
        if self.lanes == 0
            || self.xw < 2
            || !(1..=MAX_TIME_STEPS as usize).contains(&self.steps)
            || self.xw + self.step_bits() > 35
        {
            return Err(format!(
                "the mean over T needs LANES ≥ 1, XW ≥ 2, 1 ≤ T ≤ {MAX_TIME_STEPS}, XW + TB ≤ 35 (LANES = {}, XW = {}, T = {}, TB = {})",
                self.lanes,
                self.xw,
                self.steps,
                self.step_bits()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
