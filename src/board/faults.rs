//! A transport that damages frames on purpose: a fraction of the writes (requests) and of the
//! reads (responses) get one byte flipped or are dropped whole. Used to show that the link
//! retries and that a damaged run never passes (`spikelm-hw run --sim --fault-rate`, tests).

use super::link::Transport;
use crate::sim::rng::SplitMix64;
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone, Default, Serialize)]
pub struct FaultCounts {
    pub requests_corrupted: u64,
    pub requests_dropped: u64,
    pub responses_corrupted: u64,
    pub responses_dropped: u64,
}

pub struct FaultyTransport<T: Transport> {
    inner: T,
    rate: f64,
    rng: SplitMix64,
    pub counts: FaultCounts,
}

impl<T: Transport> FaultyTransport<T> {
    /// Damage each request and each received chunk with probability `rate` (half flipped,
    /// half dropped).
    pub fn new(inner: T, rate: f64, seed: u64) -> Self {
        FaultyTransport {
            inner,
            rate,
            rng: SplitMix64::new(seed),
            counts: FaultCounts::default(),
        }
    }

    fn damage(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        if bytes.is_empty() || !self.rng.chance(self.rate) {
            return Some(bytes.to_vec());
        }
        if self.rng.chance(0.5) {
            return None;
        }
        let mut b = bytes.to_vec();
        let i = self.rng.range(0, b.len() as i64 - 1) as usize;
        let bit = self.rng.range(0, 7) as u32;
        b[i] ^= 1 << bit;
        Some(b)
    }
}

impl<T: Transport> Transport for FaultyTransport<T> {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self.damage(bytes) {
            None => {
                self.counts.requests_dropped += 1;
                Ok(())
            }
            Some(b) => {
                if b != bytes {
                    self.counts.requests_corrupted += 1;
                }
                self.inner.send(&b)
            }
        }
    }

    fn recv(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>> {
        let bytes = self.inner.recv(timeout)?;
        match self.damage(&bytes) {
            None => {
                self.counts.responses_dropped += 1;
                Ok(Vec::new())
            }
            Some(b) => {
                if b != bytes {
                    self.counts.responses_corrupted += 1;
                }
                Ok(b)
            }
        }
    }
}
