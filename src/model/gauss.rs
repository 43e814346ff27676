//! A small deterministic random source (SplitMix64 + Box–Muller) for test data, benchmarks and
//! the fidelity measurement, so that every figure is reproducible from a seed.

/// One step of SplitMix64: advance `state` and return the next 64 random bits. The one
/// implementation of the generator (also behind `sim::rng`).
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Deterministic pseudo-random numbers: uniform integers and standard normal floats.
#[derive(Debug, Clone)]
pub struct Gauss {
    state: u64,
    spare: Option<f64>,
}

impl Gauss {
    pub fn new(seed: u64) -> Self {
        Gauss {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
            spare: None,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        splitmix64(&mut self.state)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in `lo..=hi` (slightly biased for huge ranges; fine for test data).
    pub fn uniform_int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi as i128 - lo as i128 + 1) as u128;
        (lo as i128 + (self.next_u64() as u128 % span) as i128) as i64
    }

    /// Standard normal (Box–Muller, both values used).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (2.0 * std::f64::consts::PI * u2).sin_cos();
        self.spare = Some(r * s);
        r * c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_moments_and_is_reproducible() {
        let mut g = Gauss::new(7);
        let v: Vec<f64> = (0..20000).map(|_| g.normal()).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / v.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
        let mut h = Gauss::new(7);
        assert_eq!(h.normal(), v[0]);
    }

    #[test]
    fn uniform_int_stays_in_range_and_hits_both_ends() {
        let mut g = Gauss::new(1);
        let v: Vec<i64> = (0..1000).map(|_| g.uniform_int(-1, 1)).collect();
        assert!(v.iter().all(|x| (-1..=1).contains(x)));
        assert!(v.contains(&-1) && v.contains(&1) && v.contains(&0));
    }
}
