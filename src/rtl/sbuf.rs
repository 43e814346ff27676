//! `spikelm_sbuf`: Double-buffered spike (int8: activation) buffer: one memory per array row, 2 x max_din deep.
//!
//! Template: `rtl_templates/spikelm_sbuf.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_sbuf",
    role: "Double-buffered spike (int8: activation) buffer: one memory per array row, 2 x max_din deep.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_sbuf.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_sbuf"), "{name}");
            assert!(
                text.contains("spikelm_ram_sdp"),
                "{name}: missing spikelm_ram_sdp"
            );
        }
    }
}
