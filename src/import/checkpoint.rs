//! Read a BERT encoder from a safetensors checkpoint and its `config.json`.
//!
//! Accepted layouts: a file `*.safetensors`, or a directory holding one (directly or in a
//! sentence-transformers `0_Transformer/` folder), with `config.json` (and `tokenizer.json`)
//! beside it. Tensor names are Hugging Face BERT's with any prefix (`bert.`, a
//! sentence-transformers `0.auto_model.`, …), found from the word-embedding tensor. SpikeLM's
//! α tensors, where present, are read by `alphas.rs`.

use super::ImportError;
use crate::model::encoder::{
    BertDims, BertWeights, Embeddings, LayerAlphas, LayerNormWeights, LayerWeights, Linear, Site,
};
use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;
use std::path::{Path, PathBuf};

use super::alphas::{alpha_steps, read_alphas};
pub use super::layout::{locate, Layout};

/// The GELU forms the engine computes (`docs/arithmetic.md` 4.3: the exact erf form); Hugging
/// Face's `gelu_python` is the same function.
const ERF_GELU: [&str; 2] = ["gelu", "gelu_python"];

/// The `model_type`s whose checkpoints are BERT's architecture and numbering of positions.
const BERT_MODEL_TYPES: [&str; 1] = ["bert"];

/// A loaded checkpoint: the weights, α if it carries them, and where its files are.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub weights: BertWeights,
    pub alphas: Option<Vec<LayerAlphas>>,
    /// The safetensors file, or the index of a sharded checkpoint (what a package records).
    pub safetensors: PathBuf,
    pub config: PathBuf,
    pub tokenizer: Option<PathBuf>,
    /// `vocab.txt` beside the checkpoint, the tokenizer when there is no `tokenizer.json`.
    pub vocab: Option<PathBuf>,
    /// The prefix before `embeddings.` in the tensor names.
    pub prefix: String,
}

/// Refuse a string field of config.json whose value is not one of `accepted` (absent is fine).
fn check_choice(
    path: &Path,
    v: &Value,
    field: &str,
    accepted: &[&str],
    rule: &str,
) -> Result<(), ImportError> {
    match v.get(field) {
        Some(x) if !x.as_str().is_some_and(|s| accepted.contains(&s)) => Err(ImportError::field(
            path,
            field,
            format!("{x}: expected one of {accepted:?}; {rule}"),
        )),
        _ => Ok(()),
    }
}

/// The architecture fields every accepted checkpoint must have as BERT's.
fn check_architecture(path: &Path, v: &Value) -> Result<(), ImportError> {
    check_choice(
        path,
        v,
        "model_type",
        &BERT_MODEL_TYPES,
        "the importer reads BERT (RoBERTa-family models number positions from padding_idx + 1, \
         DistilBERT and ELECTRA have other layouts)",
    )?;
    check_choice(
        path,
        v,
        "hidden_act",
        &ERF_GELU,
        "the engine's GELU unit computes the exact erf form (docs/arithmetic.md 4.3), as SpikeLM \
         does; the tanh forms (gelu_new, gelu_pytorch_tanh, gelu_fast) differ from it by up to \
         4.7e-4 and other activations are not GELU",
    )?;
    check_choice(
        path,
        v,
        "position_embedding_type",
        &["absolute"],
        "relative position embeddings are not implemented",
    )
}

/// Whether config.json names SpikeLM's `T`.
fn config_names_steps(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("T").is_some())
}

/// Dimensions from a config.json text; `time_steps` unless the config names its own `T`.
pub fn parse_config(path: &Path, text: &str, time_steps: usize) -> Result<BertDims, ImportError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ImportError::field(path, "(file)", format!("not valid JSON: {e}")))?;
    let int = |key: &str, default: Option<usize>| -> Result<usize, ImportError> {
        match v.get(key) {
            None => default.ok_or_else(|| ImportError::field(path, key, "missing")),
            Some(x) => x
                .as_u64()
                .filter(|n| (1..=1 << 24).contains(n))
                .map(|n| n as usize)
                .ok_or_else(|| {
                    ImportError::field(path, key, format!("{x} is not an integer in 1..=2^24"))
                }),
        }
    };
    check_architecture(path, &v)?;
    let eps = match v.get("layer_norm_eps") {
        None => 1e-12,
        Some(x) => x
            .as_f64()
            .filter(|e| e.is_finite() && *e > 0.0)
            .ok_or_else(|| {
                ImportError::field(
                    path,
                    "layer_norm_eps",
                    format!("{x} is not a positive number"),
                )
            })?,
    };
    let dims = BertDims {
        layers: int("num_hidden_layers", None)?,
        hidden: int("hidden_size", None)?,
        heads: int("num_attention_heads", None)?,
        ffn: int("intermediate_size", None)?,
        vocab: int("vocab_size", None)?,
        max_positions: int("max_position_embeddings", Some(512))?,
        type_vocab: int("type_vocab_size", Some(2))?,
        layer_norm_eps: eps,
        time_steps: int("T", Some(time_steps))?,
    };
    if dims.hidden % dims.heads != 0 {
        return Err(ImportError::field(
            path,
            "hidden_size",
            format!(
                "{} is not a multiple of num_attention_heads = {}",
                dims.hidden, dims.heads
            ),
        ));
    }
    Ok(dims)
}

/// One tensor's element type as the importer reads it.
fn decode(dtype: Dtype, data: &[u8]) -> Option<Vec<f64>> {
    Some(match dtype {
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|b| {
                f64::from(f32::from_bits(
                    u32::from(u16::from_le_bytes([b[0], b[1]])) << 16,
                ))
            })
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|b| f16_value(u16::from_le_bytes([b[0], b[1]])))
            .collect(),
        _ => return None,
    })
}

/// The value of IEEE 754 binary16 bits.
pub fn f16_value(bits: u16) -> f64 {
    let sign = if bits & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let man = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * man * (-24f64).exp2(),
        0x1f if man == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        e => sign * (1.0 + man / 1024.0) * f64::from(e - 15).exp2(),
    }
}

/// Reads named tensors from a checkpoint's safetensors files (one, or the shards), checking
/// shape and dtype.
pub(super) struct Reader<'a> {
    files: Vec<(&'a Path, SafeTensors<'a>)>,
    /// The safetensors file or index (named when a tensor is missing).
    pub(super) path: &'a Path,
    pub(super) prefix: String,
}

impl Reader<'_> {
    pub(super) fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Every tensor name of every file.
    pub(super) fn names(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .files
            .iter()
            .flat_map(|(_, st)| st.names().into_iter().cloned())
            .collect();
        all.sort();
        all
    }

    fn view(&self, full: &str) -> Option<(&Path, safetensors::tensor::TensorView<'_>)> {
        self.files
            .iter()
            .find_map(|(p, st)| st.tensor(full).ok().map(|v| (*p, v)))
    }

    pub(super) fn floats(
        &self,
        name: &str,
        shape: &[usize],
        what: &str,
    ) -> Result<Vec<f64>, ImportError> {
        let full = format!("{}{name}", self.prefix);
        let (file, view) = self.view(&full).ok_or_else(|| ImportError::Missing {
            path: self.shown(),
            name: full.clone(),
            expected: format!("shape {shape:?} ({what})"),
        })?;
        let bad = |expected: String| ImportError::Tensor {
            path: file.display().to_string(),
            name: full.clone(),
            shape: view.shape().to_vec(),
            dtype: format!("{:?}", view.dtype()),
            expected,
        };
        // α scalars may be stored as [] or [1].
        let same = view.shape() == shape
            || (shape.is_empty() && view.shape().iter().product::<usize>() == 1);
        if !same {
            return Err(bad(format!("shape {shape:?} ({what})")));
        }
        let values = decode(view.dtype(), view.data())
            .ok_or_else(|| bad("a float dtype: F32, F16, BF16 or F64".to_string()))?;
        let count = shape.iter().product::<usize>().max(1);
        if values.len() != count {
            return Err(bad(format!("{count} values of shape {shape:?}")));
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(bad(format!("finite values (element {i} is {})", values[i])));
        }
        Ok(values)
    }

    fn matrix(
        &self,
        name: &str,
        rows: usize,
        cols: usize,
        what: &str,
    ) -> Result<Array2<f64>, ImportError> {
        let v = self.floats(name, &[rows, cols], what)?;
        Array2::from_shape_vec((rows, cols), v).map_err(|e| ImportError::Package {
            path: self.shown(),
            detail: format!("{name}: {e}"),
        })
    }

    fn vector(&self, name: &str, len: usize, what: &str) -> Result<Array1<f64>, ImportError> {
        Ok(Array1::from(self.floats(name, &[len], what)?))
    }

    /// A LayerNorm's γ and β: `LayerNorm.weight` and `.bias`, or the names of checkpoints
    /// ported from the original TensorFlow BERT, `LayerNorm.gamma` and `.beta` (the Hugging Face
    /// `bert-base-uncased` files still carry them; `transformers` renames them when it loads).
    fn norm(&self, module: &str, h: usize) -> Result<LayerNormWeights, ImportError> {
        let pick = |new: &str, legacy: &str| {
            let name = format!("{module}.LayerNorm.{new}");
            let old = format!("{module}.LayerNorm.{legacy}");
            let name = match (self.has(&name), self.has(&old)) {
                (true, true) => {
                    return Err(ImportError::field(
                        self.path,
                        format!("{}{name}", self.prefix),
                        format!(
                            "present beside its legacy name `{}{old}`: one LayerNorm parameter \
                             stored twice; keep one",
                            self.prefix
                        ),
                    ))
                }
                (false, true) => old,
                _ => name,
            };
            let what = format!("[hidden_size] (or under the legacy name `LayerNorm.{legacy}`)");
            self.vector(&name, h, &what)
        };
        Ok(LayerNormWeights {
            gamma: pick("weight", "gamma")?,
            beta: pick("bias", "beta")?,
        })
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.view(&format!("{}{name}", self.prefix)).is_some()
    }
}

/// Load a checkpoint (file, index or directory). T is the config's `T`, else the number of
/// time steps of the checkpoint's α tensors, else `time_steps`.
pub fn load_checkpoint(path: &Path, time_steps: usize) -> Result<Checkpoint, ImportError> {
    let layout = locate(path)?;
    let config = &layout.config;
    let text = std::fs::read_to_string(config).map_err(|e| ImportError::io(config, e))?;
    let mut dims = parse_config(config, &text, time_steps)?;
    let bytes = layout
        .shards
        .iter()
        .map(|f| std::fs::read(f).map_err(|e| ImportError::io(f, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let files: Vec<(&Path, &[u8])> = layout
        .shards
        .iter()
        .map(PathBuf::as_path)
        .zip(bytes.iter().map(Vec::as_slice))
        .collect();
    if !config_names_steps(&text) {
        if let Some(steps) = alpha_steps(&deserialize(&files)?) {
            dims.time_steps = steps;
        }
    }
    let (weights, alphas, prefix) = parse_files(&layout.weights, &files, dims)?;
    Ok(Checkpoint {
        weights,
        alphas,
        safetensors: layout.weights,
        config: layout.config,
        tokenizer: layout.tokenizer,
        vocab: layout.vocab,
        prefix,
    })
}

fn deserialize<'a>(
    files: &[(&'a Path, &'a [u8])],
) -> Result<Vec<(&'a Path, SafeTensors<'a>)>, ImportError> {
    files
        .iter()
        .map(|&(path, bytes)| {
            SafeTensors::deserialize(bytes)
                .map(|st| (path, st))
                .map_err(|e| ImportError::Safetensors {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })
        })
        .collect()
}

/// The weights (and α, if present) in the bytes of one safetensors file.
#[allow(clippy::type_complexity)]
pub fn parse_weights(
    file: &Path,
    bytes: &[u8],
    dims: BertDims,
) -> Result<(BertWeights, Option<Vec<LayerAlphas>>, String), ImportError> {
    parse_files(file, &[(file, bytes)], dims)
}

/// The weights (and α, if present) in the bytes of a checkpoint's files; `record` is the file
/// or index named when a tensor is missing.
#[allow(clippy::type_complexity)]
pub fn parse_files(
    record: &Path,
    files: &[(&Path, &[u8])],
    dims: BertDims,
) -> Result<(BertWeights, Option<Vec<LayerAlphas>>, String), ImportError> {
    let anchor = "embeddings.word_embeddings.weight";
    let mut r = Reader {
        files: deserialize(files)?,
        path: record,
        prefix: String::new(),
    };
    r.prefix = model_prefix(&r, record, anchor)?;
    let embeddings = read_embeddings(&r, &dims)?;
    let layers = (0..dims.layers)
        .map(|l| read_layer(&r, &dims, l))
        .collect::<Result<Vec<_>, _>>()?;
    let alphas = read_alphas(&r, &dims)?;
    Ok((
        BertWeights {
            dims,
            embeddings,
            layers,
        },
        alphas,
        r.prefix,
    ))
}

/// The one prefix before `anchor` in the tensor names; several (two BERTs in one file, e.g. a
/// teacher and a student) are refused naming them rather than one picked.
fn model_prefix(r: &Reader, record: &Path, anchor: &str) -> Result<String, ImportError> {
    let prefixes: Vec<String> = r
        .names()
        .into_iter()
        .filter_map(|n| n.strip_suffix(anchor).map(str::to_string))
        .collect();
    match &prefixes[..] {
        [one] => Ok(one.clone()),
        [] => Err(ImportError::Missing {
            path: record.display().to_string(),
            name: format!("[prefix]{anchor}"),
            expected: "a BERT checkpoint in Hugging Face names".to_string(),
        }),
        several => Err(ImportError::field(
            record,
            format!("[prefix]{anchor}"),
            format!(
                "{} models in one checkpoint (prefixes {several:?}); save the one to import on \
                 its own",
                several.len()
            ),
        )),
    }
}

fn read_embeddings(r: &Reader, dims: &BertDims) -> Result<Embeddings, ImportError> {
    let h = dims.hidden;
    Ok(Embeddings {
        word: r.matrix(
            "embeddings.word_embeddings.weight",
            dims.vocab,
            h,
            "[vocab_size, hidden_size]",
        )?,
        position: r.matrix(
            "embeddings.position_embeddings.weight",
            dims.max_positions,
            h,
            "[max_position_embeddings, hidden_size]",
        )?,
        token_type: r.matrix(
            "embeddings.token_type_embeddings.weight",
            dims.type_vocab,
            h,
            "[type_vocab_size, hidden_size]",
        )?,
        norm: r.norm("embeddings", h)?,
    })
}

fn read_layer(r: &Reader, dims: &BertDims, l: usize) -> Result<LayerWeights, ImportError> {
    let base = format!("encoder.layer.{l}");
    let mut sites = Vec::new();
    for s in Site::ALL {
        let (dout, din) = dims.site_shape(s);
        let m = format!("{base}.{}", s.hf_module());
        let what = match s {
            Site::FfnIn => "[intermediate_size, hidden_size]",
            Site::FfnOut => "[hidden_size, intermediate_size]",
            _ => "[hidden_size, hidden_size]",
        };
        sites.push(Linear {
            w: r.matrix(&format!("{m}.weight"), dout, din, what)?,
            b: r.vector(&format!("{m}.bias"), dout, "[out_features]")?,
        });
    }
    Ok(LayerWeights {
        sites,
        attn_norm: r.norm(&format!("{base}.attention.output"), dims.hidden)?,
        out_norm: r.norm(&format!("{base}.output"), dims.hidden)?,
    })
}
