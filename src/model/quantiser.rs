//! The memoryless quantiser after the K and V projections: q = clamp(round(y / α), −1, +1) with
//! the neuron's comparator and no membrane (docs/arithmetic.md).

use super::error::check_range;
use super::ModelError;
use crate::units::neuron::spike;
use ndarray::{Array3, ArrayView3, Axis};

/// Quantise codes `y` [T, N, D] with one effective α code per time step (`alphas.len() == T`).
pub fn quantise(y: ArrayView3<i64>, alphas: &[i64]) -> Result<Array3<i8>, ModelError> {
    if alphas.len() != y.len_of(Axis(0)) {
        return Err(ModelError::shape(
            "alphas",
            &[alphas.len()],
            format!(
                "needs one α code per time step of y ({})",
                y.len_of(Axis(0))
            ),
        ));
    }
    check_range(
        "alphas",
        &ndarray::aview1(alphas),
        1,
        i64::MAX,
        "α codes are positive",
    )?;
    let mut q = Array3::<i8>::zeros(y.raw_dim());
    for ((mut q_t, y_t), &a) in q.outer_iter_mut().zip(y.outer_iter()).zip(alphas) {
        q_t.zip_mut_with(&y_t, |q, &y| *q = spike(y, a));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn same_comparator_without_memory() {
        let y = array![
            [[512i64, 513, -512, -513, 10_000]],
            [[512, 513, -512, -513, 0]]
        ];
        let q = quantise(y.view(), &[1024, 1000]).expect("valid");
        assert_eq!(q, array![[[0i8, 1, 0, -1, 1]], [[1, 1, -1, -1, 0]]]);
    }

    #[test]
    fn alpha_count_and_sign_are_checked() {
        let y = Array3::<i64>::zeros((2, 1, 1));
        assert!(matches!(
            quantise(y.view(), &[1]),
            Err(ModelError::Shape { .. })
        ));
        let err = quantise(y.view(), &[1, 0]).expect_err("zero α");
        assert!(err.to_string().contains("alphas[1] = 0"), "{err}");
    }
}
