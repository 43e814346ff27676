//! Signed saturation (`spikelm_sat`) of a wide value into a narrower width, in one LUT stage:
//! used by the GELU and LayerNorm units (`standalone/`). The engine's neuron and output stage
//! saturate in two registered stages of their own.
//!
//! Reference: [`crate::model::fixed::sat`], tested in `src/model/fixed.rs`; in hardware through
//! the GELU and LayerNorm unit tests.
