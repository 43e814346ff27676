//! Delay line (`spikelm_delay`) of N registers, optionally cleared by a synchronous reset.
//!
//! It realises the pipeline depths declared in [`crate::perf::pipeline`]; checked through the
//! engine co-simulation, where a wrong depth breaks the cycle count or the outputs.
