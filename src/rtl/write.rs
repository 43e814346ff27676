//! Writing a generated tree: into a temporary directory beside the target, renamed into place
//! at the end, so a failed or interrupted run never leaves a half-written tree.

use super::{GeneratedRtl, RtlError};
use std::path::{Path, PathBuf};

fn io(path: &Path, source: std::io::Error) -> RtlError {
    RtlError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn is_nonempty_dir(dir: &Path) -> Result<bool, RtlError> {
    if !dir.exists() {
        return Ok(false);
    }
    if !dir.is_dir() {
        return Ok(true);
    }
    let mut it = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    Ok(it.next().is_some())
}

/// Write `rtl` into `dir` (files plus `manifest.json`). A non-empty `dir` is refused unless
/// `force`, in which case it is replaced as a whole.
pub fn write_tree(dir: &Path, rtl: &GeneratedRtl, force: bool) -> Result<(), RtlError> {
    if is_nonempty_dir(dir)? && !force {
        return Err(RtlError::NotEmpty {
            path: dir.display().to_string(),
        });
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let parent: PathBuf = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.tmp-"))
        .tempdir_in(&parent)
        .map_err(|e| io(&parent, e))?;
    for (rel, text) in &rtl.files {
        let path = tmp.path().join(rel);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    let mut manifest = serde_json::to_string_pretty(&rtl.manifest)?;
    manifest.push('\n');
    let mpath = tmp.path().join("manifest.json");
    std::fs::write(&mpath, manifest).map_err(|e| io(&mpath, e))?;

    // Move the old tree aside (if any), put the new one in place, then remove the old one.
    let old = if dir.exists() {
        let aside = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)
            .map_err(|e| io(&parent, e))?;
        let aside_path = aside.path().join("tree");
        std::fs::rename(dir, &aside_path).map_err(|e| io(dir, e))?;
        Some(aside)
    } else {
        None
    };
    let tmp_path = tmp.keep();
    if let Err(e) = std::fs::rename(&tmp_path, dir) {
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(io(dir, e));
    }
    drop(old); // removes the previous tree
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;

    #[test]
    fn refuses_nonempty_without_force_and_replaces_with_force() {
        let p = Params::load("spikelm-bert-tiny", None, &[]).unwrap();
        let g = crate::rtl::generate(&p).unwrap();
        let base = tempfile::tempdir().unwrap();
        let out = base.path().join("gen");
        write_tree(&out, &g, false).unwrap();
        assert!(out.join("rtl/spikelm_engine.v").is_file());
        assert!(out.join("manifest.json").is_file());
        std::fs::write(out.join("stale.txt"), "x").unwrap();
        let e = write_tree(&out, &g, false).unwrap_err().to_string();
        assert!(e.contains("--force"), "{e}");
        write_tree(&out, &g, true).unwrap();
        assert!(!out.join("stale.txt").exists());
        // Nothing left beside the tree.
        let left: Vec<_> = std::fs::read_dir(base.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }
}
