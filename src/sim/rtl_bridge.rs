//! SCRATCH: the generator and the cycle model, until the `rtl` branch lands.

use super::SimError;
use crate::config::{LayerShape, Params};
use std::path::Path;

pub fn write_tree(_params: &Params, _dir: &Path) -> Result<(), SimError> {
    Err(SimError::Generate(
        "the RTL generator is not merged yet; use --rtl DIR".into(),
    ))
}

pub fn layer_cycles(_params: &Params, _layer: LayerShape, _tokens: u32) -> Option<u64> {
    None
}
