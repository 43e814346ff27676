//! `spikelm_ram_sdp`: Simple dual-port memory with synchronous read and read enable (block RAM).
//!
//! Template: `rtl_templates/spikelm_ram_sdp.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_ram_sdp",
    role: "Simple dual-port memory with synchronous read and read enable (block RAM).",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_ram_sdp.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_ram_sdp"), "{name}");
            assert!(text.contains("if (re)"), "{name}: missing if (re)");
        }
    }
}
