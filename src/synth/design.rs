//! The design a flow synthesizes: a directory with `files.f` (compile order, relative to it),
//! the Verilog it lists and `manifest.json` (`top` and its ports), copied into the work
//! directory so every tool sees relative paths.

use super::error::{Result, SynthError};
use serde::Serialize;
use std::path::Path;

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

impl Design {
    /// The design's sources plus extra files (wrappers), for a Yosys script.
    pub fn sources_with(&self, extra: &[String]) -> super::script::Sources {
        let mut files = self.files.clone();
        files.extend(extra.iter().cloned());
        super::script::Sources {
            files,
            include_dirs: self.include_dirs.clone(),
        }
    }
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
    /// Include directories (`+incdir+` lines of files.f), relative to the work directory.
    pub include_dirs: Vec<String>,
    /// `config_hash` of the manifest, when the generator wrote one.
    pub config_hash: Option<String>,
}

/// Copy the design directory `dir` (every file: the Verilog, headers, files.f, manifest) to
/// `work/sub/` and read it there.
pub fn import(dir: &Path, work: &Path, sub: &str) -> Result<Design> {
    let dst = work.join(sub);
    if dst.exists() {
        std::fs::remove_dir_all(&dst).map_err(|e| SynthError::io(&dst, e))?;
    }
    copy_tree(dir, &dst, 0)?;
    read_in_place(&dst, work, sub)
}

fn copy_tree(src: &Path, dst: &Path, depth: u32) -> Result<()> {
    std::fs::create_dir_all(dst).map_err(|e| SynthError::io(dst, e))?;
    let entries = std::fs::read_dir(src).map_err(|e| SynthError::io(src, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| SynthError::io(src, e))?;
        let path = entry.path();
        let target = dst.join(entry.file_name());
        if path.is_dir() {
            if depth < 8 {
                copy_tree(&path, &target, depth + 1)?;
            }
        } else {
            std::fs::copy(&path, &target).map_err(|e| SynthError::io(&path, e))?;
        }
    }
    Ok(())
}

/// Read `work/sub/files.f` and `work/sub/manifest.json`; paths become relative to `work`.
pub fn read_in_place(dir: &Path, _work: &Path, sub: &str) -> Result<Design> {
    let list_path = dir.join("files.f");
    let list = std::fs::read_to_string(&list_path).map_err(|e| SynthError::io(&list_path, e))?;
    let manifest_path = dir.join("manifest.json");
    let text =
        std::fs::read_to_string(&manifest_path).map_err(|e| SynthError::io(&manifest_path, e))?;
    let (top, ports) = parse_manifest(&text).map_err(|message| SynthError::Manifest {
        path: manifest_path.clone(),
        message,
    })?;
    let config_hash = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("config_hash")
                .and_then(|h| h.as_str())
                .map(String::from)
        });
    let (mut files, mut include_dirs) = (Vec::new(), Vec::new());
    for entry in list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
    {
        let (rel, is_dir) = match entry.strip_prefix("+incdir+") {
            Some(d) => (d, true),
            None => (entry, false),
        };
        if Path::new(rel).is_absolute() || rel.split('/').any(|c| c == "..") {
            return Err(SynthError::Manifest {
                path: list_path.clone(),
                message: format!("`{entry}`: entries must be relative paths inside the directory"),
            });
        }
        if is_dir {
            include_dirs.push(format!("{sub}/{rel}"));
        } else if entry.starts_with('+') || entry.starts_with('-') {
            continue;
        } else {
            if !dir.join(rel).is_file() {
                return Err(SynthError::Manifest {
                    path: list_path.clone(),
                    message: format!("`{rel}` is listed but missing"),
                });
            }
            files.push(format!("{sub}/{rel}"));
        }
    }
    if files.is_empty() {
        return Err(SynthError::Manifest {
            path: list_path,
            message: "lists no Verilog files".into(),
        });
    }
    Ok(Design {
        top,
        ports,
        files,
        include_dirs,
        config_hash,
    })
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
