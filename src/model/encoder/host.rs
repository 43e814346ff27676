//! The operations the engine leaves to a host, in float: embeddings, LayerNorm, GELU (erf),
//! softmax with the sequence mask, residual additions and the mean over T. The float and the
//! integer forward share them, so any difference between the two comes from the sites.

use super::{Batch, BertWeights, EncoderError, LayerNormWeights};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis};

/// Word + position + token-type embeddings, then LayerNorm: [N, H].
pub fn embed(weights: &BertWeights, batch: &Batch) -> Result<Array2<f64>, EncoderError> {
    let sum = embedding_sum(weights, batch)?;
    let e = &weights.embeddings;
    Ok(layer_norm(sum.view(), &e.norm, weights.dims.layer_norm_eps))
}

/// Word + position + token-type embeddings (before their LayerNorm): [N, H].
pub fn embedding_sum(weights: &BertWeights, batch: &Batch) -> Result<Array2<f64>, EncoderError> {
    let e = &weights.embeddings;
    let h = weights.dims.hidden;
    let mut out = Array2::<f64>::zeros((batch.tokens(), h));
    let lookups = [
        (
            "id",
            &batch.ids.iter().map(|&v| v as usize).collect::<Vec<_>>(),
            &e.word,
        ),
        ("position", &batch.positions, &e.position),
        (
            "type id",
            &batch
                .type_ids
                .iter()
                .map(|&v| v as usize)
                .collect::<Vec<_>>(),
            &e.token_type,
        ),
    ];
    for (what, idx, table) in lookups {
        for (n, &i) in idx.iter().enumerate() {
            if i >= table.nrows() {
                return Err(EncoderError::Token {
                    what,
                    value: i,
                    index: n,
                    size: table.nrows(),
                });
            }
            let mut row = out.row_mut(n);
            row += &table.row(i);
        }
    }
    Ok(out)
}

/// LayerNorm over the last axis of rows [N, H] (biased variance, as PyTorch).
pub fn layer_norm(x: ArrayView2<f64>, w: &LayerNormWeights, eps: f64) -> Array2<f64> {
    let mut out = x.to_owned();
    for mut row in out.rows_mut() {
        let n = row.len() as f64;
        let mean = row.sum() / n;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&w.gamma).zip(&w.beta) {
            *v = (*v - mean) * inv * g + b;
        }
    }
    out
}

/// LayerNorm of every time step of [T, N, H].
pub fn layer_norm_steps(x: ArrayView3<f64>, w: &LayerNormWeights, eps: f64) -> Array3<f64> {
    let mut out = Array3::zeros(x.raw_dim());
    for (mut o, x_t) in out.outer_iter_mut().zip(x.outer_iter()) {
        o.assign(&layer_norm(x_t, w, eps));
    }
    out
}

/// GELU with the error function, as the official code: x · 0.5 · (1 + erf(x / √2)).
pub fn gelu(x: f64) -> f64 {
    x * 0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

/// erf to about 1e-15 (Abramowitz–Stegun 7.1.26 is too coarse; this is the series / continued
/// fraction pair used by most libms, via the complementary function for |x| > 2).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let ax = x.abs();
    let r = if ax < 2.0 {
        // Maclaurin series: 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1)).
        let mut term = ax;
        let mut sum = ax;
        let x2 = ax * ax;
        let mut n = 0.0;
        while n < 100.0 {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() <= 1e-17 * sum.abs() {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else if ax > 6.0 {
        1.0
    } else {
        // Continued fraction of erfc (Lentz), converges fast for x ≥ 2.
        let mut f;
        let tiny = 1e-300;
        let b0 = ax;
        f = b0;
        let mut c = b0;
        let mut d = 0.0;
        for k in 1..200 {
            let a = k as f64 / 2.0;
            d = ax + a * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = ax + a / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        1.0 - (-ax * ax).exp() / (f * std::f64::consts::PI.sqrt())
    };
    if x < 0.0 {
        -r
    } else {
        r
    }
}

/// Softmax of each row of `scores` in place.
pub fn softmax_rows(scores: &mut Array2<f64>) {
    for mut row in scores.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
}

/// The mean over T of [T, N, H]: the encoder's output.
pub fn mean_over_steps(x: ArrayView3<f64>) -> Array2<f64> {
    x.mean_axis(Axis(0))
        .unwrap_or_else(|| Array2::zeros((x.len_of(Axis(1)), x.len_of(Axis(2)))))
}

/// The embedding output repeated over T: [T, N, H].
pub fn repeat_steps(x: ArrayView2<f64>, steps: usize) -> Array3<f64> {
    let (n, h) = x.dim();
    Array3::from_shape_fn((steps, n, h), |(_, i, j)| x[[i, j]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn erf_matches_known_values() {
        // Values of erf to 16 digits (Abramowitz & Stegun table 7.1).
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
        ] {
            assert!((erf(x) - want).abs() < 1e-14, "erf({x}) = {}", erf(x));
            assert!((erf(-x) + want).abs() < 1e-14);
        }
        assert!((gelu(1.0) - 0.841_344_746_068_542_9).abs() < 1e-14);
    }

    #[test]
    fn layer_norm_and_softmax_by_hand() {
        let w = LayerNormWeights {
            gamma: array![1.0, 2.0],
            beta: array![0.0, 1.0],
        };
        let y = layer_norm(array![[1.0, 3.0]].view(), &w, 0.0);
        assert_eq!(y, array![[-1.0, 3.0]]);
        let mut s = array![[0.0, (2.0f64).ln()]];
        softmax_rows(&mut s);
        assert!((s[[0, 0]] - 1.0 / 3.0).abs() < 1e-15 && (s[[0, 1]] - 2.0 / 3.0).abs() < 1e-15);
    }
}
