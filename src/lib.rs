//! spikelm-hw: generate, verify and synthesize ternary-spike hardware accelerators for SpikeLM.
//!
//! The arithmetic everything implements is `docs/arithmetic.md`.

pub mod atomic;
pub mod batch;
pub mod board;
pub mod config;
pub mod estimate;
pub mod flow;
pub mod import;
pub mod model;
pub mod perf;
pub mod report;
pub mod rtl;
pub mod sim;
pub mod slurm;
pub mod sweep;
pub mod synth;
pub mod units;
