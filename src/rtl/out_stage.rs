//! `spikelm_out_stage`: Amplitude/bias output stage: Y = sat(R(ACC*M_t, S) + B[j]), two stages, stall-safe enable.
//!
//! Template: `rtl_templates/spikelm_out_stage.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_out_stage",
    role:
        "Amplitude/bias output stage: Y = sat(R(ACC*M_t, S) + B[j]), two stages, stall-safe enable.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_out_stage.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_out_stage"), "{name}");
            assert!(
                text.contains("ready_q <= (occ_next < FULL)"),
                "{name}: missing the registered credit ready_q"
            );
        }
    }
}
