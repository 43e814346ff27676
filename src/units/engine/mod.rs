//! Top level (`spikelm_engine`): the streams, the CSR, the controller, the encoder, the
//! buffers, the array, the output stage and the debug taps. Its ports are declared once in
//! [`crate::rtl::ports`].
//!
//! Reference: the whole layer, [`crate::model::SpikeLinear`] (INT8: [`crate::model::Int8Mac`]),
//! bit-exact in co-simulation (`tests/sim_*.rs`).
