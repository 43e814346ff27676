//! Generating the engine's RTL for a flow (through the RTL generator, `crate::rtl`).

use super::design::Design;
use super::error::{Result, SynthError};
use crate::config::Params;
use std::path::Path;

/// Generate the engine into `out/sub/` and read it back as a [`Design`].
pub fn generate_into(_params: &Params, _out: &Path, _sub: &str) -> Result<Design> {
    Err(SynthError::Unsupported(
        "this build has no RTL generator yet: pass --rtl DIR (a directory with files.f and \
         manifest.json)"
            .into(),
    ))
}
