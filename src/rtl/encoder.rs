//! `spikelm_encoder`: Spike encoder lane: selects the alpha codes of t-1 and t and steps the neuron once per activation beat.
//!
//! Template: `rtl_templates/spikelm_encoder.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_encoder",
    role: "Spike encoder lane: selects the alpha codes of t-1 and t and steps the neuron once per activation beat.",
    applies: Applies::Ternary,
    template: include_str!("../../rtl_templates/spikelm_encoder.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_encoder"), "{name}");
            assert!(
                text.contains("spikelm_neuron"),
                "{name}: missing spikelm_neuron"
            );
        }
    }
}
