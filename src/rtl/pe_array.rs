//! `spikelm_pe_array`: R x C output-stationary PE array with registered broadcasts and shift-up drain.
//!
//! Template: `rtl_templates/spikelm_pe_array.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_pe_array",
    role: "R x C output-stationary PE array with registered broadcasts and shift-up drain.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_pe_array.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_pe_array"), "{name}");
            assert!(
                text.contains("spikelm_pe #"),
                "{name}: missing spikelm_pe #"
            );
        }
    }
}
