//! Simple dual-port memory (`spikelm_ram_sdp`) with synchronous read and read enable: a
//! DP16KD with the output register on ECP5, inferred memory plus a fabric register elsewhere.
//!
//! Storage, no arithmetic: the inferred form is checked through the engine co-simulation
//! (`tests/sim_tiny.rs`), the DP16KD form against it in `tests.rs`.

#[cfg(test)]
mod tests;
