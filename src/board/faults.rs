//! A transport that damages frames on purpose: a fraction of the requests and of the responses
//! get one bit flipped or are dropped whole. Used to show that the link retries and that a
//! damaged run never passes (`spikelm-hw run --sim --fault-rate`, tests).
//!
//! The fate of each frame is drawn once per frame, when its request is sent, never per chunk
//! the operating system happens to deliver: a simulated board writes its answer a byte at a
//! time, and damaging each received chunk would damage a long answer almost surely.

use super::link::Transport;
use super::protocol;
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

/// What happens to one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Intact,
    Dropped,
    /// Bit `bit` of byte `at` flipped.
    Flipped {
        at: usize,
        bit: u32,
    },
}

pub struct FaultyTransport<T: Transport> {
    inner: T,
    rate: f64,
    rng: SplitMix64,
    pub counts: FaultCounts,
    /// The fate of the answer to the last request, and its bytes received so far.
    response: Fate,
    received: usize,
    response_counted: bool,
}

impl<T: Transport> FaultyTransport<T> {
    /// Damage each request and each response with probability `rate` (half flipped, half
    /// dropped).
    pub fn new(inner: T, rate: f64, seed: u64) -> Self {
        FaultyTransport {
            inner,
            rate,
            rng: SplitMix64::new(seed),
            counts: FaultCounts::default(),
            response: Fate::Intact,
            received: 0,
            response_counted: false,
        }
    }

    /// A frame's fate; a flip lands within the first `len` bytes.
    fn fate(&mut self, len: usize) -> Fate {
        if len == 0 || !self.rng.chance(self.rate) {
            return Fate::Intact;
        }
        if self.rng.chance(0.5) {
            return Fate::Dropped;
        }
        let at = self.rng.range(0, len as i64 - 1) as usize;
        let bit = self.rng.range(0, 7) as u32;
        Fate::Flipped { at, bit }
    }
}

impl<T: Transport> Transport for FaultyTransport<T> {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let request = self.fate(bytes.len());
        // The answer's length is not known yet: its flip lands in the part every answer has.
        self.response = self.fate(protocol::FRAME_OVERHEAD);
        self.received = 0;
        self.response_counted = false;
        match request {
            Fate::Intact => self.inner.send(bytes),
            Fate::Dropped => {
                self.counts.requests_dropped += 1;
                Ok(())
            }
            Fate::Flipped { at, bit } => {
                self.counts.requests_corrupted += 1;
                let mut b = bytes.to_vec();
                b[at] ^= 1 << bit;
                self.inner.send(&b)
            }
        }
    }

    fn recv(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>> {
        let mut bytes = self.inner.recv(timeout)?;
        let first = self.received;
        self.received += bytes.len();
        match self.response {
            Fate::Intact => {}
            Fate::Dropped => {
                if !bytes.is_empty() {
                    if !self.response_counted {
                        self.counts.responses_dropped += 1;
                        self.response_counted = true;
                    }
                    bytes.clear();
                }
            }
            Fate::Flipped { at, bit } => {
                if (first..self.received).contains(&at) {
                    bytes[at - first] ^= 1 << bit;
                    self.counts.responses_corrupted += 1;
                }
            }
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Answers every request with a fixed 200-byte frame, delivered in `chunk`-byte pieces.
    struct Echo {
        chunk: usize,
        pending: VecDeque<u8>,
    }

    impl Transport for Echo {
        fn send(&mut self, _bytes: &[u8]) -> std::io::Result<()> {
            self.pending.extend(protocol::frame(1, 0, &[0x5A; 194]));
            Ok(())
        }
        fn recv(&mut self, _timeout: Duration) -> std::io::Result<Vec<u8>> {
            let n = self.chunk.min(self.pending.len());
            Ok(self.pending.drain(..n).collect())
        }
    }

    /// Damaged answers among `n` exchanges, reading each answer in `chunk`-byte pieces.
    fn damaged_answers(chunk: usize, n: usize) -> usize {
        let mut t = FaultyTransport::new(
            Echo {
                chunk,
                pending: VecDeque::new(),
            },
            0.01,
            5,
        );
        let good = protocol::frame(1, 0, &[0x5A; 194]);
        (0..n)
            .filter(|_| {
                t.send(&[0; 8]).expect("send");
                let mut got = Vec::new();
                while got.len() < good.len() {
                    let b = t.recv(Duration::ZERO).expect("recv");
                    if b.is_empty() && t.inner.pending.is_empty() {
                        break;
                    }
                    got.extend(b);
                }
                got != good
            })
            .count()
    }

    #[test]
    fn a_frame_is_damaged_as_often_whether_it_arrives_whole_or_a_byte_at_a_time() {
        let n = 4000;
        let whole = damaged_answers(200, n);
        let bytewise = damaged_answers(1, n);
        assert_eq!(whole, bytewise);
        // About 1 % of the answers (40 expected among 4,000).
        assert!((15..=80).contains(&whole), "{whole} damaged of {n}");
    }
}
