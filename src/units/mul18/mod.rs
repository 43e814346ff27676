//! Registered signed multiplier of at most 18 × 18 bits (`spikelm_mul18`): one DSP block with
//! its input, pipeline and output registers, latency [`crate::perf::pipeline::MUL18_LATENCY`].
//! Used by the exact amplitude multiplier (`spikelm_amp_shift`, one per partial product) and by
//! the INT8 processing element (`spikelm_pe`, int8_mac).
//!
//! Unit test: `tests.rs` (both forms, plain and ECP5 DSP with the MULT18X18D simulation model,
//! against integer products, a new operand pair every cycle).

#[cfg(test)]
mod tests;
