//! Pipelined wide signed multiplier (`spikelm_mul_pipe`): limb products of 18 × 18 DSP size
//! between registers (registered MULT18X18D blocks on ECP5 with DSPs, `spikelm_mul18_ce`) and a
//! registered adder tree, five cycles.
//!
//! Arithmetic without a model of its own: `tests.rs` checks it against `i128` products at the
//! widths the LayerNorm unit uses and at the limits of its range, and the LayerNorm
//! co-simulation (`src/units/layernorm/tests.rs`) runs it bit-exact.

#[cfg(test)]
mod tests;
