//! The bit-accurate reference model of `docs/arithmetic.md` (section 2, with the decisions of
//! section 3), a float model of the same forward pass (section 1), and the
//! calibration that turns floats into the integer codes the hardware uses.
//!
//! The reference models of single hardware units live with their templates in `src/units/`
//! ([`crate::units::neuron`], [`crate::units::pe`], [`crate::units::out_stage`],
//! [`crate::units::rate_counters`]). This module holds what is shared or composed: [`fixed`]
//! (rounding, shifting, saturation), [`csd`] (signed-digit rounding of α and scale codes),
//! [`quantiser`] (memoryless K/V quantiser), [`spike_linear`] (the whole layer with a
//! value-by-value trace, plus the INT8 baseline), [`attention`] (Q·Kᵀ and P·V with ternary K
//! and V), [`encoder`] (a transformer encoder layer over sites), [`float_model`], [`calibrate`]
//! and [`gauss`] (deterministic Gaussian test data). Each file has its unit tests beside it.
//!
//! For the co-simulation: [`calibrate::quantise_layer`] turns float data into a
//! [`calibrate::QuantisedLayer`] (codes of x, W, B, α, M, S); [`calibrate::QuantisedLayer::spike_linear`]
//! (or [`SpikeLinear::new`] with codes of your own) builds the layer; [`SpikeLinear::run`] returns a
//! [`SpikeLinearTrace`] with U, q, ACC, Y and the counters, all indexed [t, n, ·];
//! [`SpikeLinear::outputs`] replays recorded spikes; [`csd::digits`] gives the ALPHA/SCALE register
//! digits; [`Int8Mac`] is the INT8 baseline.

pub mod attention;
pub mod calibrate;
pub mod csd;
pub mod encoder;
pub(crate) mod error;
pub mod fixed;
pub mod float_model;
pub mod gauss;
pub mod quantiser;
pub mod spike_linear;

pub use error::ModelError;
pub use spike_linear::{int8_mac, Int8Mac, Int8MacTrace, SpikeLinear, SpikeLinearTrace};

/// Threads the fast kernels use: `$SPIKELM_THREADS` if set to a positive number, else every
/// available core. (The machine may be shared; benchmarks also compare single-threaded.)
pub fn worker_threads() -> usize {
    std::env::var("SPIKELM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
