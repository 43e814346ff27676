//! Unit tests of the LayerNorm model.

use super::*;
use crate::model::encoder::host;
use crate::model::encoder::LayerNormWeights;
use ndarray::Array2;

const FMT: LayerNormFormat = LayerNormFormat {
    fx: 16,
    fn_: 12,
    fg: 12,
    yw: 22,
    fy: 14,
};

/// Random rows of 384 values with random scale (σ from 2^−6 to 2^3) and offset, random γ, β:
/// every output within 2^−9 of the float LayerNorm of the same input codes.
#[test]
fn random_rows_match_float_layer_norm() {
    let table = rsqrt_table();
    let mut s = 0xabc_u64;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 20) % m
    };
    let h = 384;
    for trial in 0..40 {
        let sigma = (trial as f64 / 4.0 - 6.0).exp2();
        let off = next(2000) as f64 / 1000.0 - 1.0;
        let x: Vec<i64> = (0..h)
            .map(|_| {
                let u = next(1 << 20) as f64 / f64::from(1 << 20) - 0.5;
                rne((off + 3.4 * sigma * u) * 65536.0)
            })
            .collect();
        let gamma: Vec<f64> = (0..h).map(|_| next(3000) as f64 / 1000.0 - 0.5).collect();
        let beta: Vec<f64> = (0..h).map(|_| next(2000) as f64 / 1000.0 - 1.0).collect();
        let codes = LayerNormCodes::new(&gamma, &beta, 1e-12, &FMT);
        let y = layer_norm_row(&x, &codes, &FMT, &table);
        let w = LayerNormWeights {
            gamma: codes.gamma.iter().map(|&g| g as f64 / 4096.0).collect(),
            beta: codes.beta.iter().map(|&b| b as f64 / 16384.0).collect(),
        };
        let xf = Array2::from_shape_fn((1, h), |(_, j)| x[j] as f64 / 65536.0);
        let want = host::layer_norm(xf.view(), &w, 1e-12);
        for (a, b) in y.iter().zip(want.iter()) {
            assert!(
                (*a as f64 / 16384.0 - b).abs() < 1.0 / 512.0,
                "trial {trial}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn constant_row_gives_beta_and_rsqrt_normalises() {
    let table = rsqrt_table();
    let codes = LayerNormCodes {
        gamma: vec![4096; 4],
        beta: vec![7, -3, 0, 1],
        eps: 0,
    };
    assert_eq!(
        layer_norm_row(&[5, 5, 5, 5], &codes, &FMT, &table),
        vec![7, -3, 0, 1]
    );
    // 1/√(4^10) = 2^−10: t = 2^16 at u = 1.
    let (t, s) = rsqrt(1 << 20, &table);
    assert_eq!((t, s), (1 << 16, 10));
    // ±1 around a mean: z = ±1 exactly.
    let y = layer_norm_row(&[65536, -65536, 65536, -65536], &codes, &FMT, &table);
    assert_eq!(y, vec![16384 + 7, -16384 - 3, 16384, -16384 + 1]);
}
