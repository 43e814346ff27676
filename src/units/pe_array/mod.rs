//! R × C output-stationary array (`spikelm_pe_array`) of [`crate::units::pe`] cells with
//! registered broadcasts (per-row [`crate::units::rep_reg`] copies) and a shift-up drain.
//!
//! Reference: [`crate::units::pe`]; checked through the engine co-simulation.
