//! α and output-scale codes as the stimulus chooses them and as the host writes them: one code
//! word (exact mode) or K digit words (csd:K, pow2), per docs/engine.md "Digit word".

use crate::config::{AlphaMode, Params};
use crate::model::csd;

/// One register digit of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digit {
    pub nonzero: bool,
    pub negative: bool,
    pub shift: u32,
}

/// The K digits of `code` as the host writes them, `model::csd::digits(code, K)` padded with
/// zero digits.
pub fn code_digits(code: i64, k: u32) -> Vec<Digit> {
    let mut out: Vec<Digit> = csd::digits(code, k)
        .into_iter()
        .map(|d| Digit {
            nonzero: true,
            negative: d.neg,
            shift: d.shift,
        })
        .collect();
    out.resize(
        k as usize,
        Digit {
            nonzero: false,
            negative: false,
            shift: 0,
        },
    );
    out
}

/// `code` rounded to the digit budget of the configured alpha mode.
pub fn effective_code(params: &Params, code: i64) -> i64 {
    csd::effective_code(code, params.format().alpha_mode)
}

fn representable(params: &Params, code: i64, bits: u32) -> i64 {
    // Exact codes are unsigned `bits`-bit; rounded codes may reach 2^bits (docs/arithmetic.md).
    let code = code.clamp(1, (1i64 << bits) - 1);
    effective_code(params, code).clamp(1, 1i64 << bits)
}

/// The nearest legal α code (≥ 1, within AW bits, within the digit budget).
pub fn clamp_alpha(params: &Params, code: i64) -> i64 {
    representable(params, code, params.format().alpha_bits)
}

/// The nearest legal output-scale code (≥ 1, within MBW bits, within the digit budget).
pub fn clamp_scale(params: &Params, code: i64) -> i64 {
    representable(params, code, params.format().scale_bits)
}

/// One digit as the register holds it: bits `[shw-1:0]` shift, bit `shw` negative, bit `shw+1`
/// non-zero.
pub fn digit_word(nonzero: bool, negative: bool, shift: u32, shw: u32) -> u32 {
    (u32::from(nonzero) << (shw + 1)) | (u32::from(negative) << shw) | shift
}

/// The words the host writes for one code: `[code]` in exact mode, else K digit words.
pub fn register_words(mode: AlphaMode, code: i64, shw: u32) -> Vec<u32> {
    match mode.digits() {
        None => vec![code as u32],
        Some(k) => code_digits(code, k)
            .into_iter()
            .map(|d| digit_word(d.nonzero, d.negative, d.shift, shw))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_words_reconstruct_the_code() {
        for code in [1i64, 3, 1024, 1536, 1537, 65535, 65536] {
            let words = register_words(AlphaMode::Csd(2), code, 5);
            assert_eq!(words.len(), 2);
            let value: i64 = words
                .iter()
                .filter(|w| (*w >> 6) & 1 == 1)
                .map(|w| {
                    let v = 1i64 << (w & 31);
                    if (w >> 5) & 1 == 1 {
                        -v
                    } else {
                        v
                    }
                })
                .sum();
            assert_eq!(value, crate::model::csd::round(code, 2), "code {code}");
        }
    }

    #[test]
    fn digit_word_layout() {
        assert_eq!(digit_word(true, true, 3, 5), 0b11_00011);
        assert_eq!(digit_word(false, false, 0, 5), 0);
    }
}
