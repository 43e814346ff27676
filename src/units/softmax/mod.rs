//! Softmax of one score row with the additive padding mask, in fixed point (docs/arithmetic.md
//! section 4.2): score scale into the log2 domain, max-subtract, exp2 by an integer shift and an
//! interpolated table of 2^−f, the sum, an interpolated reciprocal of the normalised sum, and the
//! normalising multiply. A masked position (additive −∞) gets probability 0 exactly.

use crate::model::fixed::{round_shift, sat};
use crate::units::interp::{InterpTable, RomValues};

/// Table of 2^−f on f ∈ [0, 1): 2^EXP_STEP_BITS intervals, samples in EXP_FRAC fractional bits.
pub const EXP_STEP_BITS: u32 = 6;
pub const EXP_FRAC: u32 = 16;
/// Table of 1/u on u ∈ [1, 2): 2^RECIP_STEP_BITS intervals, interpolated by RECIP_FRAC_BITS
/// more bits of the sum, samples in RECIP_FRAC fractional bits.
pub const RECIP_STEP_BITS: u32 = 6;
pub const RECIP_FRAC_BITS: u32 = 10;
pub const RECIP_FRAC: u32 = 16;

/// The formats of one softmax unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoftmaxFormat {
    /// Fractional bits FZ of the log2-domain score z (FZ ≥ EXP_STEP_BITS).
    pub fz: u32,
    /// Signed width ZW of z (saturating).
    pub zw: u32,
    /// Fractional bits PF of the probabilities (unsigned, PF + 1 bits: 1.0 is 2^PF).
    pub pf: u32,
}

impl SoftmaxFormat {
    pub fn check(&self) -> Result<(), String> {
        if self.fz < EXP_STEP_BITS || self.zw <= self.fz + 1 || self.zw > 40 || self.pf > 30 {
            return Err(format!(
                "softmax needs {EXP_STEP_BITS} ≤ FZ < ZW − 1, ZW ≤ 40, PF ≤ 30 (FZ = {}, ZW = {}, PF = {})",
                self.fz, self.zw, self.pf
            ));
        }
        Ok(())
    }
}

/// 2^−f · 2^EXP_FRAC for f = i / 2^EXP_STEP_BITS.
pub fn exp2_table() -> InterpTable {
    InterpTable::sample(EXP_STEP_BITS, |i| {
        (EXP_FRAC as f64 - i as f64 / f64::from(1u32 << EXP_STEP_BITS)).exp2()
    })
}

/// 2^RECIP_FRAC / u for u = 1 + i / 2^RECIP_STEP_BITS.
pub fn recip_table() -> InterpTable {
    InterpTable::sample(RECIP_STEP_BITS, |i| {
        f64::from(RECIP_FRAC).exp2() / (1.0 + i as f64 / f64::from(1u32 << RECIP_STEP_BITS))
    })
}

/// The values `spikelm_softmax.v.tera` renders: the tables' constants, widths and ROM literals.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TemplateValues {
    pub exp_step_bits: u32,
    pub exp_frac: u32,
    pub recip_step_bits: u32,
    pub recip_frac_bits: u32,
    pub recip_frac: u32,
    pub exp: RomValues,
    pub recip: RomValues,
}

pub fn template_values() -> TemplateValues {
    TemplateValues {
        exp_step_bits: EXP_STEP_BITS,
        exp_frac: EXP_FRAC,
        recip_step_bits: RECIP_STEP_BITS,
        recip_frac_bits: RECIP_FRAC_BITS,
        recip_frac: RECIP_FRAC,
        exp: exp2_table().rom_values(),
        recip: recip_table().rom_values(),
    }
}

/// z = sat_ZW(R(s · M, S)): a score code into the log2 domain (M / 2^S = the score's float scale
/// · log2 e · 2^FZ).
pub fn log2_score(s: i64, m: i64, shift: u32, fmt: &SoftmaxFormat) -> i64 {
    sat(round_shift(s.saturating_mul(m), shift), fmt.zw)
}

/// 2^−d in EXP_FRAC fractional bits, d ≥ 0 with FZ fractional bits: the table at d's fraction,
/// shifted right by its integer part with R (0 once the shift passes EXP_FRAC + 1).
pub fn exp2_neg(d: i64, fz: u32, table: &InterpTable) -> i64 {
    let n = d >> fz;
    if n > i64::from(EXP_FRAC) + 1 {
        return 0;
    }
    let f = d & ((1 << fz) - 1);
    let fb = fz - EXP_STEP_BITS;
    let e = table.lookup((f >> fb) as usize, f & ((1 << fb) - 1), fb);
    round_shift(e, n as u32)
}

/// (r, k) with r ≈ 2^(RECIP_FRAC + k) / sum: k = ⌊log2 sum⌋, the sum truncated to
/// 1 + RECIP_STEP_BITS + RECIP_FRAC_BITS bits and the reciprocal table read at it. sum ≥ 1.
pub fn reciprocal(sum: i64, table: &InterpTable) -> (i64, u32) {
    let k = 63 - sum.leading_zeros();
    let top = RECIP_STEP_BITS + RECIP_FRAC_BITS;
    let a = if k >= top {
        sum >> (k - top)
    } else {
        sum << (top - k)
    };
    let u = a - (1 << top);
    let r = table.lookup(
        (u >> RECIP_FRAC_BITS) as usize,
        u & ((1 << RECIP_FRAC_BITS) - 1),
        RECIP_FRAC_BITS,
    );
    (r, k)
}

/// z_max: the largest score of a kept position, `None` if every position is masked.
pub fn kept_max(z: &[i64], keep: &[bool]) -> Option<i64> {
    z.iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(&v, _)| v)
        .max()
}

/// e_i = 2^−(z_max − z_i) in EXP_FRAC fractional bits (0 where masked) of one row, `None` if
/// every position is masked.
pub fn exp_row(
    z: &[i64],
    keep: &[bool],
    fmt: &SoftmaxFormat,
    exp: &InterpTable,
) -> Option<Vec<i64>> {
    let zmax = kept_max(z, keep)?;
    Some(
        z.iter()
            .zip(keep)
            .map(|(&v, &k)| {
                if k {
                    exp2_neg(zmax - v, fmt.fz, exp)
                } else {
                    0
                }
            })
            .collect(),
    )
}

/// Probabilities of one row of log2-domain scores `z`; `keep[i] = false` is a masked position.
/// A row with every position masked gives all zeros.
pub fn softmax_row(
    z: &[i64],
    keep: &[bool],
    fmt: &SoftmaxFormat,
    exp: &InterpTable,
    recip: &InterpTable,
) -> Vec<i64> {
    let Some(e) = exp_row(z, keep, fmt, exp) else {
        return vec![0; z.len()];
    };
    let sum: i64 = e.iter().sum();
    let (r, k) = reciprocal(sum, recip);
    let one = 1i64 << fmt.pf;
    e.iter()
        .map(|&v| round_shift(v * r, RECIP_FRAC + k - fmt.pf).min(one))
        .collect()
}

/// Cycles `spikelm_softmax` (row buffer of 2^`ab` entries) spends on one row of `z.len()`
/// beats, from its first beat taken to the next row's, with every input beat offered as soon as
/// the unit may take it and every output taken at once. Each pass is a fixed pipeline except the
/// normalisation, which shifts the sum (EXP_FRAC + 1 + ab bits) left one bit per cycle until its
/// top bit is set (no shift for a fully masked row):
/// ```text
/// accept L + gap 1 + exp L + (issue → e written: 8 + interpolator 6) + load 1
/// + norm (shifts + 1) + reciprocal (table 6 + 1) + out L + (issue → FIFO: multiplier 3 + 6)
/// + FIFO 1 + done 1 = 3L + 35 + shifts
/// ```
pub fn row_cycles(
    z: &[i64],
    keep: &[bool],
    fmt: &SoftmaxFormat,
    ab: u32,
    exp: &InterpTable,
) -> u64 {
    let shifts = exp_row(z, keep, fmt, exp).map_or(0, |e| {
        let k = 63 - e.iter().sum::<i64>().leading_zeros();
        EXP_FRAC + ab - k
    });
    row_cycles_with(z.len(), shifts)
}

/// [`row_cycles`] of a row of `len` beats whose normalisation takes `shifts` steps.
fn row_cycles_with(len: usize, shifts: u32) -> u64 {
    3 * len as u64 + 35 + u64::from(shifts)
}

/// The fewest and the most cycles [`row_cycles`] gives a row of `len` beats: no shift (a sum
/// of 2^(EXP_FRAC + ab), or every position masked) to `ab` shifts (one kept position).
pub fn row_cycles_bounds(len: usize, ab: u32) -> (u64, u64) {
    (row_cycles_with(len, 0), row_cycles_with(len, ab))
}

#[cfg(test)]
mod tests;
