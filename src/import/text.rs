//! Text to token ids with the checkpoint's own tokenizer (the `tokenizers` crate): its
//! `tokenizer.json`, or, for checkpoints that ship only `vocab.txt`, BERT's WordPiece tokenizer
//! built from it (lower-casing as `tokenizer_config.json`'s `do_lower_case` says, default true,
//! as Hugging Face's `BertTokenizer`).

use super::checkpoint::Checkpoint;
use super::ImportError;
use crate::model::encoder::Batch;
use serde::Serialize;
use std::path::{Path, PathBuf};
use tokenizers::tokenizer::{Tokenizer, TruncationParams};

/// English sentences used to calibrate α when the user gives no calibration text.
pub const DEFAULT_CALIBRATION: &str = include_str!("calibration.txt");

/// Where the tokenizer comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenizerSource {
    /// A `tokenizer.json`.
    Json(PathBuf),
    /// BERT WordPiece over a `vocab.txt`.
    Vocab { path: PathBuf, lowercase: bool },
}

impl TokenizerSource {
    pub fn path(&self) -> &Path {
        match self {
            TokenizerSource::Json(p) | TokenizerSource::Vocab { path: p, .. } => p,
        }
    }
}

/// A line cut to the model's longest sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truncated {
    /// 1-based line of the text.
    pub line: usize,
    /// Tokens of the line (special tokens included).
    pub tokens: usize,
    /// Tokens kept: the first ones, and the tokenizer's closing special token.
    pub kept: usize,
}

/// Tokenized text: the sequences laid end to end and the lines that were cut.
#[derive(Debug, Clone)]
pub struct Tokenized {
    pub batch: Batch,
    pub truncated: Vec<Truncated>,
}

/// The tokenizer of a checkpoint: `tokenizer.json`, else `vocab.txt`.
pub fn tokenizer_of(ck: &Checkpoint) -> Result<TokenizerSource, ImportError> {
    if let Some(json) = &ck.tokenizer {
        return Ok(TokenizerSource::Json(json.clone()));
    }
    let vocab = ck.vocab.clone().ok_or_else(|| {
        ImportError::field(
            &ck.config,
            "tokenizer.json",
            "missing beside the checkpoint, and no vocab.txt either: the text cannot be tokenized",
        )
    })?;
    let lowercase = lowercase_of(&vocab.with_file_name("tokenizer_config.json"))?;
    Ok(TokenizerSource::Vocab {
        path: vocab,
        lowercase,
    })
}

/// `do_lower_case` of a `tokenizer_config.json` (true when the file or the field is absent).
fn lowercase_of(config: &Path) -> Result<bool, ImportError> {
    if !config.is_file() {
        return Ok(true);
    }
    let text = std::fs::read_to_string(config).map_err(|e| ImportError::io(config, e))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| ImportError::field(config, "(file)", format!("not valid JSON: {e}")))?;
    match v.get("do_lower_case") {
        None => Ok(true),
        Some(b) => b.as_bool().ok_or_else(|| {
            ImportError::field(config, "do_lower_case", format!("{b} is not true or false"))
        }),
    }
}

fn tokenizer_error(path: &Path, detail: impl std::fmt::Display) -> ImportError {
    ImportError::Tokenizer {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// BERT's WordPiece tokenizer over `vocab` (what `BertTokenizer` does).
fn wordpiece(vocab: &Path, lowercase: bool) -> Result<Tokenizer, ImportError> {
    use tokenizers::models::wordpiece::WordPiece;
    use tokenizers::normalizers::bert::BertNormalizer;
    use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
    use tokenizers::processors::bert::BertProcessing;
    let model = WordPiece::from_file(&vocab.display().to_string())
        .unk_token("[UNK]".into())
        .build()
        .map_err(|e| tokenizer_error(vocab, e))?;
    let mut tok = Tokenizer::new(model);
    let id = |t: &str| {
        tok.token_to_id(t)
            .ok_or_else(|| tokenizer_error(vocab, format!("the vocabulary has no {t} token")))
    };
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    id("[UNK]")?;
    tok.with_normalizer(Some(BertNormalizer::new(true, true, None, lowercase)))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), sep),
            ("[CLS]".into(), cls),
        )));
    Ok(tok)
}

/// The tokenizer, without the padding and truncation a `tokenizer.json` may have saved:
/// sequences are laid end to end, never padded, and cut only at the model's limit.
fn load(source: &TokenizerSource) -> Result<Tokenizer, ImportError> {
    let mut tok = match source {
        TokenizerSource::Json(p) => Tokenizer::from_file(p).map_err(|e| tokenizer_error(p, e))?,
        TokenizerSource::Vocab { path, lowercase } => wordpiece(path, *lowercase)?,
    };
    tok.with_padding(None);
    tok.with_truncation(None)
        .map_err(|e| tokenizer_error(source.path(), e))?;
    Ok(tok)
}

/// One line's ids, cut to `max_len` by the tokenizer (which keeps its special tokens).
fn encode_line(
    tok: &mut Tokenizer,
    source: &TokenizerSource,
    line: &str,
    max_len: usize,
) -> Result<(Vec<u32>, usize), ImportError> {
    let err = |e| tokenizer_error(source.path(), format!("{line:?}: {e}"));
    let ids = tok.encode(line, true).map_err(err)?.get_ids().to_vec();
    let full = ids.len();
    if full <= max_len {
        return Ok((ids, full));
    }
    tok.with_truncation(Some(TruncationParams {
        max_length: max_len,
        ..TruncationParams::default()
    }))
    .map_err(err)?;
    let ids = tok.encode(line, true).map_err(err)?.get_ids().to_vec();
    tok.with_truncation(None).map_err(err)?;
    Ok((ids, full))
}

/// Tokenize every non-empty line of `text` as one sequence (with the tokenizer's special tokens),
/// cut to `max_len` tokens (reported), and lay them end to end.
pub fn tokenize_text(
    source: &TokenizerSource,
    text: &str,
    max_len: usize,
) -> Result<Tokenized, ImportError> {
    let mut tok = load(source)?;
    let mut seqs = Vec::new();
    let mut truncated = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (ids, tokens) = encode_line(&mut tok, source, line, max_len)?;
        if ids.len() < tokens {
            truncated.push(Truncated {
                line: i + 1,
                tokens,
                kept: ids.len(),
            });
        }
        seqs.push(ids);
    }
    if seqs.iter().all(Vec::is_empty) {
        return Err(tokenizer_error(
            source.path(),
            "the text has no non-empty line to tokenize",
        ));
    }
    Ok(Tokenized {
        batch: Batch::from_sequences(&seqs),
        truncated,
    })
}

/// `text` tokenized with the checkpoint's tokenizer, each line cut to max_position_embeddings;
/// a token id outside the checkpoint's vocabulary is refused (the tokenizer belongs to another
/// model, or tokens were added without resizing the embeddings).
pub fn tokenize_for(ck: &Checkpoint, text: &str) -> Result<Tokenized, ImportError> {
    let source = tokenizer_of(ck)?;
    let dims = &ck.weights.dims;
    let t = tokenize_text(&source, text, dims.max_positions)?;
    match t
        .batch
        .ids
        .iter()
        .copied()
        .find(|&id| id as usize >= dims.vocab)
    {
        Some(id) => Err(tokenizer_error(
            source.path(),
            format!(
                "token id {id} is outside the checkpoint's vocabulary (vocab_size = {} in {}): \
                 the tokenizer does not belong to this checkpoint",
                dims.vocab,
                ck.config.display()
            ),
        )),
        None => Ok(t),
    }
}

/// The note printed for cut lines (empty when none was cut).
pub fn truncation_note(truncated: &[Truncated], max_len: usize) -> String {
    truncated
        .iter()
        .map(|t| {
            format!(
                "note: line {} has {} tokens; only the first {} are used \
                 (max_position_embeddings = {max_len}; the closing special token is kept)\n",
                t.line, t.tokens, t.kept
            )
        })
        .collect()
}
