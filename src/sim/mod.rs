//! Co-simulation: the generated RTL under Verilator against the bit-accurate reference model,
//! bit for bit, driven through the engine's real interfaces (docs/engine.md).
//!
//! Rust builds the stimulus ([`cases`]), runs the model ([`model_bridge`]) and writes one vector
//! file per run ([`vectors`]); a C++ harness rendered from `testbenches/` ([`harness`]) and
//! built once per (configuration, RTL, harness, Verilator) ([`build`]) replays it, compares
//! every debug pulse, output beat and register inline and writes a JSON result ([`outcome`]);
//! [`report`] turns the runs into the summary. docs/verification.md describes the whole.

pub mod bits;
pub mod build;
pub mod cases;
pub mod codes;
pub mod control;
pub mod coverage;
pub mod expected;
pub mod harness;
pub mod limits;
pub mod model_bridge;
pub mod outcome;
pub mod report;
pub mod rng;
pub mod rtl_bridge;
pub mod rtl_tree;
mod runner;
pub mod stimulus;
pub mod vectors;

pub use cases::Case;
pub use control::{Control, Event, StallPattern, Watch};
pub use report::{RunReport, SimReport};
pub use runner::{run, SimOptions};

use std::path::Path;

/// Errors of the co-simulation. A mismatch is not an error: it is in the [`SimReport`].
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{program} is not usable: {detail}")]
    ToolMissing { program: String, detail: String },
    #[error(
        "Verilator build failed; rerun with:\n  {command}\nlast lines of the log:\n{log_tail}"
    )]
    BuildFailed { command: String, log_tail: String },
    #[error("the harness did not run to completion ({detail}); rerun with:\n  {command}")]
    HarnessFailed { command: String, detail: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("RTL tree: {0}")]
    BadRtlTree(String),
    #[error("harness template: {0}")]
    Template(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("RTL generation failed: {0}")]
    Generate(String),
    #[error("reference model failed: {0}")]
    Model(String),
}

impl SimError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        SimError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
