//! `spikelm_rate_counters`: Firing-rate counters: +1, -1 spikes and synaptic additions per time step, 32-bit saturating.
//!
//! Template: `rtl_templates/spikelm_rate_counters.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_rate_counters",
    role: "Firing-rate counters: +1, -1 spikes and synaptic additions per time step, 32-bit saturating.",
    applies: Applies::Ternary,
    template: include_str!("../../rtl_templates/spikelm_rate_counters.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_rate_counters"), "{name}");
            assert!(text.contains("add_sum[CW]"), "{name}: missing add_sum[CW]");
        }
    }
}
