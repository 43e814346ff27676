//! Delay line (`spikelm_delay`) of N registers, optionally cleared by a synchronous reset, or
//! for a long line without reset a ring in block RAM (`array.delay_lines_in_ram`).
//!
//! It realises the pipeline depths declared in [`crate::perf::pipeline`]; checked through the
//! engine co-simulation, where a wrong depth breaks the cycle count or the outputs; the ring against the chain in `tests.rs`.

#[cfg(test)]
mod tests;
