//! `manifest.json`: what was generated, for the co-simulation and synthesis flows.

use super::{RtlContext, RtlError, Unit, TOP};
use crate::config::Params;
use serde_json::{json, Value};

pub fn build(
    p: &Params,
    ctx: &RtlContext,
    modules: &[Unit],
    files: &[(String, String)],
) -> Result<Value, RtlError> {
    let mods: Vec<Value> = modules
        .iter()
        .map(|u| json!({ "module": u.module, "file": u.path(ctx), "role": u.role }))
        .collect();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    // Verification checkers: generated beside the engine, never in files.f.
    let checkers: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| p.starts_with("formal/"))
        .collect();
    Ok(json!({
        "tool": "spikelm-hw",
        "tool_version": p.derived.tool_version,
        "preset": p.config.preset,
        "config_hash": p.derived.config_hash,
        "config": serde_json::to_value(&p.config)?,
        "derived": serde_json::to_value(&p.derived)?,
        "rtl": serde_json::to_value(ctx)?,
        "top": TOP,
        "clock": "clk",
        "reset": { "name": "rst", "kind": "synchronous", "active": "high" },
        "filelist": "files.f",
        "include_dirs": ["rtl"],
        "headers": [super::PARAMS_HEADER],
        "files": paths,
        "modules": mods,
        "checkers": checkers,
        "ports": super::ports::manifest(ctx),
        "language": "Verilog-2005",
    }))
}
