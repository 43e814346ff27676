//! Registered signed multiplier of at most 18 × 18 bits with a clock enable
//! (`spikelm_mul18_ce`): one DSP block with its input, pipeline and output registers, three
//! enabled cycles. The multiplier of the units outside the engine (`spikelm_interp`,
//! `spikelm_mul_pipe`, `spikelm_softmax`), which exist in every configuration, where
//! `spikelm_mul18` (no enable) is generated only for engines with a multiplier.
//!
//! Unit test: `tests.rs` (both forms, plain and ECP5 DSP with the MULT18X18D simulation model,
//! against integer products under a random enable).

#[cfg(test)]
mod tests;
