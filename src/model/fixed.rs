//! Fixed-point helpers of docs/arithmetic.md: round half to even from floats, the rounding
//! right shift R(v, n) and two's-complement saturation.

/// Round a float to the nearest integer, ties to even (NumPy's `round`, PyTorch's `round`).
/// Values beyond the i64 range (and NaN, which callers reject first) saturate as `as` does.
pub fn rne(x: f64) -> i64 {
    x.round_ties_even() as i64
}

/// R(v, n) = (v + 2^(n-1)) >> n: an arithmetic right shift by `n` that rounds half up.
/// Decision (docs/arithmetic.md): R(v, 0) = v. Formed in 128 bits so the rounding constant
/// can never overflow; shifts of 127 or more give the sign (0 or -1) like an infinite shift.
pub fn round_shift(v: i64, n: u32) -> i64 {
    if n == 0 {
        return v;
    }
    let wide = v as i128 + (1i128 << (n.min(127) - 1));
    (wide >> n.min(127)) as i64
}

/// Saturate `v` to a signed two's-complement number of `bits` bits (1..=64).
pub fn sat(v: i64, bits: u32) -> i64 {
    let (lo, hi) = signed_range(bits);
    v.clamp(lo, hi)
}

/// The smallest and largest value of a signed `bits`-bit number (`bits` clamped to 1..=64).
pub fn signed_range(bits: u32) -> (i64, i64) {
    let bits = bits.clamp(1, 64);
    if bits == 64 {
        (i64::MIN, i64::MAX)
    } else {
        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
    }
}

/// The largest value of an unsigned `bits`-bit number (`bits` clamped to 0..=63).
pub fn unsigned_max(bits: u32) -> i64 {
    (1i64 << bits.min(63)) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rne_rounds_ties_to_even() {
        assert_eq!(rne(0.5), 0);
        assert_eq!(rne(1.5), 2);
        assert_eq!(rne(2.5), 2);
        assert_eq!(rne(-0.5), 0);
        assert_eq!(rne(-1.5), -2);
        assert_eq!(rne(2.4999), 2);
        assert_eq!(rne(-2.5001), -3);
    }

    #[test]
    fn round_shift_rounds_half_up() {
        // 5/2 = 2.5 -> 3, -5/2 = -2.5 -> -2 (half up, towards +inf), 7/4 = 1.75 -> 2.
        assert_eq!(round_shift(5, 1), 3);
        assert_eq!(round_shift(-5, 1), -2);
        assert_eq!(round_shift(7, 2), 2);
        assert_eq!(round_shift(-7, 2), -2);
        assert_eq!(round_shift(6, 2), 2);
        assert_eq!(round_shift(-6, 2), -1);
    }

    #[test]
    fn round_shift_by_zero_is_identity() {
        for v in [-3, -1, 0, 1, 17, i64::MAX, i64::MIN] {
            assert_eq!(round_shift(v, 0), v);
        }
    }

    #[test]
    fn round_shift_matches_float_floor_of_half_up() {
        for v in -300i64..300 {
            for n in 1..6u32 {
                let expect = (v as f64 / (1u64 << n) as f64 + 0.5).floor() as i64;
                assert_eq!(round_shift(v, n), expect, "v={v} n={n}");
            }
        }
    }

    #[test]
    fn round_shift_never_overflows() {
        assert_eq!(round_shift(i64::MAX, 1), 1i64 << 62);
        assert_eq!(round_shift(i64::MIN, 1), -(1i64 << 62));
        assert_eq!(round_shift(i64::MAX, 200), 0);
        assert_eq!(round_shift(-1, 200), 0);
    }

    #[test]
    fn sat_clamps_to_twos_complement_range() {
        assert_eq!(sat(127, 8), 127);
        assert_eq!(sat(128, 8), 127);
        assert_eq!(sat(-128, 8), -128);
        assert_eq!(sat(-129, 8), -128);
        assert_eq!(sat(5, 64), 5);
        assert_eq!(sat(i64::MIN, 64), i64::MIN);
        assert_eq!(sat(1, 1), 0);
        assert_eq!(sat(-1, 1), -1);
        assert_eq!(unsigned_max(16), 65535);
    }
}
