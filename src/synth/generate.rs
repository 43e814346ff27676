//! Generating the engine's RTL for a flow through the RTL generator (`crate::rtl`).

use super::design::{self, Design};
use super::error::{Result, SynthError};
use crate::config::Params;
use std::path::Path;

/// Generate the engine into `out/sub/` (replacing what a previous run left there) and read it
/// back as a [`Design`], exactly as `--rtl out/sub` would.
pub fn generate_into(params: &Params, out: &Path, sub: &str) -> Result<Design> {
    let rtl = crate::rtl::generate(params)
        .map_err(|e| SynthError::Unsupported(format!("RTL generation: {e}")))?;
    let dir = out.join(sub);
    crate::rtl::write_tree(&dir, &rtl, true).map_err(|e| {
        SynthError::Unsupported(format!("writing the RTL to {}: {e}", dir.display()))
    })?;
    design::read_in_place(&dir, out, sub)
}
