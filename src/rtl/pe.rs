//! `spikelm_pe`: Processing element: ternary sign-select accumulate (or int8 multiply-accumulate) with shift-up drain.
//!
//! Template: `rtl_templates/spikelm_pe.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_pe",
    role: "Processing element: ternary sign-select accumulate (or int8 multiply-accumulate) with shift-up drain.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_pe.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_pe"), "{name}");
            assert!(
                text.contains("acc_q <= {ACCW{1'b0}}"),
                "{name}: missing the synchronous clear acc_q <= 0"
            );
        }
    }
}
