//! A small seeded generator (SplitMix64) so every stimulus is reproducible from `--seed`.

#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// A generator for a named sub-stream, so adding draws to one stream leaves the others alone.
    pub fn fork(&self, label: &str) -> Self {
        let mut h = self.0;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
        }
        SplitMix64(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        crate::model::gauss::splitmix64(&mut self.0)
    }

    /// Uniform in `lo..=hi` (requires lo ≤ hi).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        if span == 0 {
            return self.next_u64() as i64;
        }
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn same_seed_same_stream_and_range_bounds() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            let v = a.range(-3, 5);
            assert_eq!(v, b.range(-3, 5));
            assert!((-3..=5).contains(&v));
        }
        assert_ne!(
            SplitMix64::new(7).fork("x").next_u64(),
            SplitMix64::new(7).fork("y").next_u64()
        );
    }
}
