//! `spikelm_controller`: Controller: encode process and compute process (reduce, drain) over the row and column blocks of the layer in LAYER; layer-shape ROM; CYCLES.
//!
//! Template: `rtl_templates/spikelm_controller.v.tera`.

use super::unit::{Applies, Unit};

pub const UNIT: Unit = Unit {
    module: "spikelm_controller",
    role: "Controller: encode process and compute process (reduce, drain) over the row and column blocks of the layer in LAYER; layer-shape ROM; CYCLES.",
    applies: Applies::All,
    template: include_str!("../../rtl_templates/spikelm_controller.v.tera"),
};

#[cfg(test)]
mod tests {
    use super::UNIT;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn renders_for_every_test_configuration() {
        for (name, text) in render_for_tests(&UNIT) {
            assert!(text.contains("module spikelm_controller"), "{name}");
            assert!(text.contains("S_DRAIN"), "{name}: missing S_DRAIN");
        }
    }
}
