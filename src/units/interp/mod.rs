//! Table lookup with linear interpolation (`spikelm_interp`), the core of the GELU, exp2 and
//! reciprocal(-square-root) units (docs/arithmetic.md section 4).
//!
//! A table of `2^IB` entries holds, per interval i, the pair (v_i, d_i = v_{i+1} − v_i) of a
//! function sampled at the interval's ends, so one read gives both (one ROM word). An input
//! `(i, f)` with `FB` fraction bits reads `v_i + R(d_i · f, FB)` (R rounds half up).

use crate::model::fixed::round_shift;

/// What a template needs of one table: its widths and its ROM literal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RomValues {
    /// Signed width of the samples v_i.
    pub sample_bits: u32,
    /// Signed width of the differences d_i.
    pub delta_bits: u32,
    /// [`InterpTable::verilog_literal`] at those widths.
    pub rom: String,
}

/// A sampled function: `values[i]` at the start of interval i and `values[i + 1]` at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpTable {
    /// 2^IB + 1 samples.
    pub samples: Vec<i64>,
}

impl InterpTable {
    /// Sample `f` at `2^index_bits + 1` points and round each to an integer (ties to even).
    pub fn sample(index_bits: u32, f: impl Fn(usize) -> f64) -> Self {
        let n = 1usize << index_bits;
        InterpTable {
            samples: (0..=n).map(|i| f(i).round_ties_even() as i64).collect(),
        }
    }

    /// Number of intervals, 2^IB.
    pub fn len(&self) -> usize {
        self.samples.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ROM words (v_i, d_i), one per interval.
    pub fn words(&self) -> Vec<(i64, i64)> {
        self.samples
            .windows(2)
            .map(|w| (w[0], w[1] - w[0]))
            .collect()
    }

    /// `v_i + R(d_i · f, frac_bits)`; `f` < 2^frac_bits, `i` < [`Self::len`].
    pub fn lookup(&self, i: usize, f: i64, frac_bits: u32) -> i64 {
        let (v, d) = (self.samples[i], self.samples[i + 1] - self.samples[i]);
        v + round_shift(d * f, frac_bits)
    }

    /// Smallest signed width that holds every v_i and every d_i.
    pub fn widths(&self) -> (u32, u32) {
        let bits = |x: i64| 65 - (if x < 0 { !x } else { x }).leading_zeros();
        let words = self.words();
        (
            words.iter().map(|w| bits(w.0)).max().unwrap_or(1),
            words.iter().map(|w| bits(w.1)).max().unwrap_or(1),
        )
    }

    /// The widths and the ROM literal at the smallest widths ([`Self::widths`]).
    pub fn rom_values(&self) -> RomValues {
        let (vw, dw) = self.widths();
        RomValues {
            sample_bits: vw,
            delta_bits: dw,
            rom: self.verilog_literal(vw, dw),
        }
    }

    /// The ROM as one Verilog hex literal of `len` words `{d_i, v_i}`, word 0 in the low bits,
    /// v in `vw` bits and d in `dw` bits (two's complement).
    pub fn verilog_literal(&self, vw: u32, dw: u32) -> String {
        let mut bits: Vec<bool> = Vec::new(); // least significant first
        for (v, d) in self.words() {
            bits.extend((0..vw).map(|b| (v >> b) & 1 == 1));
            bits.extend((0..dw).map(|b| (d >> b) & 1 == 1));
        }
        let hex: String = bits
            .chunks(4)
            .rev()
            .map(|c| {
                let n = c.iter().rev().fold(0u32, |a, &b| (a << 1) | u32::from(b));
                char::from_digit(n, 16).unwrap_or('0')
            })
            .collect();
        format!("{}'h{hex}", bits.len())
    }
}

#[cfg(test)]
pub mod ecp5_sim;
#[cfg(test)]
mod tests;
