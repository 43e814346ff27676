//! `spikelm_amp_shift`: Amplitude multiplier: a true multiplier (exact) or K shifted power-of-two terms from runtime digit registers (csd:K, pow2).
//!
//! Template: `rtl_templates/spikelm_amp_shift.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_amp_shift",
    role: "Amplitude multiplier: a true multiplier (exact) or K shifted power-of-two terms from runtime digit registers (csd:K, pow2).",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_amp_shift.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_amp_shift"), "{name}");
            assert!(
                text.contains("module spikelm_amp_shift"),
                "{name}: missing module spikelm_amp_shift"
            );
        }
    }
}
