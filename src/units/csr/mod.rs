//! Register block (`spikelm_csr`): CTRL, STATUS, LAYER, TOKENS, OUT_SHIFT, CYCLES, INFO, the
//! counters, ALPHA, SCALE, BIAS.
//!
//! The register map is declared once in [`crate::rtl::regmap`] (addresses, widths, fields),
//! which renders the `A_<NAME>` localparams of the template; its tests are there, and the
//! co-simulation reads registers back (`src/sim/vectors.rs`).
