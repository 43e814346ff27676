//! Simulation model of the ECP5 MULT18X18D multiplier with its input, pipeline and output
//! registers (Lattice TN1267), skipped under `SYNTHESIS` (synthesis uses the vendor cell). Used
//! by [`crate::units::mul18`]'s DSP form (`SPIKELM_ECP5_DSP`, set by `synth` on ECP5 with DSPs
//! on): the exact amplitude multipliers and the INT8 PE's multipliers.
//!
//! Unit tests: `src/units/mul18/tests.rs` (the multiplier in its DSP form and its plain form),
//! `src/units/amp_shift/tests.rs` (the exact amplitude multiplier in its DSP form and its plain
//! form, each against 128-bit integer products).
