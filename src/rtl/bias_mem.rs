//! `spikelm_bias_mem`: Bias memory: C banks of max_dout / C entries, written over the CSR bus.
//!
//! Template: `rtl_templates/spikelm_bias_mem.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_bias_mem",
    role: "Bias memory: C banks of max_dout / C entries, written over the CSR bus.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_bias_mem.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_bias_mem"), "{name}");
            assert!(
                text.contains("spikelm_ram_sdp"),
                "{name}: missing spikelm_ram_sdp"
            );
        }
    }
}
