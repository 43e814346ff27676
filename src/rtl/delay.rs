//! `spikelm_delay`: Delay line of N registers, optionally cleared by a synchronous reset.
//!
//! Template: `rtl_templates/spikelm_delay.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_delay",
    role: "Delay line of N registers, optionally cleared by a synchronous reset.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_delay.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_delay"), "{name}");
            assert!(
                text.contains("stage_q[k] <= stage_q[k-1]"),
                "{name}: missing if (re)"
            );
        }
    }
}
