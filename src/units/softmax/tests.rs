//! Unit tests of the softmax model.

use super::*;

const FMT: SoftmaxFormat = SoftmaxFormat {
    fz: 12,
    zw: 24,
    pf: 15,
};

fn float_softmax(z: &[f64], keep: &[bool]) -> Vec<f64> {
    let m = z
        .iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(&v, _)| v)
        .fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z
        .iter()
        .zip(keep)
        .map(|(&v, &k)| if k { (v - m).exp2() } else { 0.0 })
        .collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Random rows (log2-domain spread up to ±16, random masks): every probability within 2^−13 of
/// float (4 LSB at PF = 15), masked ones exactly 0, sums within 2^−10 of 1.
#[test]
fn random_rows_match_float_softmax() {
    let (exp, recip) = (exp2_table(), recip_table());
    let mut s = 0x5eed_u64;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 20) % m
    };
    for _ in 0..300 {
        let n = 1 + next(128) as usize;
        let spread = 1 + next(16) as i64;
        let z: Vec<i64> = (0..n)
            .map(|_| next((2 * spread as u64) << 12) as i64 - (spread << 12))
            .collect();
        let keep: Vec<bool> = (0..n).map(|i| i == 0 || next(5) != 0).collect();
        let p = softmax_row(&z, &keep, &FMT, &exp, &recip);
        let zf: Vec<f64> = z.iter().map(|&v| v as f64 / 4096.0).collect();
        let want = float_softmax(&zf, &keep);
        let one = f64::from(1u32 << FMT.pf);
        for ((&pi, wi), &k) in p.iter().zip(&want).zip(&keep) {
            if !k {
                assert_eq!(pi, 0);
            }
            assert!((pi as f64 / one - wi).abs() < 1.0 / 8192.0, "{pi} vs {wi}");
        }
        let sum = p.iter().sum::<i64>() as f64 / one;
        assert!((sum - 1.0).abs() < 1.0 / 1024.0, "sum {sum}");
    }
}

#[test]
fn fully_masked_row_is_zero_and_single_position_is_one() {
    let (exp, recip) = (exp2_table(), recip_table());
    assert_eq!(
        softmax_row(&[5, 7], &[false, false], &FMT, &exp, &recip),
        vec![0, 0]
    );
    assert_eq!(
        softmax_row(&[-(1 << 23), 7], &[true, false], &FMT, &exp, &recip),
        vec![1 << 15, 0]
    );
    // Two equal scores: exactly one half each.
    assert_eq!(
        softmax_row(&[100, 100], &[true, true], &FMT, &exp, &recip),
        vec![1 << 14, 1 << 14]
    );
    assert_eq!(log2_score(1 << 20, 1 << 10, 0, &FMT), (1 << 23) - 1);
}
