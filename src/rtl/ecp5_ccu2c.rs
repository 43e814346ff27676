//! `CCU2C`: this project's behavioural model of the Lattice ECP5 carry cell, for Verilator and
//! Icarus. Only generated with `array.adder = ecp5_ccu2c`; its body is guarded by
//! `` `ifndef SYNTHESIS `` so Yosys (which defines SYNTHESIS) uses its own library cell.
//!
//! Template: `rtl_templates/CCU2C.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "CCU2C",
    role: "Simulation model of the ECP5 CCU2C carry cell (two LUT4 halves with carry), skipped under SYNTHESIS.",
    applies: Applies::Ecp5Ccu2c,
    template: include_str!("../../rtl_templates/CCU2C.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_only_for_the_ccu2c_adder() {
        let rendered = render_for_tests(&UNIT);
        assert_eq!(rendered.len(), 1);
        let (name, text) = &rendered[0];
        assert_eq!(name, "tiny-ccu2c");
        assert!(text.contains("`ifndef SYNTHESIS"), "{name}");
        assert!(text.contains("module CCU2C"), "{name}");
    }
}
