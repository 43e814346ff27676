//! Analytic performance model of the generated engine.

pub mod cycles;
pub mod order;
pub mod pipeline;

pub use cycles::{layer_cycles, layer_schedule, LayerSchedule};
