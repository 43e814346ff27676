//! Text to token ids with the checkpoint's own `tokenizer.json` (the `tokenizers` crate).

use super::ImportError;
use crate::model::encoder::Batch;
use std::path::Path;

/// English sentences used to calibrate α when the user gives no calibration text.
pub const DEFAULT_CALIBRATION: &str = include_str!("calibration.txt");

/// Tokenize every non-empty line of `text` as one sequence (with the tokenizer's special tokens),
/// cut to `max_len` tokens, and lay them end to end.
pub fn tokenize(tokenizer: &Path, text: &str, max_len: usize) -> Result<Batch, ImportError> {
    let err = |detail: String| ImportError::Tokenizer {
        path: tokenizer.display().to_string(),
        detail,
    };
    let mut tok = tokenizers::Tokenizer::from_file(tokenizer).map_err(|e| err(e.to_string()))?;
    // Sequences are laid end to end, never padded (a tokenizer.json may ask for fixed padding).
    tok.with_padding(None);
    let mut seqs = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let enc = tok
            .encode(line, true)
            .map_err(|e| err(format!("{line:?}: {e}")))?;
        let mut ids = enc.get_ids().to_vec();
        ids.truncate(max_len);
        seqs.push(ids);
    }
    if seqs.is_empty() {
        return Err(err("the text has no non-empty line to tokenize".to_string()));
    }
    Ok(Batch::from_sequences(&seqs))
}
