//! An RTL tree to verify: generated for a configuration, or an existing (possibly hand-edited)
//! directory with `files.f` and `manifest.json`.

use super::SimError;
use crate::config::{Config, Params};
use std::path::{Path, PathBuf};

/// A directory of Verilog sources with its file list.
#[derive(Debug, Clone)]
pub struct RtlTree {
    pub dir: PathBuf,
    /// Absolute path of `files.f` (Verilator reads it with `-F`, relative to its directory).
    pub files_f: PathBuf,
    /// The source files `files.f` names, in order.
    pub sources: Vec<PathBuf>,
    /// The configuration `manifest.json` records, when it records one.
    pub manifest_config: Option<Config>,
}

impl RtlTree {
    /// Read an RTL tree from `dir`.
    pub fn open(dir: &Path) -> Result<Self, SimError> {
        let dir = dir.canonicalize().map_err(|e| SimError::io(dir, e))?;
        let files_f = dir.join("files.f");
        let list = std::fs::read_to_string(&files_f).map_err(|e| SimError::io(&files_f, e))?;
        let mut sources = Vec::new();
        for line in list.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
                continue;
            }
            if line.starts_with('-') || line.starts_with('+') {
                continue;
            }
            let p = Path::new(line);
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                dir.join(p)
            };
            if !p.is_file() {
                return Err(SimError::BadRtlTree(format!(
                    "{} lists {}, which does not exist",
                    files_f.display(),
                    p.display()
                )));
            }
            sources.push(p);
        }
        if sources.is_empty() {
            return Err(SimError::BadRtlTree(format!(
                "{} lists no source files",
                files_f.display()
            )));
        }
        let manifest_config = read_manifest_config(&dir.join("manifest.json"))?;
        Ok(RtlTree {
            dir,
            files_f,
            sources,
            manifest_config,
        })
    }

    /// Every regular file under the tree, sorted (the build cache hashes them all).
    pub fn all_files(&self) -> Result<Vec<PathBuf>, SimError> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).map_err(|e| SimError::io(&d, e))? {
                let path = entry.map_err(|e| SimError::io(&d, e))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.is_file() {
                    out.push(path);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Generate the RTL for `params` into `dir` and open it.
    pub fn generate(params: &Params, dir: &Path) -> Result<Self, SimError> {
        super::rtl_bridge::write_tree(params, dir)?;
        Self::open(dir)
    }
}

/// The configuration in a manifest: a `config` object (or `params.config`) with every field.
fn read_manifest_config(path: &Path) -> Result<Option<Config>, SimError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SimError::io(path, e)),
    };
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| SimError::BadRtlTree(format!("{}: {e}", path.display())))?;
    let found = v
        .get("config")
        .or_else(|| v.get("params").and_then(|p| p.get("config")));
    match found {
        None => Ok(None),
        Some(c) => serde_json::from_value(c.clone())
            .map(Some)
            .map_err(|e| SimError::BadRtlTree(format!("{}: config: {e}", path.display()))),
    }
}
