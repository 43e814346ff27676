//! Sign-select adder (`spikelm_signsel_add`) of the ternary PE: `x + sext(op) + cin` with the
//! operand `op = (w ^ {neg}) & {en}` and carry-in `cin = en & neg` registered in the PE, one
//! adder with carry-in, or with
//! `array.adder = ecp5_ccu2c` a chain of [`crate::units::ccu2c`] cells with the drain folded in.
//!
//! Reference: [`crate::units::pe`]. Unit test: `tests.rs` (Icarus, exhaustive at small widths).

#[cfg(test)]
pub(super) mod tests;
