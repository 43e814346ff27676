//! The residual addition (`spikelm_residual`, docs/arithmetic.md section 4.5): both operands
//! aligned to the residual format (a left shift, or R half up), added, saturated. The encoder's
//! tensor-wide form is `model::encoder::nonlinear::residual` at FR = 16, RW = 26.

use crate::model::fixed::sat;
use crate::units::gelu::align;

/// Cycles from a beat taken to its sums offered, without stalls (input registers, aligned
/// operands, sum, saturation); one beat per cycle.
pub const LATENCY: u64 = 4;

/// The formats of one residual adder (the RTL's parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidualFormat {
    /// Values per beat.
    pub lanes: usize,
    /// Signed width and fractional bits of a (a site's output) and of b (the layer's input).
    pub aw: u32,
    pub fa: u32,
    pub bw: u32,
    pub fb: u32,
    /// Signed width and fractional bits of the sum.
    pub rw: u32,
    pub fr: u32,
}

impl ResidualFormat {
    /// The width of an operand aligned to FR.
    fn aligned(w: u32, f: u32, fr: u32) -> i64 {
        if f <= fr {
            i64::from(w + fr - f)
        } else {
            i64::from(w) - i64::from(f - fr) + 1
        }
    }

    /// Why the combination is invalid, if it is (the RTL checks the same at elaboration).
    pub fn check(&self) -> Result<(), String> {
        let xa = Self::aligned(self.aw, self.fa, self.fr);
        let xb = Self::aligned(self.bw, self.fb, self.fr);
        let sum = xa.max(xb) + 1;
        if self.lanes == 0 || self.aw < 2 || self.bw < 2 || !(2..=32).contains(&self.rw) {
            return Err(format!(
                "the residual adder needs LANES ≥ 1, AW, BW ≥ 2, 2 ≤ RW ≤ 32 (LANES = {}, AW = {}, BW = {}, RW = {})",
                self.lanes, self.aw, self.bw, self.rw
            ));
        }
        if xa < 2 || xb < 2 || sum > 64 {
            return Err(format!(
                "the residual adder needs aligned operands of 2 .. 63 bits ({xa} and {xb} bits, sum {sum})"
            ));
        }
        Ok(())
    }

    /// One lane of the unit.
    pub fn add(&self, a: i64, b: i64) -> i64 {
        add(a, self.fa, b, self.fb, self.fr, self.rw)
    }
}

/// r = sat_RW(align(a, FA → FR) + align(b, FB → FR)).
pub fn add(a: i64, fa: u32, b: i64, fb: u32, fr: u32, rw: u32) -> i64 {
    sat(align(a, fa, fr) + align(b, fb, fr), rw)
}

#[cfg(test)]
mod tests;
