//! Errors of the synthesis flows. Each says what failed and what to do about it.

use std::path::PathBuf;

/// The install command printed whenever a tool is missing.
pub const INSTALL_HINT: &str = "bash scripts/setup.sh && source scripts/env.sh";

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error(
        "{tool} not found: looked for {looked_for} on PATH (override with the environment \
         variable {env_var}); install the pinned tools with `{INSTALL_HINT}`"
    )]
    ToolMissing {
        tool: String,
        looked_for: String,
        env_var: String,
    },
    #[error("{env_var}={path} does not point to an executable file; install the tools with `{INSTALL_HINT}`")]
    BadOverride { env_var: String, path: String },
    #[error("{0}")]
    ToolFailed(Box<ToolFailure>),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("design manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("cannot parse {what} ({path}): {message}")]
    Parse {
        what: String,
        path: PathBuf,
        message: String,
    },
    #[error("unknown target `{0}`; known targets: {1}")]
    UnknownTarget(String, String),
    #[error("{0}")]
    Unsupported(String),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

impl SynthError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SynthError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, SynthError>;

/// A tool that exited with an error: what ran, where, and the end of its log.
#[derive(Debug)]
pub struct ToolFailure {
    pub step: String,
    pub status: String,
    pub command: String,
    pub dir: PathBuf,
    pub log: PathBuf,
    pub tail: String,
}

impl std::fmt::Display for ToolFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} failed ({}); log {}\ncommand (run it from {}):\n  {}\nlast log lines:\n{}",
            self.step,
            self.status,
            self.log.display(),
            self.dir.display(),
            self.command,
            self.tail
        )
    }
}
