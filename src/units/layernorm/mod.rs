//! LayerNorm of one row in fixed point (docs/arithmetic.md section 4.4): exact integer sums,
//! the biased variance as one exact integer D = H·Σx² − (Σx)², its reciprocal square root by
//! an even normalisation shift and an interpolated table, then γ and β.

use crate::model::fixed::{rne, round_shift, sat};
use crate::units::interp::{InterpTable, RomValues};

/// Table of 1/√u on u ∈ [0, 4): 2^(RSQRT_STEP_BITS + 2) intervals (those below u = 1 are never
/// read and hold 1/√1), samples in RSQRT_FRAC fractional bits.
pub const RSQRT_STEP_BITS: u32 = 6;
pub const RSQRT_FRAC: u32 = 16;
/// The normalised variance m has MANT_BITS bits: m ∈ [2^(MANT_BITS−2), 2^MANT_BITS).
pub const MANT_BITS: u32 = 24;

/// The formats of one LayerNorm unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerNormFormat {
    /// Fractional bits of the input codes x.
    pub fx: u32,
    /// Fractional bits of the normalised value z = (x − μ)/σ.
    pub fn_: u32,
    /// Fractional bits of the γ codes.
    pub fg: u32,
    /// Signed output width YW and fractional bits FY (β codes share them).
    pub yw: u32,
    pub fy: u32,
}

impl LayerNormFormat {
    pub fn check(&self) -> Result<(), String> {
        if self.fg + self.fn_ < self.fy || self.yw > 32 {
            return Err(format!(
                "LayerNorm needs FY ≤ FG + FN and YW ≤ 32 (FY = {}, FG = {}, FN = {}, YW = {})",
                self.fy, self.fg, self.fn_, self.yw
            ));
        }
        Ok(())
    }
}

/// 2^RSQRT_FRAC / √u for u = max(1, i / 2^RSQRT_STEP_BITS).
pub fn rsqrt_table() -> InterpTable {
    InterpTable::sample(RSQRT_STEP_BITS + 2, |i| {
        let u = (i as f64 / f64::from(1u32 << RSQRT_STEP_BITS)).max(1.0);
        f64::from(RSQRT_FRAC).exp2() / u.sqrt()
    })
}

/// The values `spikelm_layernorm.v.tera` renders: the table's constants, widths and ROM literal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TemplateValues {
    pub mant_bits: u32,
    pub rsqrt_step_bits: u32,
    pub rsqrt_frac: u32,
    pub rsqrt: RomValues,
}

pub fn template_values() -> TemplateValues {
    TemplateValues {
        mant_bits: MANT_BITS,
        rsqrt_step_bits: RSQRT_STEP_BITS,
        rsqrt_frac: RSQRT_FRAC,
        rsqrt: rsqrt_table().rom_values(),
    }
}

/// γ, β and ε of one LayerNorm as codes: G = rne(γ·2^FG), B = sat_YW(rne(β·2^FY)),
/// E = rne(ε · 2^(2·FX) · H²) (the ε of D, whose unit is 2^(−2·FX) / H²).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerNormCodes {
    pub gamma: Vec<i64>,
    pub beta: Vec<i64>,
    pub eps: i64,
}

impl LayerNormCodes {
    pub fn new(gamma: &[f64], beta: &[f64], eps: f64, fmt: &LayerNormFormat) -> Self {
        let h = gamma.len() as f64;
        LayerNormCodes {
            gamma: gamma
                .iter()
                .map(|g| rne(g * f64::from(fmt.fg).exp2()))
                .collect(),
            beta: beta
                .iter()
                .map(|b| sat(rne(b * f64::from(fmt.fy).exp2()), fmt.yw))
                .collect(),
            eps: rne(eps * f64::from(2 * fmt.fx).exp2() * h * h),
        }
    }
}

/// (t, s) with t ≈ 2^(RSQRT_FRAC + s) / √d for d ≥ 1: d = m · 4^k with m of MANT_BITS bits
/// (truncated when k > 0), t the table at m / 2^(MANT_BITS − 2), s = k + (MANT_BITS − 2) / 2.
pub fn rsqrt(d: i128, table: &InterpTable) -> (i64, i32) {
    let w = 128 - d.leading_zeros() as i32;
    let k = (w - MANT_BITS as i32 + 1).div_euclid(2);
    // m < 2^MANT_BITS: exact in i64.
    let m = (if k >= 0 { d >> (2 * k) } else { d << (-2 * k) }) as i64;
    let fb = MANT_BITS - 2 - RSQRT_STEP_BITS;
    let t = table.lookup((m >> fb) as usize, m & ((1 << fb) - 1), fb);
    (t, k + (MANT_BITS as i32 - 2) / 2)
}

/// R(v, n) for n ≥ 0, v · 2^−n for n < 0.
pub fn shift(v: i64, n: i32) -> i64 {
    if n >= 0 {
        round_shift(v, n as u32)
    } else {
        v << -n
    }
}

/// What one row's normalisation needs besides x_j: H, S, and (t, σ_sh) = [`rsqrt`] of D.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowStats {
    pub h: i64,
    pub s: i64,
    pub t: i64,
    pub sh: i32,
}

/// D = max(1, H·Σx² − S² + E), exact in 128 bits for rows of up to 2^20 values of up to 48 bits.
pub fn row_d(x: &[i64], eps: i64) -> i128 {
    let h = x.len() as i128;
    let s: i128 = x.iter().map(|&v| i128::from(v)).sum();
    let q: i128 = x.iter().map(|&v| i128::from(v) * i128::from(v)).sum();
    (h * q - s * s + i128::from(eps)).max(1)
}

/// H, S = Σx, and the reciprocal square root of D ([`row_d`]).
pub fn row_stats(x: &[i64], eps: i64, table: &InterpTable) -> RowStats {
    let (t, sh) = rsqrt(row_d(x, eps), table);
    RowStats {
        h: x.len() as i64,
        s: x.iter().sum(),
        t,
        sh,
    }
}

/// The RTL's parameters that set its timing: input width XW, width EW of the ε code, buffer
/// address bits AB.
#[derive(Debug, Clone, Copy)]
pub struct LayerNormRtl {
    pub xw: u32,
    pub ew: u32,
    pub ab: u32,
}

impl LayerNormRtl {
    /// Width of D's normalisation register (NWD): D = E + H·Q − S² < 2^DWD with H·Q <
    /// 2^(2 XW − 2 + 2 AB) and E < 2^EW, DWD = their larger width + 2, then one bit more,
    /// rounded up to even and at least MANT_BITS.
    pub fn norm_bits(&self) -> u32 {
        let dwd = self.d_bits();
        (dwd + 1 + (dwd + 1) % 2).max(MANT_BITS)
    }

    /// Width of D's accumulator (DWD): D < 2^(DWD − 1).
    fn d_bits(&self) -> u32 {
        (2 * self.xw - 2 + 2 * self.ab).max(self.ew) + 2
    }

    /// Cycles `spikelm_layernorm` spends on the row `x`, from its first beat taken to the next
    /// row's, with every input beat offered as soon as the unit may take it and every output
    /// taken at once. Each pass is a fixed pipeline except the normalisation, which shifts D
    /// left two bits per cycle until one of the register's top two bits is set (LAT = 5, the
    /// multipliers' latency):
    /// ```text
    /// accept H + gap (Q complete: LAT + 3) + |S| 1 + H·Q (AB + 1 steps) + S² (XW + AB steps)
    /// + flush 2 + zero flags 1 + load 1 + norm (shifts + 1) + table (6 + 1) + out H
    /// + (issue → FIFO: 3 LAT + 10) + FIFO 1 + done 1 = 2H + (AB + 1) + (XW + AB) + 48 + shifts
    /// ```
    pub fn row_cycles(&self, x: &[i64], eps: i64) -> u64 {
        self.row_cycles_with(x.len(), 128 - row_d(x, eps).leading_zeros())
    }

    /// [`Self::row_cycles`] of a row of `len` beats whose D has `d_len` bits.
    fn row_cycles_with(&self, len: usize, d_len: u32) -> u64 {
        let shifts = (self.norm_bits() - d_len) / 2;
        2 * len as u64 + u64::from(self.ab + 1 + self.xw + self.ab + 48 + shifts)
    }

    /// The fewest and the most cycles [`Self::row_cycles`] gives a row of `len` beats: D of
    /// DWD − 1 bits (its bound) to D = 1.
    pub fn row_cycles_bounds(&self, len: usize) -> (u64, u64) {
        (
            self.row_cycles_with(len, self.d_bits() - 1),
            self.row_cycles_with(len, 1),
        )
    }
}

/// One row: x (FX fractional bits) to y (FY fractional bits, YW bits).
pub fn layer_norm_row(
    x: &[i64],
    codes: &LayerNormCodes,
    fmt: &LayerNormFormat,
    table: &InterpTable,
) -> Vec<i64> {
    let RowStats { h, s, t, sh } = row_stats(x, codes.eps, table);
    x.iter()
        .zip(codes.gamma.iter().zip(&codes.beta))
        .map(|(&v, (&g, &b))| {
            let z = shift((h * v - s) * t, RSQRT_FRAC as i32 + sh - fmt.fn_ as i32);
            sat(round_shift(z * g, fmt.fg + fmt.fn_ - fmt.fy) + b, fmt.yw)
        })
        .collect()
}

#[cfg(test)]
mod tests;
