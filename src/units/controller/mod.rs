//! Controller (`spikelm_controller`): the encode process and the compute process (reduce,
//! drain) over the row and column blocks of the layer in LAYER; the layer-shape ROM; CYCLES.
//!
//! Reference: the cycle model [`crate::perf::cycles`], which must equal the RTL's CYCLES
//! register (`tests/sim_tiny.rs`, `tests/perf_numbers.rs`).
