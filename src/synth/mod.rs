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
pub use target::{Family, SpeedGrade, Target};
pub mod compare;

/// The smallest override that makes the `spikelm-bert-tiny` engine fit an iCE40UP5K (SG48):
/// a 4 × 4 array (4,547 / 5,280 logic cells, 6 / 8 DSPs with exact α; pow2 α needs more LUTs,
/// 5,190, because its shifters replace SB_MAC16 multipliers). Used by the tests and the Fmax
/// goal; see docs/synthesis.md.
pub const UP5K_FIT: [&str; 1] = ["array=4x4"];
