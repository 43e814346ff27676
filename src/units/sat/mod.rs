//! Signed saturation (`spikelm_sat`) of a wide sum into a narrower width (membrane, output).
//!
//! Reference: [`crate::model::fixed::sat`], tested in `src/model/fixed.rs`; in hardware through
//! the neuron's and the output stage's tests and the co-simulation.
