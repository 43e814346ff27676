//! `spikelm_signsel_add`: Sign-select adder of the ternary PE: x + ((w ^ {neg}) & {en}) + (en & neg), one adder with carry-in
//! (plain Verilog, or a chain of ECP5 CCU2C cells with `array.adder = ecp5_ccu2c`).
//!
//! Template: `rtl_templates/spikelm_signsel_add.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_signsel_add",
    role: "Sign-select adder of the ternary PE: x + ((w ^ {neg}) & {en}) + (en & neg), one adder with carry-in.",
    applies: Applies::Ternary,
    template: include_str!("../../rtl_templates/spikelm_signsel_add.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_signsel_add"), "{name}");
            if name == "tiny-ccu2c" {
                assert!(text.contains("CCU2C #("), "{name}: missing the CCU2C chain");
                assert!(!text.contains("x + operand"), "{name}: plain adder left");
            } else {
                assert!(
                    text.contains("x + operand + carry"),
                    "{name}: missing x + operand + carry"
                );
            }
        }
    }
}
