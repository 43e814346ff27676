//! Synthesis flows: Yosys + nextpnr on ECP5 and iCE40 (out of context and on a real package
//! through a narrow I/O wrapper) and a gate-level estimate, with reports parsed into structs.
//! See docs/synthesis.md.

pub mod design;
pub mod energy;
pub mod error;
pub mod fit;
pub mod flow;
pub mod generate;
pub mod headline;
pub mod parse;
pub mod report;
pub mod script;
pub mod sta;
pub mod standalone;
pub mod target;
pub mod tools;
pub mod wrapper;

pub use error::{SynthError, INSTALL_HINT};
pub use flow::{synthesize, SynthOptions};
pub use report::SynthReport;
pub use target::{Family, SpeedGrade, Target};
pub mod compare;

/// An override that makes the `spikelm-bert-tiny` engine fit an iCE40UP5K (SG48). Before the
/// engine v2 pipeline a 4 × 4 array alone fitted (4,547 / 5,280 logic cells); the pipelined
/// engine (unrolled neuron, registered multipliers, delay lines) needs 7,182 cells and 9 DSPs
/// at 4 × 4 and still 6,035 with 17-bit membranes and 12-bit codes, so the fitted
/// configuration also has T = 2 (4,329 cells, 5 / 8 SB_MAC16). Since the ECP5 engine's extra
/// pipeline registers (5,743 cells with them) it has no landing registers and 12-bit outputs
/// (5,334 cells with 16-bit ones). Since the biases are read when a row needs them instead of
/// being delayed through the output stage it uses about 4,850 cells (92 %; 5,195 before, where
/// nextpnr's legaliser could stall for good at some seeds). At 4,941 cells it stalled again, so
/// its long delay lines are block-RAM rings (`array.delay_lines_in_ram`, 18 / 30 EBRs; the
/// current count is in docs/synthesis.md).
/// Used by the tests and the Fmax goal; see docs/synthesis.md.
pub const UP5K_FIT: [&str; 10] = [
    "array=4x4",
    "model.time_steps=2",
    "format.membrane_bits=17",
    "format.input_bits=12",
    "format.frac_bits=8",
    "format.alpha_bits=12",
    "format.scale_bits=12",
    "format.output_bits=12",
    "array.landing_registers=false",
    "array.delay_lines_in_ram=true",
];
