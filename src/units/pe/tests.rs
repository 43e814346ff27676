//! Unit tests of the PE reference model (spike × weight sums, INT8 baseline).

use super::*;
use crate::model::gauss::Gauss;

fn random(rows: usize, cols: usize, lo: i64, hi: i64, seed: u64) -> Array2<i64> {
    let mut g = Gauss::new(seed);
    Array2::from_shape_fn((rows, cols), |_| g.uniform_int(lo, hi))
}

fn as_i8(a: &Array2<i64>) -> Vec<i8> {
    a.iter().map(|&v| v as i8).collect()
}

#[test]
fn reference_by_hand() {
    let q = ndarray::array![[1i8, -1, 0], [0, 0, 0], [-1, -1, 1]];
    let w = ndarray::array![[3i64, 5, 7], [-2, 4, 100]];
    let acc = accumulate_reference(q.view(), w.view());
    assert_eq!(
        acc,
        ndarray::array![[3 - 5, -2 - 4], [0, 0], [-3 - 5 + 7, 2 - 4 + 100]]
    );
}

#[test]
fn fast_equals_reference_narrow_and_wide_with_partial_blocks() {
    for (rows, din, dout, wmax) in [(5, 7, 3, 127), (9, 33, 130, 127), (4, 20, 65, 2047)] {
        let q = random(rows, din, -1, 1, 1);
        let w = random(dout, din, -wmax, wmax, 2);
        let fast = accumulate_spikes(&as_i8(&q), &PackedWeights::pack(w.view()));
        let reference = accumulate_reference(q.mapv(|v| v as i8).view(), w.view());
        let fast = Array2::from_shape_vec((rows, dout), fast).expect("shape");
        assert_eq!(fast.mapv(i64::from), reference, "{rows}x{din}x{dout}");
    }
}

#[test]
fn threaded_path_equals_reference() {
    // Large enough to cross PARALLEL_WORK.
    let (rows, din, dout) = (64, 256, 260);
    let q = random(rows, din, -1, 1, 3);
    let w = random(dout, din, -127, 127, 4);
    let fast = accumulate_spikes(&as_i8(&q), &PackedWeights::pack(w.view()));
    let reference = accumulate_reference(q.mapv(|v| v as i8).view(), w.view());
    assert_eq!(
        Array2::from_shape_vec((rows, dout), fast)
            .expect("shape")
            .mapv(i64::from),
        reference
    );
}

#[test]
fn int8_equals_naive_products() {
    let (rows, din, dout) = (6, 40, 70);
    let x = random(rows, din, -128, 127, 5);
    let w = random(dout, din, -127, 127, 6);
    let fast = accumulate_int8(&as_i8(&x), &PackedWeights::pack(w.view()));
    let naive = x.dot(&w.t());
    assert_eq!(
        Array2::from_shape_vec((rows, dout), fast)
            .expect("shape")
            .mapv(i64::from),
        naive
    );
}

#[test]
fn narrow_partial_sums_cross_the_chunk_size_exactly() {
    // 1000 inputs of weight ±127 and -128 with spikes of both signs: partial sums of one chunk
    // would overflow 16 bits without wrapping and chunking.
    for (wv, s) in [(127i64, 1i8), (-128, 1), (127, -1), (-128, -1)] {
        let q = vec![s; 1000];
        let w = Array2::from_elem((2, 1000), wv);
        let fast = accumulate_spikes(&q, &PackedWeights::pack(w.view()));
        assert!(
            fast.iter().all(|&a| a as i64 == 1000 * wv * s as i64),
            "{wv} {s}"
        );
    }
}

#[test]
fn extreme_sums_reach_the_bound_exactly() {
    // All +1 spikes against all +wmax weights: ACC = Din · wmax, no wrap.
    let (din, dout) = (3072, 3);
    let q = vec![1i8; din];
    let w = Array2::from_elem((dout, din), 32767i64);
    let fast = accumulate_spikes(&q, &PackedWeights::pack(w.view()));
    assert!(fast.iter().all(|&a| a as i64 == 3072 * 32767));
    let q = vec![-1i8; din];
    let fast = accumulate_spikes(&q, &PackedWeights::pack(w.view()));
    assert!(fast.iter().all(|&a| a as i64 == -3072 * 32767));
}
