//! Where a checkpoint's files are: one safetensors file, or the shards a
//! `*.safetensors.index.json` names; `config.json` and the tokenizer beside them.
//!
//! A directory is searched for `model.safetensors`, then `model.safetensors.index.json` (or the one
//! `*.safetensors.index.json`), then a single `*.safetensors`; a sentence-transformers
//! `0_Transformer/` folder the same way. A file may be a safetensors file, an index, or one shard
//! (read through the index beside it that names it).

use super::ImportError;
use serde_json::Value;
use std::path::{Path, PathBuf};

const INDEX_SUFFIX: &str = ".safetensors.index.json";

/// Extensions of weight formats that are not read (PyTorch pickles, TensorFlow, Flax).
const OTHER_FORMATS: [&str; 6] = ["bin", "pt", "pth", "ckpt", "h5", "msgpack"];

/// The checkpoint's files.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// What the package records: the safetensors file, or the index of a sharded checkpoint.
    pub weights: PathBuf,
    /// The safetensors files to read (one, or every shard the index names).
    pub shards: Vec<PathBuf>,
    pub config: PathBuf,
    pub tokenizer: Option<PathBuf>,
    /// `vocab.txt` beside the checkpoint (the fallback when there is no `tokenizer.json`).
    pub vocab: Option<PathBuf>,
}

/// The files of `path` (a file or a directory).
pub fn locate(path: &Path) -> Result<Layout, ImportError> {
    let weights = if path.is_dir() {
        match find_weights(path)? {
            Some(w) => w,
            None => {
                find_weights(&path.join("0_Transformer"))?.ok_or_else(|| nothing_found(path))?
            }
        }
    } else if path.is_file() {
        index_naming(path)?.unwrap_or_else(|| path.to_path_buf())
    } else {
        return Err(ImportError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        ));
    };
    let dir = parent_of(&weights).to_path_buf();
    let beside = |name: &str| {
        [dir.join(name), path.join(name)]
            .into_iter()
            .find(|p| p.is_file())
    };
    let config = beside("config.json")
        .ok_or_else(|| ImportError::field(&dir, "config.json", "missing beside the checkpoint"))?;
    Ok(Layout {
        shards: shards_of(&weights)?,
        weights,
        config,
        tokenizer: beside("tokenizer.json"),
        vocab: beside("vocab.txt"),
    })
}

/// The directory of `file` (`.` for a bare file name).
fn parent_of(file: &Path) -> &Path {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn is_index(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(INDEX_SUFFIX))
}

fn with_extension(dir: &Path, pred: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && pred(p))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

fn is_safetensors(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "safetensors")
}

/// The weights of a directory: `model.safetensors`, an index, or the only safetensors file.
fn find_weights(dir: &Path) -> Result<Option<PathBuf>, ImportError> {
    for name in ["model.safetensors", "model.safetensors.index.json"] {
        if dir.join(name).is_file() {
            return Ok(Some(dir.join(name)));
        }
    }
    let indexes = with_extension(dir, is_index);
    let files = with_extension(dir, is_safetensors);
    match (&indexes[..], &files[..]) {
        ([index], _) => Ok(Some(index.clone())),
        ([], [file]) => Ok(Some(file.clone())),
        ([], []) => Ok(None),
        _ => Err(ImportError::field(
            dir,
            "*.safetensors",
            format!(
                "{} safetensors files and {} indexes ({}); expected model.safetensors, one \
                 *.safetensors.index.json naming the shards, or a single *.safetensors: pass the \
                 file to read",
                files.len(),
                indexes.len(),
                names(indexes.iter().chain(&files))
            ),
        )),
    }
}

fn names<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> String {
    paths
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a directory without safetensors weights, naming any other format found.
fn nothing_found(dir: &Path) -> ImportError {
    let foreign = |p: &Path| {
        p.extension()
            .is_some_and(|e| OTHER_FORMATS.iter().any(|f| e == *f))
    };
    let found: Vec<PathBuf> = [dir.to_path_buf(), dir.join("0_Transformer")]
        .iter()
        .flat_map(|d| with_extension(d, foreign))
        .collect();
    let others = names(found.iter());
    let hint = if others.is_empty() {
        String::new()
    } else {
        format!(
            "; it has {} (not read: save the model with safetensors, e.g. \
             `model.save_pretrained(dir, safe_serialization=True)`)",
            others
        )
    };
    ImportError::field(
        dir,
        "*.safetensors",
        format!("no safetensors file in the directory (nor in 0_Transformer/){hint}"),
    )
}

/// The `weight_map` of an index: tensor name → shard file name.
fn weight_map(index: &Path) -> Result<serde_json::Map<String, Value>, ImportError> {
    let text = std::fs::read_to_string(index).map_err(|e| ImportError::io(index, e))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| ImportError::field(index, "(file)", format!("not valid JSON: {e}")))?;
    match v.get("weight_map") {
        Some(Value::Object(m)) if !m.is_empty() => Ok(m.clone()),
        _ => Err(ImportError::field(
            index,
            "weight_map",
            "missing or empty; expected an object of tensor name → shard file",
        )),
    }
}

/// The shard files of `weights` (itself unless it is an index), each checked to exist.
fn shards_of(weights: &Path) -> Result<Vec<PathBuf>, ImportError> {
    if !is_index(weights) {
        return Ok(vec![weights.to_path_buf()]);
    }
    let dir = parent_of(weights);
    let mut files = Vec::new();
    for (tensor, file) in weight_map(weights)? {
        let name = file.as_str().filter(|f| is_plain_name(f)).ok_or_else(|| {
            ImportError::field(
                weights,
                format!("weight_map.{tensor}"),
                format!("{file} is not a file name beside the index"),
            )
        })?;
        let path = dir.join(name);
        if !files.contains(&path) {
            files.push(path);
        }
    }
    files.sort();
    if let Some(missing) = files.iter().find(|p| !p.is_file()) {
        return Err(ImportError::field(
            weights,
            "weight_map",
            format!("names shard {}, which does not exist", missing.display()),
        ));
    }
    Ok(files)
}

/// A file name without directories (an index may not reach outside its directory).
fn is_plain_name(name: &str) -> bool {
    let p = Path::new(name);
    p.components().count() == 1 && p.file_name().is_some_and(|n| n == name)
}

/// The index beside `file` that names it as a shard, if any.
fn index_naming(file: &Path) -> Result<Option<PathBuf>, ImportError> {
    if is_index(file) || !is_safetensors(file) {
        return Ok(None);
    }
    let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
        return Ok(None);
    };
    let dir = parent_of(file);
    for index in with_extension(dir, is_index) {
        if weight_map(&index)?
            .values()
            .any(|v| v.as_str() == Some(name))
        {
            return Ok(Some(index));
        }
    }
    Ok(None)
}
