//! Errors of the board flow and the host link. Each says what failed and what to do.

use crate::synth::SynthError;

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("unknown board `{0}`; known boards: {1}")]
    UnknownBoard(String, String),
    #[error("board data (src/board/boards.toml): {0}")]
    Data(String),
    #[error(
        "the engine does not fit {board} ({part}): it needs {needed} {resource}, the device has \
         {budget}{hint}"
    )]
    DoesNotFit {
        board: String,
        part: String,
        resource: String,
        needed: u64,
        budget: u64,
        hint: String,
    },
    #[error(
        "timing not met on {board}: {achieved:.1} MHz achieved at a {clock:.1} MHz PLL clock, \
         short by {short:.1} MHz ({slack_ns:.2} ns of negative slack); critical path: {path}; \
         placer seeds tried: {seeds} (try more with --seeds, or another --seed)"
    )]
    Timing {
        board: String,
        clock: f64,
        achieved: f64,
        short: f64,
        slack_ns: f64,
        path: String,
        seeds: String,
    },
    #[error("the engine's port `{0}` has no place in the board top (engine ports changed?)")]
    UnknownPort(String),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error(transparent)]
    Synth(#[from] SynthError),
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("package {package} has no layer site `{name}`; its sites: {known}")]
    UnknownSite {
        name: String,
        package: String,
        known: String,
    },
    #[error("host link: {0}")]
    Link(String),
}

impl BoardError {
    pub(crate) fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> Self {
        BoardError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, BoardError>;
