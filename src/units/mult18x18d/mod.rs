//! Simulation model of the ECP5 MULT18X18D multiplier with its input, pipeline and output
//! registers (Lattice TN1267), skipped under `SYNTHESIS` (synthesis uses the vendor cell). Used
//! by [`crate::units::amp_shift`]'s DSP form (`SPIKELM_ECP5_DSP`, set by `synth` on ECP5 with DSPs
//! on) for exact amplitude multipliers.
//!
//! Unit test: `src/units/amp_shift/tests.rs` (the exact multiplier in its DSP form and its plain
//! form, each against 128-bit integer products).
