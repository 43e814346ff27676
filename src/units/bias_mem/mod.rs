//! Bias memory (`spikelm_bias_mem`): C banks of max_dout / C entries, written over the CSR bus
//! (register BIAS, [`crate::rtl::regmap::bias_addr`]).
//!
//! Storage, no arithmetic: checked through the engine co-simulation (`tests/sim_tiny.rs`).
