//! The float forward pass of docs/arithmetic.md section 1, the model the integer codes approximate:
//!
//! ```text
//! u_0 = x_0;  u_t = 0.25 · α_{t-1} · (1 − q_{t-1}) · u_{t-1} + x_t
//! q_t = clamp(round_half_even(u_t / α_t), −1, +1);  y_t = α_t · (W q_t) + b
//! ```

use super::ModelError;
use ndarray::{Array3, ArrayView1, ArrayView2, ArrayView3, Axis};

/// q = clamp(round_half_even(u / α), −1, +1), written as SpikeLM writes it.
pub fn spike(u: f64, alpha: f64) -> i8 {
    (u / alpha).round_ties_even().clamp(-1.0, 1.0) as i8
}

/// The membrane carried into the next step: 0.25·α·(1 − q)·u (0 after +1, 0.25·α·u after 0,
/// 0.5·α·u after −1).
pub fn carry(u: f64, q: i8, alpha: f64) -> f64 {
    0.25 * alpha * (1.0 - q as f64) * u
}

/// Membranes and spikes of the float neuron, both [T, N, Din].
#[derive(Debug, Clone, PartialEq)]
pub struct FloatSpikes {
    pub u: Array3<f64>,
    pub q: Array3<i8>,
}

/// Run the float neuron on `x` [T, N, Din] with one α per time step.
pub fn neuron(x: ArrayView3<f64>, alphas: &[f64]) -> Result<FloatSpikes, ModelError> {
    let steps = x.len_of(Axis(0));
    if alphas.len() != steps {
        return Err(ModelError::shape(
            "alphas",
            &[alphas.len()],
            format!("needs one α per time step of x (T = {steps})"),
        ));
    }
    let mut u = Array3::<f64>::zeros(x.raw_dim());
    let mut q = Array3::<i8>::zeros(x.raw_dim());
    for t in 0..steps {
        for ((n, i), &x_t) in x.index_axis(Axis(0), t).indexed_iter() {
            let v = if t == 0 {
                x_t
            } else {
                carry(u[[t - 1, n, i]], q[[t - 1, n, i]], alphas[t - 1]) + x_t
            };
            u[[t, n, i]] = v;
            q[[t, n, i]] = spike(v, alphas[t]);
        }
    }
    Ok(FloatSpikes { u, q })
}

/// y_t = α_t · (W q_t) + b for spikes `q` [T, N, Din], `w` \[Dout, Din\], `b` \[Dout\].
pub fn linear(
    q: ArrayView3<i8>,
    w: ArrayView2<f64>,
    b: ArrayView1<f64>,
    alphas: &[f64],
) -> Result<Array3<f64>, ModelError> {
    let (steps, n, din) = q.dim();
    if w.ncols() != din || b.len() != w.nrows() || alphas.len() != steps {
        return Err(ModelError::shape(
            "w",
            w.shape(),
            format!("needs [Dout, Din = {din}] with bias [Dout] and T = {steps} alphas"),
        ));
    }
    let mut y = Array3::<f64>::zeros((steps, n, w.nrows()));
    for ((mut y_t, q_t), &alpha) in y.outer_iter_mut().zip(q.outer_iter()).zip(alphas) {
        y_t.assign(&(q_t.mapv(f64::from).dot(&w.t()) * alpha + b));
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn spike_ties_round_to_even() {
        assert_eq!(spike(0.5, 1.0), 0);
        assert_eq!(spike(0.5000001, 1.0), 1);
        assert_eq!(spike(-0.5, 1.0), 0);
        assert_eq!(spike(-0.51, 1.0), -1);
        assert_eq!(spike(7.0, 1.0), 1);
        assert_eq!(spike(1.5, 1.0), 1); // rounds to 2, clamped
    }

    #[test]
    fn recurrence_by_hand() {
        // α = 2: u_0 = 0.8 (0.4 -> q 0), u_1 = 0.25·2·0.8 + 0.9 = 1.3 (0.65 -> +1), u_2 = 0 + -1.2
        // (-0.6 -> -1), u_3 = 0.25·2·2·(-1.2) + 0.1 = -1.1 (-0.55 -> -1).
        let x = array![[[0.8]], [[0.9]], [[-1.2]], [[0.1]]];
        let s = neuron(x.view(), &[2.0; 4]).expect("shapes");
        let u: Vec<f64> = s.u.iter().copied().collect();
        let expect = [0.8, 1.3, -1.2, -1.1];
        for (a, b) in u.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{u:?}");
        }
        assert_eq!(s.q.iter().copied().collect::<Vec<_>>(), vec![0, 1, -1, -1]);
    }

    #[test]
    fn linear_scales_by_alpha_and_adds_bias() {
        let q = array![[[1i8, -1]], [[0, 1]]];
        let w = array![[2.0, 3.0]];
        let y = linear(q.view(), w.view(), array![0.5].view(), &[2.0, 4.0]).expect("shapes");
        assert_eq!(y, array![[[2.0 * (2.0 - 3.0) + 0.5]], [[4.0 * 3.0 + 0.5]]]);
    }
}
