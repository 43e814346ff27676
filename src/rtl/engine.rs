//! `spikelm_engine`: Top level: streams, CSR, controller, encoder, buffers, array, output stage, debug taps.
//!
//! Template: `rtl_templates/spikelm_engine.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_engine",
    role: "Top level: streams, CSR, controller, encoder, buffers, array, output stage, debug taps.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_engine.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_engine"), "{name}");
            assert!(
                text.contains("module spikelm_engine"),
                "{name}: missing module spikelm_engine"
            );
        }
    }
}
