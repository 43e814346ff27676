//! `spikelm_csr`: Register block: CTRL, STATUS, LAYER, TOKENS, OUT_SHIFT, CYCLES, INFO, counters, ALPHA, SCALE, BIAS.
//!
//! Template: `rtl_templates/spikelm_csr.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_csr",
    role: "Register block: CTRL, STATUS, LAYER, TOKENS, OUT_SHIFT, CYCLES, INFO, counters, ALPHA, SCALE, BIAS.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_csr.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_csr"), "{name}");
            assert!(
                text.contains("A_INFO:      rmux = INFO"),
                "{name}: missing A_INFO:      rmux = INFO"
            );
        }
    }
}
