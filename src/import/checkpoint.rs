//! Read a BERT encoder from a safetensors checkpoint and its `config.json`.
//!
//! Accepted layouts: a file `*.safetensors`, or a directory holding one (directly or in a
//! sentence-transformers `0_Transformer/` folder), with `config.json` (and `tokenizer.json`)
//! beside it. Tensor names are Hugging Face BERT's with any prefix (`bert.`, a
//! sentence-transformers `0.auto_model.`, …), found from the word-embedding tensor. SpikeLM
//! checkpoints carry α per time step: `…{site}.act_clip_val.{t}` on the six linear layers and
//! `…attention.self.clip_key.{t}` / `clip_value.{t}` on the quantisers; where any is present all
//! must be.

use super::ImportError;
use crate::model::encoder::{
    BertDims, BertWeights, Embeddings, LayerAlphas, LayerNormWeights, LayerWeights, Linear,
    Quantiser, Site,
};
use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A loaded checkpoint: the weights, α if it carries them, and where its files are.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub weights: BertWeights,
    pub alphas: Option<Vec<LayerAlphas>>,
    pub safetensors: PathBuf,
    pub config: PathBuf,
    pub tokenizer: Option<PathBuf>,
    /// The prefix before `embeddings.` in the tensor names.
    pub prefix: String,
}

/// The safetensors file, config.json and tokenizer.json of `path` (a file or a directory).
pub fn locate(path: &Path) -> Result<(PathBuf, PathBuf, Option<PathBuf>), ImportError> {
    let file = if path.is_dir() {
        find_safetensors(path)
            .or_else(|| find_safetensors(&path.join("0_Transformer")))
            .ok_or_else(|| {
                ImportError::field(
                    path,
                    "*.safetensors",
                    "no safetensors file in the directory (nor in 0_Transformer/)",
                )
            })?
    } else if path.is_file() {
        path.to_path_buf()
    } else {
        return Err(ImportError::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        ));
    };
    let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let beside = |name: &str| {
        [dir.join(name), path.join(name)]
            .into_iter()
            .find(|p| p.is_file())
    };
    let config = beside("config.json")
        .ok_or_else(|| ImportError::field(&dir, "config.json", "missing beside the checkpoint"))?;
    Ok((file, config, beside("tokenizer.json")))
}

fn find_safetensors(dir: &Path) -> Option<PathBuf> {
    let preferred = dir.join("model.safetensors");
    if preferred.is_file() {
        return Some(preferred);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "safetensors"))
        .collect();
    found.sort();
    found.into_iter().next()
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
    if let Some(act) = v.get("hidden_act") {
        if act.as_str() != Some("gelu") {
            return Err(ImportError::field(
                path,
                "hidden_act",
                format!("{act}: only `gelu` (erf) is supported, as in SpikeLM"),
            ));
        }
    }
    if let Some(p) = v.get("position_embedding_type") {
        if p.as_str() != Some("absolute") {
            return Err(ImportError::field(
                path,
                "position_embedding_type",
                format!("{p}: only `absolute` is supported"),
            ));
        }
    }
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

/// Reads named tensors from one safetensors file, checking shape and dtype.
struct Reader<'a> {
    st: SafeTensors<'a>,
    path: &'a Path,
    prefix: String,
}

impl Reader<'_> {
    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    fn floats(&self, name: &str, shape: &[usize], what: &str) -> Result<Vec<f64>, ImportError> {
        let full = format!("{}{name}", self.prefix);
        let view = self.st.tensor(&full).map_err(|_| ImportError::Missing {
            path: self.shown(),
            name: full.clone(),
            expected: format!("shape {shape:?} ({what})"),
        })?;
        let bad = |expected: String| ImportError::Tensor {
            path: self.shown(),
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
        let data = view.data();
        let values: Vec<f64> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
                .collect(),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                .collect(),
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|b| f32::from_bits(u32::from(u16::from_le_bytes([b[0], b[1]])) << 16) as f64)
                .collect(),
            _ => return Err(bad("dtype F32, F64 or BF16".to_string())),
        };
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

    fn norm(&self, module: &str, h: usize) -> Result<LayerNormWeights, ImportError> {
        Ok(LayerNormWeights {
            gamma: self.vector(&format!("{module}.LayerNorm.weight"), h, "[hidden_size]")?,
            beta: self.vector(&format!("{module}.LayerNorm.bias"), h, "[hidden_size]")?,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.st.tensor(&format!("{}{name}", self.prefix)).is_ok()
    }
}

/// Load a checkpoint (file or directory) with T = `time_steps` unless its config names T.
pub fn load_checkpoint(path: &Path, time_steps: usize) -> Result<Checkpoint, ImportError> {
    let (file, config, tokenizer) = locate(path)?;
    let text = std::fs::read_to_string(&config).map_err(|e| ImportError::io(&config, e))?;
    let dims = parse_config(&config, &text, time_steps)?;
    let bytes = std::fs::read(&file).map_err(|e| ImportError::io(&file, e))?;
    let (weights, alphas, prefix) = parse_weights(&file, &bytes, dims)?;
    Ok(Checkpoint {
        weights,
        alphas,
        safetensors: file,
        config,
        tokenizer,
        prefix,
    })
}

/// The weights (and α, if present) in the bytes of a safetensors file.
#[allow(clippy::type_complexity)]
pub fn parse_weights(
    file: &Path,
    bytes: &[u8],
    dims: BertDims,
) -> Result<(BertWeights, Option<Vec<LayerAlphas>>, String), ImportError> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| ImportError::Safetensors {
        path: file.display().to_string(),
        detail: e.to_string(),
    })?;
    let anchor = "embeddings.word_embeddings.weight";
    let prefix = st
        .names()
        .into_iter()
        .filter_map(|n| n.strip_suffix(anchor).map(str::to_string))
        .min_by_key(String::len)
        .ok_or_else(|| ImportError::Missing {
            path: file.display().to_string(),
            name: format!("[prefix]{anchor}"),
            expected: "a BERT checkpoint in Hugging Face names".to_string(),
        })?;
    let r = Reader {
        st,
        path: file,
        prefix: prefix.clone(),
    };
    let h = dims.hidden;
    let embeddings = Embeddings {
        word: r.matrix(anchor, dims.vocab, h, "[vocab_size, hidden_size]")?,
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
    };
    let mut layers = Vec::with_capacity(dims.layers);
    for l in 0..dims.layers {
        let base = format!("encoder.layer.{l}");
        let mut sites = Vec::new();
        for s in Site::ALL {
            let (dout, din) = dims.site_shape(s);
            let m = format!("{base}.{}", s.hf_module());
            let what = if s == Site::FfnIn {
                "[intermediate_size, hidden_size]"
            } else if s == Site::FfnOut {
                "[hidden_size, intermediate_size]"
            } else {
                "[hidden_size, hidden_size]"
            };
            sites.push(Linear {
                w: r.matrix(&format!("{m}.weight"), dout, din, what)?,
                b: r.vector(&format!("{m}.bias"), dout, "[out_features]")?,
            });
        }
        layers.push(LayerWeights {
            sites,
            attn_norm: r.norm(&format!("{base}.attention.output"), h)?,
            out_norm: r.norm(&format!("{base}.output"), h)?,
        });
    }
    let alphas = read_alphas(&r, &dims)?;
    Ok((
        BertWeights {
            dims,
            embeddings,
            layers,
        },
        alphas,
        prefix,
    ))
}

/// SpikeLM's α tensors, if the checkpoint has any (then it must have all).
fn read_alphas(r: &Reader, dims: &BertDims) -> Result<Option<Vec<LayerAlphas>>, ImportError> {
    let first = format!("encoder.layer.0.{}.act_clip_val.0", Site::Query.hf_module());
    if !r.has(&first) {
        return Ok(None);
    }
    let scalar = |name: String| -> Result<f64, ImportError> {
        let v = r.floats(&name, &[], "a scalar α > 0")?[0];
        if v > 0.0 {
            Ok(v)
        } else {
            Err(ImportError::Tensor {
                path: r.shown(),
                name: format!("{}{name}", r.prefix),
                shape: vec![],
                dtype: format!("value {v}"),
                expected: "α > 0".to_string(),
            })
        }
    };
    let steps = |base: String| -> Result<Vec<f64>, ImportError> {
        (0..dims.time_steps)
            .map(|t| scalar(format!("{base}.{t}")))
            .collect()
    };
    let mut out = Vec::new();
    for l in 0..dims.layers {
        let base = format!("encoder.layer.{l}");
        let sites = Site::ALL
            .iter()
            .map(|s| steps(format!("{base}.{}.act_clip_val", s.hf_module())))
            .collect::<Result<Vec<_>, _>>()?;
        let q = |k: Quantiser| steps(format!("{base}.attention.self.{}", k.hf_name()));
        out.push(LayerAlphas {
            sites,
            key: q(Quantiser::Key)?,
            value: q(Quantiser::Value)?,
        });
    }
    Ok(Some(out))
}
