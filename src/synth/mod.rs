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
pub mod compare;

/// The smallest overrides that make the `spikelm-bert-tiny` engine fit an iCE40UP5K (SG48):
/// used by the tests and the Fmax goal. See docs/synthesis.md for how they were chosen.
pub const UP5K_FIT: [&str; 2] = ["array=4x4", "format.alpha_mode=pow2"];
