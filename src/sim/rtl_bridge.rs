//! The one place the co-simulation calls the RTL generator (`crate::rtl`) and the analytic cycle
//! model (`crate::perf::cycles`).

use super::SimError;
use crate::config::{LayerShape, Params};
use std::path::Path;

/// Generate the engine for `params` and write the tree (files.f, manifest.json) into `dir`,
/// replacing what is there.
pub fn write_tree(params: &Params, dir: &Path) -> Result<(), SimError> {
    let rtl = crate::rtl::generate(params).map_err(|e| SimError::Generate(e.to_string()))?;
    crate::rtl::write_tree(dir, &rtl, true).map_err(|e| SimError::Generate(e.to_string()))
}

/// `perf::cycles::layer_cycles`: clock cycles of one run with streams that never stall.
pub fn layer_cycles(params: &Params, layer: LayerShape, tokens: u32) -> Option<u64> {
    Some(crate::perf::cycles::layer_cycles(
        params, layer.kind, tokens,
    ))
}
