//! Simulation model of the ECP5 CCU2C carry cell (two LUT4 halves with carry), skipped under
//! `SYNTHESIS` (synthesis uses the vendor cell). Used by [`crate::units::signsel_add`] with
//! `array.adder = ecp5_ccu2c`.
//!
//! Unit test: `tests.rs` (the adder built from it, exhaustively, under Icarus); its equivalence
//! with the plain adder is proved in `tests/formal_ccu2c.rs` (Yosys `sat -prove`).

#[cfg(test)]
mod tests;
