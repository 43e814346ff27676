//! The design a flow synthesizes: a directory with `files.f` (compile order, relative to it),
//! the Verilog it lists and `manifest.json` (`top` and its ports), copied into the work
//! directory so every tool sees relative paths.

use super::error::{Result, SynthError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Direction of a top-level port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortDir {
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub name: String,
    pub dir: PortDir,
    pub width: u32,
}

impl Port {
    /// The clock input every wrapper drives from its own `clk` pin.
    pub fn is_clock(&self) -> bool {
        self.name == "clk"
    }
    /// A reset input passed straight through to a pin.
    pub fn is_reset(&self) -> bool {
        self.name == "rst" || self.name == "rst_n"
    }
    /// Debug taps (co-simulation only): wrappers leave them unconnected so synthesis removes
    /// them (docs/engine.md).
    pub fn is_debug(&self) -> bool {
        self.name.starts_with("dbg_")
    }
}

/// A design copied into a work directory.
#[derive(Debug, Clone, Serialize)]
pub struct Design {
    pub top: String,
    pub ports: Vec<Port>,
    /// Verilog files in compile order, relative to the work directory.
    pub files: Vec<String>,
}

/// Read `DIR/files.f` and `DIR/manifest.json`, copy the listed files to `work/sub/` keeping
/// their relative paths.
pub fn import(dir: &Path, work: &Path, sub: &str) -> Result<Design> {
    let list_path = dir.join("files.f");
    let list = std::fs::read_to_string(&list_path).map_err(|e| SynthError::io(&list_path, e))?;
    let manifest_path = dir.join("manifest.json");
    let text =
        std::fs::read_to_string(&manifest_path).map_err(|e| SynthError::io(&manifest_path, e))?;
    let (top, ports) = parse_manifest(&text).map_err(|message| SynthError::Manifest {
        path: manifest_path.clone(),
        message,
    })?;
    let mut files = Vec::new();
    for rel in list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
    {
        if Path::new(rel).is_absolute() || rel.contains("..") {
            return Err(SynthError::Manifest {
                path: list_path.clone(),
                message: format!("`{rel}`: entries must be relative paths inside the directory"),
            });
        }
        let src = dir.join(rel);
        let dst: PathBuf = work.join(sub).join(rel);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SynthError::io(parent, e))?;
        }
        std::fs::copy(&src, &dst).map_err(|e| SynthError::io(&src, e))?;
        files.push(format!("{sub}/{rel}"));
    }
    if files.is_empty() {
        return Err(SynthError::Manifest {
            path: list_path,
            message: "lists no Verilog files".into(),
        });
    }
    Ok(Design { top, ports, files })
}

/// Parse `{"top": NAME, "ports": [{"name", "dir"|"direction", "width"}, ...]}`.
pub fn parse_manifest(text: &str) -> std::result::Result<(String, Vec<Port>), String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let top = v
        .get("top")
        .and_then(|t| t.as_str())
        .ok_or("no string field `top`")?
        .to_string();
    let list = v
        .get("ports")
        .and_then(|p| p.as_array())
        .ok_or("no array field `ports`")?;
    let mut ports = Vec::new();
    for p in list {
        let name = p
            .get("name")
            .and_then(|n| n.as_str())
            .ok_or("a port without a string `name`")?;
        let dir_text = p
            .get("dir")
            .or_else(|| p.get("direction"))
            .and_then(|d| d.as_str())
            .ok_or_else(|| format!("port {name}: no `dir`"))?;
        let dir = match dir_text {
            "input" | "in" => PortDir::Input,
            "output" | "out" => PortDir::Output,
            other => {
                return Err(format!(
                    "port {name}: direction `{other}` is not input/output"
                ))
            }
        };
        let width = p
            .get("width")
            .and_then(|w| w.as_u64())
            .filter(|&w| (1..=1 << 20).contains(&w))
            .ok_or_else(|| format!("port {name}: no positive integer `width`"))?;
        ports.push(Port {
            name: name.to_string(),
            dir,
            width: width as u32,
        });
    }
    if !ports.iter().any(Port::is_clock) {
        return Err(format!("top `{top}` has no `clk` port"));
    }
    Ok((top, ports))
}
