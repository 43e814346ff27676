//! Analytic performance model of the generated engine.

pub mod cycles;

pub use cycles::{layer_cycles, layer_schedule, LayerSchedule};
