//! Amplitude multiplier (`spikelm_amp_shift`): a true multiplier (`alpha_mode = exact`) or
//! K shifted power-of-two terms from runtime digit registers (`csd:K`, `pow2`).
//!
//! Reference: [`crate::model::csd`] (the digits, [`crate::model::csd::digits`], and the value
//! they sum to, [`crate::model::csd::effective_code`]). Unit test: `tests.rs` (Icarus, against
//! hand-derived products).

#[cfg(test)]
mod tests;
