//! Verilator: finding it, building the harness against an RTL tree, and caching the result by
//! a hash of (configuration, RTL file contents, harness source, Verilator version, flags).

use super::rtl_tree::RtlTree;
use super::SimError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Environment variable naming the Verilator executable.
pub const VERILATOR_ENV: &str = "SPIKELM_HW_VERILATOR";
/// Environment variable naming the build cache directory.
pub const CACHE_ENV: &str = "SPIKELM_HW_CACHE";

/// The Verilator executable and its version line.
#[derive(Debug, Clone)]
pub struct Verilator {
    pub program: String,
    pub version: String,
}

impl Verilator {
    /// `$SPIKELM_HW_VERILATOR` or `verilator` from PATH, with its `--version` output.
    pub fn detect() -> Result<Self, SimError> {
        let program = std::env::var(VERILATOR_ENV).unwrap_or_else(|_| "verilator".to_string());
        let out = Command::new(&program)
            .arg("--version")
            .output()
            .map_err(|e| SimError::ToolMissing {
                program: program.clone(),
                detail: format!(
                    "{e}; install Debian `verilator` (scripts/setup.sh) or set {VERILATOR_ENV}"
                ),
            })?;
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || !version.starts_with("Verilator") {
            return Err(SimError::ToolMissing {
                program,
                detail: format!("`--version` printed `{version}`"),
            });
        }
        Ok(Verilator { program, version })
    }
}

/// The cache directory: `$SPIKELM_HW_CACHE`, else `target/spikelm-hw-cache` under the current
/// directory.
pub fn cache_root() -> PathBuf {
    std::env::var_os(CACHE_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target").join("spikelm-hw-cache"))
}

/// A built harness executable.
#[derive(Debug, Clone)]
pub struct BuiltHarness {
    pub binary: PathBuf,
    pub key: String,
    /// True when the executable came from the cache.
    pub cached: bool,
    pub seconds: f64,
    /// The Verilator command, runnable from `dir`.
    pub command: String,
    pub dir: PathBuf,
}

const TOP: &str = "spikelm_engine";

/// How Verilator treats X: `Fast` (zeros, the fastest code) for ordinary runs; `Unique` for
/// X-propagation runs, where every X and every register without a reset gets a value drawn at
/// run time (`+verilator+rand+reset+2`, `+verilator+seed+N`), so a missing reset shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XMode {
    Fast,
    Unique,
}

impl XMode {
    pub fn of(random: bool) -> Self {
        if random {
            XMode::Unique
        } else {
            XMode::Fast
        }
    }
    fn flag(self) -> &'static str {
        match self {
            XMode::Fast => "fast",
            XMode::Unique => "unique",
        }
    }
}

/// The Verilator arguments every harness build shares: a C++ model of `top` with its driver
/// built in `obj/` as `exe`, lint warnings off (the lint test runs `-Wall` on its own), the
/// model compiled at -O2 and the rest at -O1 (build time, not run time, dominates small runs).
pub(crate) fn verilator_build_args(top: &str, exe: &str) -> Vec<String> {
    [
        "--cc",
        "--exe",
        "--build",
        "-j",
        "2",
        "-O3",
        "--top-module",
        top,
        "-Wno-fatal",
        "-Wno-lint",
        "-Wno-style",
        "-MAKEFLAGS",
        "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1",
        "-Mdir",
        "obj",
        "-o",
        exe,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn verilator_args(tree: &RtlTree, trace: bool, x: XMode) -> Vec<String> {
    let mut a = verilator_build_args(TOP, "harness");
    for opt in ["--x-assign", "--x-initial"] {
        a.push(opt.into());
        a.push(x.flag().into());
    }
    if trace {
        a.push("--trace-fst".into());
    }
    a.push("-F".into());
    a.push(tree.files_f.display().to_string());
    a.push("harness.cpp".into());
    a
}

/// Quote a word for a POSIX shell when it needs it.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:+,@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A command line a person can paste into a shell.
pub fn shell_line(dir: &Path, program: &str, args: &[String]) -> String {
    let mut line = format!(
        "cd {} && {}",
        shell_word(&dir.display().to_string()),
        shell_word(program)
    );
    for a in args {
        line.push(' ');
        line.push_str(&shell_word(a));
    }
    line
}

/// The cache key of a harness build.
pub fn build_key(
    verilator: &Verilator,
    config_hash: &str,
    tree: &RtlTree,
    harness_src: &str,
    trace: bool,
    x: XMode,
) -> Result<String, SimError> {
    let mut h = Sha256::new();
    h.update(b"spikelm-hw harness build v1\0");
    h.update(verilator.version.as_bytes());
    h.update(config_hash.as_bytes());
    h.update(verilator_args(tree, trace, x).join(" ").as_bytes());
    // Every file of the tree, not only those files.f lists: headers come in through +incdir.
    for file in tree.all_files()? {
        let text = std::fs::read(&file).map_err(|e| SimError::io(&file, e))?;
        let rel = file.strip_prefix(&tree.dir).unwrap_or(&file);
        h.update(rel.as_os_str().as_encoded_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(&text);
    }
    h.update(harness_src.as_bytes());
    Ok(h.finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Build (or fetch from the cache) the harness for `tree`.
pub fn ensure_built(
    verilator: &Verilator,
    config_hash: &str,
    tree: &RtlTree,
    harness_src: &str,
    trace: bool,
    x: XMode,
    cache: &Path,
) -> Result<BuiltHarness, SimError> {
    let key = build_key(verilator, config_hash, tree, harness_src, trace, x)?;
    // Absolute, so the printed commands can be pasted from any directory.
    std::fs::create_dir_all(cache).map_err(|e| SimError::io(cache, e))?;
    let cache = &cache.canonicalize().map_err(|e| SimError::io(cache, e))?;
    let name = format!("{key}{}", if trace { "-fst" } else { "" });
    let final_dir = cache.join(&name);
    let binary = final_dir.join("obj").join("harness");
    let args = verilator_args(tree, trace, x);
    if binary.is_file() {
        return Ok(BuiltHarness {
            command: shell_line(&final_dir, &verilator.program, &args),
            binary,
            key,
            cached: true,
            seconds: 0.0,
            dir: final_dir,
        });
    }
    let started = Instant::now();
    std::fs::create_dir_all(cache).map_err(|e| SimError::io(cache, e))?;
    // One build per key at a time: others wait for it and then use its result.
    let lock = BuildLock::acquire(&cache.join(format!("{name}.lock")), &binary)?;
    if binary.is_file() {
        drop(lock);
        return Ok(BuiltHarness {
            command: shell_line(&final_dir, &verilator.program, &args),
            binary,
            key,
            cached: true,
            seconds: started.elapsed().as_secs_f64(),
            dir: final_dir,
        });
    }
    // Built under a name unique to this process and call, then renamed whole into place.
    let work = crate::atomic::temp_sibling(&final_dir);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| SimError::io(&work, e))?;
    std::fs::write(work.join("harness.cpp"), harness_src).map_err(|e| SimError::io(&work, e))?;
    let command = shell_line(&work, &verilator.program, &args);
    let out = Command::new(&verilator.program)
        .args(&args)
        .current_dir(&work)
        .output()
        .map_err(|e| SimError::ToolMissing {
            program: verilator.program.clone(),
            detail: e.to_string(),
        })?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::write(work.join("build.log"), &log);
    if !out.status.success() {
        return Err(SimError::BuildFailed {
            command,
            log_tail: tail(&log, 40),
        });
    }
    // Another process may have finished the same build first; either copy is good.
    if std::fs::rename(&work, &final_dir).is_err() {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(BuiltHarness {
        command: shell_line(&final_dir, &verilator.program, &args),
        binary,
        key,
        cached: false,
        seconds: started.elapsed().as_secs_f64(),
        dir: final_dir,
    })
}

/// A lock file held while one process builds a harness; removed on drop. A lock older than
/// [`STALE_LOCK`] is taken to be left over from a killed build and is broken.
struct BuildLock(PathBuf);

const STALE_LOCK: std::time::Duration = std::time::Duration::from_secs(900);

impl BuildLock {
    fn acquire(path: &Path, binary: &Path) -> Result<Option<Self>, SimError> {
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Ok(Some(BuildLock(path.to_path_buf()))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if binary.is_file() {
                        return Ok(None);
                    }
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok());
                    if age.is_some_and(|a| a > STALE_LOCK) {
                        let _ = std::fs::remove_file(path);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(e) => return Err(SimError::io(path, e)),
            }
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
