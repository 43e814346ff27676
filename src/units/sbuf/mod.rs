//! Double-buffered spike buffer (`spikelm_sbuf`; activations in the INT8 engine): one
//! [`crate::units::ram_sdp`] per array row, 2 × max_din deep.
//!
//! Storage, no arithmetic: checked through the engine co-simulation (`tests/sim_tiny.rs`).
