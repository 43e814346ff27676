//! The amplitude stage, once per output: `Y_t[n][j] = sat_YW(R(ACC_t[n][j] · M_t[j], S) + B[j])`,
//! with M_t[j] the scale code of time step t and output column j (the same for every column
//! with one weight scale per tensor; docs/arithmetic.md, "Per-column scale"). The product is
//! formed at full width (the configuration guarantees ACC + MBW + 1 ≤ 64 bits).

use crate::model::fixed::{round_shift, sat};

/// One output code from one accumulator, the effective scale code `m` (M_t[j]), the shift `s` (S),
/// the bias code `b` (`B[j]`) and the output width `yw` (YW).
#[inline]
pub fn amplitude(acc: i64, m: i64, s: u32, b: i64, yw: u32) -> i64 {
    sat(round_shift(acc.saturating_mul(m), s).saturating_add(b), yw)
}

#[cfg(test)]
mod tests;
