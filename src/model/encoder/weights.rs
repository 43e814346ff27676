//! Float weights of a BERT encoder, as a checkpoint holds them (weights [Dout, Din]).

use super::Site;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// The dimensions read from a checkpoint's `config.json`, plus SpikeLM's T.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BertDims {
    pub layers: usize,
    pub hidden: usize,
    pub heads: usize,
    pub ffn: usize,
    pub vocab: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub layer_norm_eps: f64,
    pub time_steps: usize,
}

impl BertDims {
    pub fn head_dim(&self) -> usize {
        self.hidden / self.heads.max(1)
    }

    /// (Dout, Din) of a site's weight.
    pub fn site_shape(&self, s: Site) -> (usize, usize) {
        match s {
            Site::FfnIn => (self.ffn, self.hidden),
            Site::FfnOut => (self.hidden, self.ffn),
            _ => (self.hidden, self.hidden),
        }
    }
}

/// y = W x + b with W [Dout, Din].
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayerNormWeights {
    pub gamma: Array1<f64>,
    pub beta: Array1<f64>,
}

/// One encoder layer: the six sites (indexed by [`Site::index`]) and the two LayerNorms.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerWeights {
    pub sites: Vec<Linear>,
    pub attn_norm: LayerNormWeights,
    pub out_norm: LayerNormWeights,
}

impl LayerWeights {
    pub fn site(&self, s: Site) -> &Linear {
        &self.sites[s.index()]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Embeddings {
    pub word: Array2<f64>,
    pub position: Array2<f64>,
    pub token_type: Array2<f64>,
    pub norm: LayerNormWeights,
}

/// Everything of a BERT encoder the forward passes need.
#[derive(Debug, Clone, PartialEq)]
pub struct BertWeights {
    pub dims: BertDims,
    pub embeddings: Embeddings,
    pub layers: Vec<LayerWeights>,
}
