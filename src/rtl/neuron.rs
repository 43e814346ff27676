//! `spikelm_neuron`: Membrane accumulator and ternary comparator: leak/reset mux, full-width U*A product, rounding, saturating add, 2U vs A compare.
//!
//! Template: `rtl_templates/spikelm_neuron.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_neuron",
    role: "Membrane accumulator and ternary comparator: leak/reset mux, full-width U*A product, rounding, saturating add, 2U vs A compare.",
    applies: Applies::Ternary,
    template: include_str!("../../rtl_templates/spikelm_neuron.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_neuron"), "{name}");
            assert!(text.contains(">>> (F + 2)"), "{name}: missing >>> (F + 2)");
            assert!(text.contains("u2 > a_pos"), "{name}: missing u2 > a_pos");
        }
    }
}
