//! `spikelm_sat`: Signed saturation of a wide sum into a narrower width (membrane, output).
//!
//! Template: `rtl_templates/spikelm_sat.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_sat",
    role: "Signed saturation of a wide sum into a narrower width (membrane, output).",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_sat.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_sat"), "{name}");
            assert!(
                text.contains("module spikelm_sat"),
                "{name}: missing module spikelm_sat"
            );
            assert!(text.contains("fits"), "{name}: missing fits");
        }
    }
}
