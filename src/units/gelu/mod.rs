//! Exact-form GELU, x·Φ(x) = x · ½(1 + erf(x/√2)), in fixed point (`spikelm_gelu`,
//! docs/arithmetic.md section 4.3): a table of GELU over the saturated range [−4, 4) with linear
//! interpolation; below the range the output is 0, at and above it the input itself.

use crate::model::encoder::host;
use crate::model::fixed::{round_shift, sat};
use crate::units::interp::{InterpTable, RomValues};

/// The table covers [−2^RANGE_BITS, 2^RANGE_BITS).
pub const RANGE_BITS: u32 = 2;
/// Intervals per unit of x: 2^STEP_BITS.
pub const STEP_BITS: u32 = 6;
/// Fractional bits of the table samples.
pub const TABLE_FRAC: u32 = 16;
/// Table index bits: 2^(RANGE_BITS + 1 + STEP_BITS) intervals.
pub const INDEX_BITS: u32 = RANGE_BITS + 1 + STEP_BITS;
/// Cycles from a value taken to its result offered, without stalls (the RTL's stages: input
/// register, the interpolator's 6, output select); one value per cycle.
pub const LATENCY: u64 = 8;

/// The widths and formats of one GELU unit (the RTL's parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeluFormat {
    /// Signed input width XW and fractional bits FX (FX > STEP_BITS).
    pub xw: u32,
    pub fx: u32,
    /// Signed output width YW and fractional bits FY (FY ≤ TABLE_FRAC).
    pub yw: u32,
    pub fy: u32,
}

impl GeluFormat {
    /// Why the combination is invalid, if it is (the RTL checks the same at elaboration).
    pub fn check(&self) -> Result<(), String> {
        if self.fx <= STEP_BITS || self.fy > TABLE_FRAC {
            return Err(format!(
                "GELU needs FX > {STEP_BITS} and FY ≤ {TABLE_FRAC} (FX = {}, FY = {})",
                self.fx, self.fy
            ));
        }
        if self.xw < self.fx + RANGE_BITS + 2 || self.xw > 32 || self.yw > 32 {
            return Err(format!(
                "GELU needs FX + {} ≤ XW ≤ 32 and YW ≤ 32 (XW = {}, FX = {}, YW = {})",
                RANGE_BITS + 2,
                self.xw,
                self.fx,
                self.yw
            ));
        }
        Ok(())
    }
}

/// GELU sampled at −2^RANGE_BITS + i / 2^STEP_BITS, in TABLE_FRAC fractional bits.
pub fn table() -> InterpTable {
    InterpTable::sample(INDEX_BITS, |i| {
        let x = i as f64 / f64::from(1u32 << STEP_BITS) - f64::from(1u32 << RANGE_BITS);
        host::gelu(x) * f64::from(TABLE_FRAC).exp2()
    })
}

/// The values `spikelm_gelu.v.tera` renders: the table's constants, widths and ROM literal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TemplateValues {
    pub range_bits: u32,
    pub step_bits: u32,
    pub table_frac: u32,
    #[serde(flatten)]
    pub table: RomValues,
}

pub fn template_values() -> TemplateValues {
    TemplateValues {
        range_bits: RANGE_BITS,
        step_bits: STEP_BITS,
        table_frac: TABLE_FRAC,
        table: table().rom_values(),
    }
}

/// `v` with `from` fractional bits in `to` fractional bits: a left shift, or R (half up).
pub fn align(v: i64, from: u32, to: u32) -> i64 {
    if to >= from {
        v << (to - from)
    } else {
        round_shift(v, from - to)
    }
}

/// One output code. `table` is [`table()`] (passed in so a row reuses it).
pub fn gelu(x: i64, fmt: &GeluFormat, table: &InterpTable) -> i64 {
    let lo = -(1i64 << (fmt.fx + RANGE_BITS));
    if x < lo {
        return 0;
    }
    if x >= -lo {
        return sat(align(x, fmt.fx, fmt.fy), fmt.yw);
    }
    let u = x - lo;
    let fb = fmt.fx - STEP_BITS;
    let t = table.lookup((u >> fb) as usize, u & ((1 << fb) - 1), fb);
    sat(round_shift(t, TABLE_FRAC - fmt.fy), fmt.yw)
}

#[cfg(test)]
mod tests;
