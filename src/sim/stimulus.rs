//! One run's stimulus: what the host writes into the engine's registers and streams.

use super::codes;
use super::rng::SplitMix64;
use crate::config::{LayerShape, Params, PeKind};
use ndarray::{Array2, Array3};

/// Everything one START of the engine consumes, in the reference model's layout.
#[derive(Debug, Clone)]
pub struct LayerStimulus {
    pub layer: LayerShape,
    /// Tokens N of this run (a multiple of tokens per row block).
    pub tokens: usize,
    /// Input codes X_t[n][i], shape [T, N, Din], each within XW signed bits (int8_mac: [1, N, Din]
    /// INT8 activations).
    pub x: Array3<i64>,
    /// Weights W[j][i], shape [Dout, Din], each within ±(2^(WB-1) - 1).
    pub w: Array2<i64>,
    /// Bias B[j] in the output format, YW signed bits.
    pub bias: Vec<i64>,
    /// α codes A_t (exact, or representable in the configured digits).
    pub alpha: Vec<i64>,
    /// Output scale codes M_t[j], [T, Dout] (docs/arithmetic.md, "Per-column scale"); the
    /// int8_mac baseline uses row 0.
    pub scale: Array2<i64>,
    /// Output shift S.
    pub out_shift: u32,
}

/// Signed range of a `bits`-wide two's-complement value.
pub fn signed_range(bits: u32) -> (i64, i64) {
    let half = 1i64 << (bits - 1);
    (-half, half - 1)
}

/// Largest weight magnitude: the symmetric range ±(2^(WB-1) - 1).
pub fn weight_max(params: &Params) -> i64 {
    (1i64 << (params.format().weight_bits - 1)) - 1
}

impl LayerStimulus {
    /// An all-zero stimulus of the right shape with α = 1.0, M = 1.0 (in F fractional bits), S = F.
    pub fn blank(params: &Params, layer: LayerShape, tokens: usize) -> Self {
        let t = params.model().time_steps as usize;
        let f = params.format();
        let one_alpha = codes::clamp_alpha(params, 1i64 << f.frac_bits.min(f.alpha_bits - 1));
        let one_scale = codes::clamp_scale(params, 1i64 << f.frac_bits.min(f.scale_bits - 1));
        LayerStimulus {
            layer,
            tokens,
            x: Array3::zeros((params.input_steps(), tokens, layer.din as usize)),
            w: Array2::zeros((layer.dout as usize, layer.din as usize)),
            bias: vec![0; layer.dout as usize],
            alpha: vec![one_alpha; t],
            scale: Array2::from_elem((t, layer.dout as usize), one_scale),
            out_shift: f.frac_bits.min(f.scale_bits - 1),
        }
    }

    /// Seeded random stimulus with realistic firing: α near 1.0, inputs mostly within ±1.5 α,
    /// a few at the extremes of XW, uniform weights, moderate biases (one column in 16 at an end
    /// of YW, so some outputs saturate both ways), a random scale code per
    /// time step and column, an output shift chosen so most outputs stay inside YW.
    pub fn random(params: &Params, layer: LayerShape, tokens: usize, seed: u64) -> Self {
        let root = SplitMix64::new(seed).fork(layer.kind.name());
        let f = params.format();
        let mut s = Self::blank(params, layer, tokens);
        let mut rng = root.fork("alpha");
        let one = 1i64 << f.frac_bits;
        for a in s.alpha.iter_mut() {
            *a = codes::clamp_alpha(params, rng.range((one / 2).max(1), 2 * one));
        }
        let mut rng = root.fork("scale");
        let scale_hi = (1i64 << f.scale_bits) - 1;
        for m in s.scale.iter_mut() {
            *m = codes::clamp_scale(params, rng.range((scale_hi / 8).max(1), scale_hi));
        }
        let (xlo, xhi) = signed_range(params.activation_bits());
        let int8 = params.array().pe == PeKind::Int8Mac;
        let mut rng = root.fork("x");
        let alphas = s.alpha.clone();
        for ((t, _, _), x) in s.x.indexed_iter_mut() {
            let a = alphas[t];
            *x = if int8 {
                if rng.chance(0.1) {
                    0
                } else {
                    rng.range(xlo, xhi)
                }
            } else if rng.chance(0.04) {
                rng.range(xlo, xhi)
            } else if rng.chance(0.04) {
                0
            } else {
                rng.range(-(3 * a) / 2, (3 * a) / 2).clamp(xlo, xhi)
            };
        }
        let wmax = weight_max(params);
        let mut rng = root.fork("w");
        s.w.mapv_inplace(|_| rng.range(-wmax, wmax));
        let (blo, bhi) = signed_range(f.output_bits);
        let mut rng = root.fork("bias");
        for b in s.bias.iter_mut() {
            *b = rng.range(blo / 4, bhi / 4);
        }
        // One column in 16 gets a bias at an end of YW, so the amplitude stage saturates in
        // both directions in every random run (its clamp and its overflow test are exercised
        // without the directed output-saturation case).
        let mut rng = root.fork("bias-extremes");
        for b in s.bias.iter_mut() {
            if rng.chance(1.0 / 16.0) {
                *b = if rng.chance(0.5) { bhi } else { blo };
            }
        }
        s.out_shift = typical_out_shift(params, layer);
        s
    }
}

/// An output shift that keeps a typical |ACC·M| (about √Din·wmax, ×|x| for INT8, M near 2^MBW) a few bits
/// inside YW, so random runs exercise both ordinary and saturated outputs.
pub fn typical_out_shift(params: &Params, layer: LayerShape) -> u32 {
    let f = params.format();
    let activation_bits = match params.array().pe {
        PeKind::Ternary => 0,
        PeKind::Int8Mac => 6,
    };
    let acc_typ_bits = (64 - (weight_max(params) as u64).leading_zeros())
        + (64 - (layer.din as u64).leading_zeros()).div_ceil(2)
        + activation_bits;
    let product_bits = acc_typ_bits + f.scale_bits;
    let max_shift = params.derived.acc_bits + f.scale_bits;
    product_bits
        .saturating_sub(f.output_bits.saturating_sub(3))
        .min(max_shift)
        .min((1 << params.derived.out_shift_bits) - 1)
}
