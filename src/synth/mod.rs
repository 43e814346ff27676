//! Synthesis flows: Yosys + nextpnr on ECP5 and iCE40 (out of context and on a real package
//! through a narrow I/O wrapper) and a gate-level estimate, with reports parsed into structs.
//! See docs/synthesis.md.

pub mod design;
pub mod energy;
pub mod error;
pub mod flow;
pub mod generate;
pub mod parse;
pub mod report;
pub mod script;
pub mod target;
pub mod tools;
pub mod wrapper;

pub use error::{SynthError, INSTALL_HINT};
pub use flow::{synthesize, SynthOptions};
pub use report::SynthReport;
pub use target::{Family, Target};
