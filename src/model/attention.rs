//! The two attention products with spiking K and V (docs/arithmetic.md section 1), additions only:
//! scores Q·Kᵀ where K is the ternary output of the K quantiser, and context P·V where V is the
//! ternary output of the V quantiser. Both are raw integer sums; the α_K/√d_h and α_V scales are
//! applied afterwards (they are per-time-step constants, like M_t in the amplitude stage).
//! One head: callers slice heads out of the hidden dimension.

use super::ModelError;
use ndarray::{Array3, ArrayView3, Axis};

fn check_spikes(arg: &str, s: ArrayView3<i8>) -> Result<(), ModelError> {
    match s.indexed_iter().find(|(_, v)| !(-1..=1).contains(*v)) {
        Some(((t, n, i), v)) => Err(ModelError::value(
            arg,
            Some(&[t, n, i]),
            v,
            "spikes are −1, 0 or +1",
        )),
        None => Ok(()),
    }
}

/// Refuse codes large enough that a sum of `terms` of them could overflow i64.
fn check_magnitude(arg: &str, a: ArrayView3<i64>, terms: usize) -> Result<(), ModelError> {
    let limit = i64::MAX / (terms.max(1) as i64);
    match a
        .indexed_iter()
        .find(|(_, v)| v.unsigned_abs() > limit as u64)
    {
        Some(((t, n, i), v)) => Err(ModelError::value(
            arg,
            Some(&[t, n, i]),
            v,
            format!("a sum of {terms} such terms could overflow 64 bits (|v| ≤ {limit})"),
        )),
        None => Ok(()),
    }
}

/// `scores[t][n][m] = Σ_d Q[t][n][d] · K[t][m][d]`, K ternary: `q` [T, N, d_h], `k_spikes`
/// [T, M, d_h]; returns [T, N, M].
pub fn qk_scores(q: ArrayView3<i64>, k_spikes: ArrayView3<i8>) -> Result<Array3<i64>, ModelError> {
    let (t, n, dh) = q.dim();
    let (tk, m, dk) = k_spikes.dim();
    if tk != t || dk != dh {
        return Err(ModelError::shape(
            "k_spikes",
            k_spikes.shape(),
            format!("needs [T = {t}, M, d_h = {dh}]"),
        ));
    }
    check_spikes("k_spikes", k_spikes)?;
    check_magnitude("q", q, dh)?;
    let mut scores = Array3::<i64>::zeros((t, n, m));
    for step in 0..t {
        let (q_t, k_t) = (
            q.index_axis(Axis(0), step),
            k_spikes.index_axis(Axis(0), step),
        );
        for ni in 0..n {
            for mi in 0..m {
                let mut sum = 0i64;
                for (&qv, &s) in q_t.row(ni).iter().zip(k_t.row(mi)) {
                    match s {
                        1 => sum += qv,
                        -1 => sum -= qv,
                        _ => {}
                    }
                }
                scores[[step, ni, mi]] = sum;
            }
        }
    }
    Ok(scores)
}

/// `context[t][n][d] = Σ_m P[t][n][m] · V[t][m][d]`, V ternary: `p` [T, N, M], `v_spikes`
/// [T, M, d_h]; returns [T, N, d_h].
pub fn pv_context(p: ArrayView3<i64>, v_spikes: ArrayView3<i8>) -> Result<Array3<i64>, ModelError> {
    let (t, n, m) = p.dim();
    let (tv, mv, dh) = v_spikes.dim();
    if tv != t || mv != m {
        return Err(ModelError::shape(
            "v_spikes",
            v_spikes.shape(),
            format!("needs [T = {t}, M = {m}, d_h]"),
        ));
    }
    check_spikes("v_spikes", v_spikes)?;
    check_magnitude("p", p, m)?;
    let mut context = Array3::<i64>::zeros((t, n, dh));
    for step in 0..t {
        let (p_t, v_t) = (
            p.index_axis(Axis(0), step),
            v_spikes.index_axis(Axis(0), step),
        );
        for ni in 0..n {
            let mut row = context.index_axis_mut(Axis(0), step);
            let mut row = row.row_mut(ni);
            // Row by row of V: each (token m, feature d) spike adds or subtracts P[n][m].
            for (mi, &pv) in p_t.row(ni).iter().enumerate() {
                for (c, &s) in row.iter_mut().zip(v_t.row(mi)) {
                    match s {
                        1 => *c += pv,
                        -1 => *c -= pv,
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::gauss::Gauss;
    use ndarray::array;

    fn naive(a: ArrayView3<i64>, b_t: ArrayView3<i64>) -> Array3<i64> {
        // a [T, N, K] times b_t [T, K, M] with ordinary multiplies.
        let (t, n, _) = a.dim();
        let m = b_t.len_of(Axis(2));
        let mut out = Array3::zeros((t, n, m));
        for s in 0..t {
            out.index_axis_mut(Axis(0), s)
                .assign(&a.index_axis(Axis(0), s).dot(&b_t.index_axis(Axis(0), s)));
        }
        out
    }

    #[test]
    fn scores_by_hand() {
        let q = array![[[3i64, -2, 5]]];
        let k = array![[[1i8, 1, 0], [-1, 0, 1]]];
        assert_eq!(
            qk_scores(q.view(), k.view()).expect("valid"),
            array![[[1i64, 2]]]
        );
    }

    #[test]
    fn products_equal_naive_integer_and_float() {
        let mut g = Gauss::new(9);
        let q = Array3::from_shape_fn((2, 5, 8), |_| g.uniform_int(-5000, 5000));
        let k = Array3::from_shape_fn((2, 6, 8), |_| g.uniform_int(-1, 1) as i8);
        let p = Array3::from_shape_fn((2, 5, 6), |_| g.uniform_int(0, 1024));
        let v = Array3::from_shape_fn((2, 6, 8), |_| g.uniform_int(-1, 1) as i8);
        let scores = qk_scores(q.view(), k.view()).expect("valid");
        let k_t = k.mapv(i64::from).permuted_axes([0, 2, 1]);
        assert_eq!(scores, naive(q.view(), k_t.view()));
        let float = q
            .mapv(|v| v as f64)
            .index_axis(Axis(0), 1)
            .dot(&k.mapv(f64::from).index_axis(Axis(0), 1).t());
        assert_eq!(scores.index_axis(Axis(0), 1).mapv(|v| v as f64), float);
        let context = pv_context(p.view(), v.view()).expect("valid");
        assert_eq!(context, naive(p.view(), v.mapv(i64::from).view()));
    }

    #[test]
    fn shapes_and_values_are_checked() {
        let q = Array3::<i64>::zeros((1, 2, 3));
        assert!(qk_scores(q.view(), Array3::<i8>::zeros((1, 2, 4)).view()).is_err());
        let e = qk_scores(q.view(), Array3::<i8>::from_elem((1, 2, 3), 2).view())
            .expect_err("not ternary")
            .to_string();
        assert!(e.contains("k_spikes[0, 0, 0] = 2"), "{e}");
        let big = Array3::<i64>::from_elem((1, 2, 3), i64::MAX / 2);
        assert!(qk_scores(big.view(), Array3::<i8>::zeros((1, 2, 3)).view()).is_err());
        assert!(pv_context(q.view(), Array3::<i8>::zeros((1, 2, 3)).view()).is_err());
    }
}
