//! A whole SpikeLM BERT encoder on real weights (docs/arithmetic.md section 1): the six SpikeLinear sites
//! of every layer where the official code puts neurons (query, key, value, attention output,
//! FFN in, FFN out), the K/V quantisers, attention with ternary K and V, softmax, LayerNorm,
//! GELU, residuals and the mean over T.
//!
//! [`float`] is the float SpikeLM forward (and the official α calibration, α_t = 2·mean|u_t|
//! sequentially over t); [`integer`] runs the same layers with the engine's integer arithmetic
//! at every site ([`site::QuantSite`]: neuron, ternary accumulate, per-column amplitude stage) and
//! floats only where the hardware leaves the work to a host ([`host`]); [`stats`] compares them.

pub mod float;
pub mod host;
pub mod integer;
pub mod isolate;
pub mod nonlinear;
pub mod site;
pub mod stats;
pub mod unit_errors;
mod weights;

pub use weights::{BertDims, BertWeights, Embeddings, LayerNormWeights, LayerWeights, Linear};

use serde::{Deserialize, Serialize};

/// The six SpikeLinear sites of one encoder layer, in the order the layer runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    Query,
    Key,
    Value,
    AttnOut,
    FfnIn,
    FfnOut,
}

impl Site {
    pub const ALL: [Site; 6] = [
        Site::Query,
        Site::Key,
        Site::Value,
        Site::AttnOut,
        Site::FfnIn,
        Site::FfnOut,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Site::Query => "query",
            Site::Key => "key",
            Site::Value => "value",
            Site::AttnOut => "attn_out",
            Site::FfnIn => "ffn_in",
            Site::FfnOut => "ffn_out",
        }
    }

    pub fn from_name(s: &str) -> Option<Site> {
        Site::ALL.into_iter().find(|x| x.name() == s)
    }

    /// The module path of the site's linear layer in Hugging Face BERT names, under
    /// `encoder.layer.N.`.
    pub fn hf_module(self) -> &'static str {
        match self {
            Site::Query => "attention.self.query",
            Site::Key => "attention.self.key",
            Site::Value => "attention.self.value",
            Site::AttnOut => "attention.output.dense",
            Site::FfnIn => "intermediate.dense",
            Site::FfnOut => "output.dense",
        }
    }

    pub fn index(self) -> usize {
        Site::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }
}

/// The two memoryless quantisers after the K and V projections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantiser {
    Key,
    Value,
}

impl Quantiser {
    pub const ALL: [Quantiser; 2] = [Quantiser::Key, Quantiser::Value];

    pub fn name(self) -> &'static str {
        match self {
            Quantiser::Key => "key_quantiser",
            Quantiser::Value => "value_quantiser",
        }
    }

    /// The site whose output it quantises.
    pub fn site(self) -> Site {
        match self {
            Quantiser::Key => Site::Key,
            Quantiser::Value => Site::Value,
        }
    }

    /// SpikeLM's parameter list of α per t, under `encoder.layer.N.attention.self.`.
    pub fn hf_name(self) -> &'static str {
        match self {
            Quantiser::Key => "clip_key",
            Quantiser::Value => "clip_value",
        }
    }
}

/// α per time step of every spike site and quantiser of one layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerAlphas {
    /// Indexed by [`Site::index`].
    pub sites: Vec<Vec<f64>>,
    pub key: Vec<f64>,
    pub value: Vec<f64>,
}

impl LayerAlphas {
    pub fn site(&self, s: Site) -> &[f64] {
        &self.sites[s.index()]
    }
    pub fn quantiser(&self, q: Quantiser) -> &[f64] {
        match q {
            Quantiser::Key => &self.key,
            Quantiser::Value => &self.value,
        }
    }
}

/// Tokens of several sequences laid end to end (no padding): `ids[segments[k]]` is sequence k.
/// Token-wise work runs over all of them at once; attention stays inside each sequence, which is
/// exactly what a padding mask does to a padded batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
    /// Position of each token within its sequence.
    pub positions: Vec<usize>,
    pub segments: Vec<std::ops::Range<usize>>,
}

impl Batch {
    /// Lay token sequences end to end (token type 0 everywhere).
    pub fn from_sequences(seqs: &[Vec<u32>]) -> Self {
        let mut b = Batch {
            ids: Vec::new(),
            type_ids: Vec::new(),
            positions: Vec::new(),
            segments: Vec::new(),
        };
        for s in seqs.iter().filter(|s| !s.is_empty()) {
            let start = b.ids.len();
            b.ids.extend_from_slice(s);
            b.type_ids.extend(std::iter::repeat_n(0, s.len()));
            b.positions.extend(0..s.len());
            b.segments.push(start..b.ids.len());
        }
        b
    }

    pub fn tokens(&self) -> usize {
        self.ids.len()
    }
}

/// Errors of the encoder model, each naming what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncoderError {
    #[error("{0}")]
    Model(#[from] crate::model::ModelError),
    #[error(
        "token {what} {value} at position {index} is outside the embedding table of {size} rows"
    )]
    Token {
        what: &'static str,
        value: usize,
        index: usize,
        size: usize,
    },
    #[error("{0}")]
    Shape(String),
}
