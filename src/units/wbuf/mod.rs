//! Weight buffer (`spikelm_wbuf`): the array's weights of a reduction step, from the weight
//! stream delayed to the spike buffer's read latency, or, when a spike-buffer bank holds more
//! than one row block (`array.resident_tokens`), read back from one column block held in a
//! [`crate::units::ram_sdp`] for the bank's row blocks after the first.
//!
//! Storage, no arithmetic: checked through the engine co-simulation with resident tokens
//! (`tests/sim_tiny.rs`), where every output of a reused column block depends on it.
