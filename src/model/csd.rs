//! Rounding a constant code to at most K non-zero signed power-of-two digits, so that a multiply
//! by it becomes K shifted terms (the `csd:K` and `pow2` alpha modes of docs/arithmetic.md).
//!
//! Rule (docs/arithmetic.md): greedy. Keep a residual r (the code to begin with); pick
//! e = floor(log2 |r|), and use e + 1 instead if |r| − 2^e > 2^(e+1) − |r| (a tie goes to the
//! smaller power); add sign(r)·2^e to the result and subtract it from r; repeat up to K times or
//! until r = 0. The rounded code can reach 2^AW, one bit more than the code had.

use crate::config::AlphaMode;

/// One signed power-of-two digit: (neg ? −1 : +1) · 2^shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Digit {
    pub neg: bool,
    pub shift: u32,
}

impl Digit {
    pub fn value(self) -> i64 {
        let magnitude = 1i64 << self.shift;
        if self.neg {
            -magnitude
        } else {
            magnitude
        }
    }
}

/// The digits of `code` rounded to at most `k` non-zero signed powers of two, largest first.
/// Their sum is [`round`]`(code, k)`, always. Works for any sign; α and scale codes are ≥ 0.
pub fn digits(code: i64, k: u32) -> Vec<Digit> {
    let mut out = Vec::with_capacity(k as usize);
    // i128: |r| may be 2^63 for i64::MIN and the next power up 2^64.
    let mut r = code as i128;
    while r != 0 && out.len() < k as usize {
        let magnitude = r.unsigned_abs();
        let mut e = 127 - magnitude.leading_zeros();
        let below = 1u128 << e;
        let above = below << 1;
        if magnitude - below > above - magnitude {
            e += 1;
        }
        let neg = r < 0;
        let step = 1i128 << e;
        r += if neg { step } else { -step };
        out.push(Digit { neg, shift: e });
    }
    out
}

/// `code` rounded to at most `k` non-zero signed power-of-two digits (the sum of [`digits`]).
/// Saturates to the i64 range in the one case it could leave it (codes near ±2^63).
pub fn round(code: i64, k: u32) -> i64 {
    let sum: i128 = digits_wide(code, k).sum();
    sum.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn digits_wide(code: i64, k: u32) -> impl Iterator<Item = i128> {
    digits(code, k).into_iter().map(|d| {
        let magnitude = 1i128 << d.shift;
        if d.neg {
            -magnitude
        } else {
            magnitude
        }
    })
}

/// The code the hardware multiplies by in `mode`: the code itself for `exact`, else its
/// rounding to `mode.digits()` signed digits.
pub fn effective_code(code: i64, mode: AlphaMode) -> i64 {
    match mode.digits() {
        None => code,
        Some(k) => round(code, k),
    }
}

/// The digits of the effective code in `mode`, as the hardware's ALPHA/SCALE registers hold them
/// (`None` for `exact`, which holds the code itself).
pub fn mode_digits(code: i64, mode: AlphaMode) -> Option<Vec<Digit>> {
    mode.digits().map(|k| digits(code, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(d: &[Digit]) -> i64 {
        d.iter().map(|d| d.value()).sum()
    }

    #[test]
    fn one_digit_picks_the_nearest_power_ties_down() {
        assert_eq!(round(1, 1), 1);
        assert_eq!(round(3, 1), 2); // 3 is 1 from 2 and 1 from 4: tie -> smaller
        assert_eq!(round(5, 1), 4);
        assert_eq!(round(6, 1), 4); // tie between 4 and 8
        assert_eq!(round(7, 1), 8);
        assert_eq!(round(12, 1), 8); // tie between 8 and 16
        assert_eq!(round(13, 1), 16);
        assert_eq!(round(1023, 1), 1024);
    }

    #[test]
    fn greedy_digits_by_hand() {
        // 1634 -> 2048 (|1634-1024| = 610 > |2048-1634| = 414), residual -414 -> -512
        // (414-256 = 158 > 512-414 = 98); a third digit: residual 98 -> 128 (34 > 30).
        assert_eq!(
            digits(1634, 2),
            vec![
                Digit {
                    neg: false,
                    shift: 11
                },
                Digit {
                    neg: true,
                    shift: 9
                }
            ]
        );
        assert_eq!(round(1634, 2), 1536);
        assert_eq!(round(1634, 3), 1536 + 128);
        // 7 = 8 - 1 in two digits.
        assert_eq!(
            digits(7, 2),
            vec![
                Digit {
                    neg: false,
                    shift: 3
                },
                Digit {
                    neg: true,
                    shift: 0
                }
            ]
        );
    }

    #[test]
    fn zero_has_no_digits_and_exact_codes_stop_early() {
        assert!(digits(0, 4).is_empty());
        assert_eq!(digits(8, 4).len(), 1);
        assert_eq!(digits(10, 4).len(), 2);
    }

    #[test]
    fn rounded_code_may_reach_the_next_power() {
        // A 16-bit code just under 2^16 rounds to 2^16: shift 16 = AW, one bit more than AW.
        let d = digits(65535, 1);
        assert_eq!(
            d,
            vec![Digit {
                neg: false,
                shift: 16
            }]
        );
        assert_eq!(round(65535, 1), 65536);
        assert_eq!(round(65535, 2), 65535); // 2^16 - 2^0
    }

    #[test]
    fn digits_always_sum_to_round() {
        for code in 0..5000i64 {
            for k in 1..5 {
                let d = digits(code, k);
                assert!(d.len() <= k as usize);
                assert_eq!(sum(&d), round(code, k), "code {code} k {k}");
            }
        }
    }

    #[test]
    fn negative_codes_round_symmetrically() {
        for code in 1..300i64 {
            assert_eq!(round(-code, 2), -round(code, 2));
        }
    }

    #[test]
    fn extreme_codes_do_not_overflow() {
        assert_eq!(round(i64::MAX, 1), i64::MAX); // 2^63 saturates to i64::MAX
        assert_eq!(round(i64::MIN, 1), i64::MIN);
    }

    #[test]
    fn effective_code_follows_the_mode() {
        assert_eq!(effective_code(1634, AlphaMode::Exact), 1634);
        assert_eq!(effective_code(1634, AlphaMode::Pow2), 2048);
        assert_eq!(effective_code(1634, AlphaMode::Csd(2)), 1536);
        assert_eq!(mode_digits(1634, AlphaMode::Exact), None);
        assert_eq!(mode_digits(1634, AlphaMode::Pow2).map(|d| d.len()), Some(1));
    }
}
