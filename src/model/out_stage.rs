//! The amplitude stage, once per output: `Y_t[n][j] = sat_YW(R(ACC_t[n][j] · M_t[j], S) + B[j])`,
//! with M_t[j] the scale code of time step t and output column j (the same for every column
//! with one weight scale per tensor; docs/arithmetic.md, "Per-column scale"). The product is
//! formed at full width (the configuration guarantees ACC + MBW + 1 ≤ 64 bits).

use super::fixed::{round_shift, sat};

/// One output code from one accumulator, the effective scale code `m` (M_t[j]), the shift `s` (S),
/// the bias code `b` (`B[j]`) and the output width `yw` (YW).
#[inline]
pub fn amplitude(acc: i64, m: i64, s: u32, b: i64, yw: u32) -> i64 {
    sat(round_shift(acc.saturating_mul(m), s).saturating_add(b), yw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_rounds_adds_bias() {
        // 100 · 3 / 2^4 = 18.75 -> 19, + 5.
        assert_eq!(amplitude(100, 3, 4, 5, 16), 24);
        // -100 · 3 / 16 = -18.75 -> -19; -24 / 16 = -1.5 -> -1 (half up).
        assert_eq!(amplitude(-100, 3, 4, 0, 16), -19);
        assert_eq!(amplitude(-24, 1, 4, 0, 16), -1);
        assert_eq!(amplitude(7, 9, 0, -3, 16), 60);
    }

    #[test]
    fn output_saturates_after_the_bias() {
        assert_eq!(amplitude(1000, 100, 0, 0, 16), 32767);
        assert_eq!(amplitude(-1000, 100, 0, 0, 16), -32768);
        // The bias brings an out-of-range product back in range before saturation.
        assert_eq!(amplitude(330, 100, 0, -1000, 16), 32000);
        assert_eq!(amplitude(1, 1, 0, 127, 8), 127);
        assert_eq!(amplitude(2, 1, 0, 127, 8), 127);
    }
}
