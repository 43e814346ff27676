//! Importing a trained checkpoint: read a Hugging Face BERT (or SpikeLM) safetensors checkpoint
//! and its `config.json` ([`checkpoint`]), tokenize calibration text with the checkpoint's own
//! `tokenizer.json` ([`text`]), calibrate α the official way where the checkpoint has none, pick
//! each site's fixed-point formats, quantise the weights ([`calibrate`]) and write the package
//! ([`package`]) that `model encoder`, `sim --package` and `flow --package` read.

mod alphas;
pub mod calibrate;
pub mod checkpoint;
pub mod evaluate;
pub mod layout;
pub mod package;
pub mod replay;
pub mod text;

pub use calibrate::{import, ImportOptions, ImportSummary};
pub use checkpoint::{load_checkpoint, Checkpoint};
pub use package::Package;

use crate::model::encoder::EncoderError;
use crate::model::ModelError;

/// Everything that can go wrong while importing or reading a package; each names the file, the
/// tensor or field, what it holds and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a readable safetensors file: {detail}")]
    Safetensors { path: String, detail: String },
    #[error("{path}: tensor `{name}` is missing; expected {expected}")]
    Missing {
        path: String,
        name: String,
        expected: String,
    },
    #[error("{path}: tensor `{name}` has shape {shape:?} and dtype {dtype}; expected {expected}")]
    Tensor {
        path: String,
        name: String,
        shape: Vec<usize>,
        dtype: String,
        expected: String,
    },
    #[error("{path}: `{field}`: {detail}")]
    Field {
        path: String,
        field: String,
        detail: String,
    },
    #[error("tokenizer {path}: {detail}")]
    Tokenizer { path: String, detail: String },
    #[error("{path}: {detail}")]
    Package { path: String, detail: String },
    #[error("{0}")]
    Encoder(#[from] EncoderError),
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
}

impl ImportError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ImportError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn field(
        path: &std::path::Path,
        field: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        ImportError::Field {
            path: path.display().to_string(),
            field: field.into(),
            detail: detail.into(),
        }
    }
}
