//! Per-layer cosines with every layer given the float forward's own layer input, so that a
//! layer is judged by its own error and not by the spike flips every earlier layer carried in
//! (the end-to-end cosine compounds them: docs/import.md, "Why the end-to-end cosine falls").
//! The loss of one layer is split into weight quantisation (a float layer with the package's
//! quantised weights) and the hardware arithmetic (the integer layer against that float layer).

use super::float::{self, LayerTrace};
use super::integer::{self, QuantLayer};
use super::nonlinear::{mean_of_hidden, Tables};
use super::stats::hidden_cosines;
use super::{host, Batch, BertWeights, EncoderError, LayerAlphas, LayerWeights, Site};
use ndarray::ArrayView3;
use serde::Serialize;

/// Hidden-state cosines (mean over T, all tokens) of one layer given the float layer input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LayerCosines {
    /// The integer layer against the float layer.
    pub integer: f64,
    /// The float layer with the package's quantised weights against the float layer: the loss
    /// of weight quantisation alone.
    pub weights_only: f64,
    /// The integer layer against the float layer with the same quantised weights: the loss of
    /// the hardware's arithmetic alone (neurons, amplitude stage, K/V α codes, attention
    /// products, softmax, LayerNorm, GELU, residuals, mean over T).
    pub arithmetic_only: f64,
}

/// The float layer weights with every site's weights replaced by the package's, dequantised.
pub fn quantised_weights(lw: &LayerWeights, ql: &QuantLayer) -> LayerWeights {
    let mut out = lw.clone();
    for s in Site::ALL {
        out.sites[s.index()].w = ql.site(s).dequantised_weights();
    }
    out
}

/// [`LayerCosines`] of every layer of `float` (the float forward's traces, layer by layer).
pub fn given_float_input(
    weights: &BertWeights,
    quant: &[QuantLayer],
    alphas: &[LayerAlphas],
    batch: &Batch,
    float: &[LayerTrace],
) -> Result<Vec<LayerCosines>, EncoderError> {
    let tables = Tables::new();
    let dims = &weights.dims;
    let mut input = float::embed(weights, batch)?;
    let mut out = Vec::with_capacity(float.len());
    for (((lw, ql), la), fl) in weights.layers.iter().zip(quant).zip(alphas).zip(float) {
        let (it, _) = integer::layer(
            lw,
            ql,
            &integer::hidden_codes(input.view()),
            batch,
            dims,
            &tables,
        )?;
        let wq = float::layer(&quantised_weights(lw, ql), la, input, batch, dims)?;
        let fm = |x: ArrayView3<f64>| host::mean_over_steps(x);
        let (im, qm, rm) = (
            mean_of_hidden(it.output.view()),
            fm(wq.output.view()),
            fm(fl.output.view()),
        );
        out.push(LayerCosines {
            integer: hidden_cosines(im.view(), rm.view()).0,
            weights_only: hidden_cosines(qm.view(), rm.view()).0,
            arithmetic_only: hidden_cosines(im.view(), qm.view()).0,
        });
        input = fl.output.clone();
    }
    Ok(out)
}
