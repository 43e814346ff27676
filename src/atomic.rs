//! Files that appear whole or not at all: written under a temporary name in the same directory,
//! then renamed over the final name (a rename within one file system is atomic), so a reader in
//! another process or on another node never sees half a file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name next to `path`, unique to this process and call: `.NAME.tmp-PID-N`.
pub fn temp_sibling(path: &Path) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Write `contents` to `path` atomically (the parent directory must exist).
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    let tmp = temp_sibling(path);
    let result = std::fs::write(&tmp, contents).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Exclusive use of a working directory by one run: a second run given the same directory fails
/// at once instead of overwriting the first one's files while it reads them. The lock file names
/// its holder; one left by a process that no longer exists on this host is taken over.
#[derive(Debug)]
pub struct DirLock(PathBuf);

const LOCK_NAME: &str = ".spikelm-hw.lock";

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

impl DirLock {
    /// Lock `dir` (which must exist).
    pub fn acquire(dir: &Path) -> std::io::Result<Self> {
        use std::io::Write as _;
        let path = dir.join(LOCK_NAME);
        let me = format!("{} {}", this_host(), std::process::id());
        for _ in 0..3 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(me.as_bytes())?;
                    return Ok(DirLock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let dead = match holder.split_once(' ') {
                        Some((host, pid)) => {
                            host == this_host() && !Path::new("/proc").join(pid.trim()).exists()
                        }
                        None => false,
                    };
                    if !dead {
                        return Err(std::io::Error::other(format!(
                            "in use by another run (host and process: {}); give this run \
                             another output directory, or remove {} if that run is gone",
                            holder.trim(),
                            path.display()
                        )));
                    }
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("could not take the directory lock"))
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_lock_excludes_a_second_run_and_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        let err = DirLock::acquire(dir.path()).unwrap_err();
        assert!(err.to_string().contains("in use by another run"), "{err}");
        drop(first);
        DirLock::acquire(dir.path()).unwrap();
        // A lock left by a process that is gone is taken over.
        std::fs::write(
            dir.path().join(LOCK_NAME),
            format!("{} 4000000000", this_host()),
        )
        .unwrap();
        DirLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write(&p, "first").unwrap();
        write(&p, "second").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_names_differ_per_call() {
        let p = Path::new("/x/y.json");
        assert_ne!(temp_sibling(p), temp_sibling(p));
        assert_eq!(temp_sibling(p).parent(), p.parent());
    }
}
