//! spikelm-hw: generate, verify and synthesize ternary-spike hardware accelerators for SpikeLM.
//!
//! The arithmetic everything implements is DESIGN.md section 3 (see `docs/arithmetic.md`).

pub mod config;
pub mod perf;
pub mod rtl;
pub mod synth;
