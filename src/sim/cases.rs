//! Named stimulus cases: seeded random runs and directed corner cases (docs/verification.md).

use super::codes::{clamp_alpha, clamp_scale};
use super::rng::SplitMix64;
use super::stimulus::{signed_range, weight_max, LayerStimulus};
use crate::config::{LayerShape, Params, PeKind};
use crate::units::neuron;

/// A stimulus case, selectable by name with `--case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Case {
    /// Seeded random inputs, weights, biases, α and scales; stalls on by default.
    Random,
    /// Every input code 0: no spikes, accumulators 0, outputs = saturated bias.
    ZeroInput,
    /// Inputs −α at every step: every spike −1 (the membrane keeps half its value).
    AllNegative,
    /// Inputs +α at every step: every spike +1 (the membrane resets).
    AllPositive,
    /// Membranes exactly at the firing tie 2U = ±A and one LSB beyond, every time step.
    FiringTie,
    /// Inputs at the extremes of XW with the largest α: membranes run into saturation.
    MembraneSaturation,
    /// Full-scale weights, all-firing spikes, the largest scale, S = 0: outputs saturate both ways.
    OutputSaturation,
    /// Weights only ±(2^(WB-1) - 1) and 0, random inputs.
    WeightExtremes,
    /// Random stimulus under heavy random valid/ready stalls on all three streams.
    Backpressure,
}

impl Case {
    pub const ALL: [Case; 9] = [
        Case::Random,
        Case::ZeroInput,
        Case::AllNegative,
        Case::AllPositive,
        Case::FiringTie,
        Case::MembraneSaturation,
        Case::OutputSaturation,
        Case::WeightExtremes,
        Case::Backpressure,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Case::Random => "random",
            Case::ZeroInput => "zero-input",
            Case::AllNegative => "all-negative",
            Case::AllPositive => "all-positive",
            Case::FiringTie => "firing-tie",
            Case::MembraneSaturation => "membrane-saturation",
            Case::OutputSaturation => "output-saturation",
            Case::WeightExtremes => "weight-extremes",
            Case::Backpressure => "backpressure",
        }
    }

    pub fn from_name(s: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|c| c.name() == s)
    }

    pub fn names() -> String {
        Case::ALL.map(Case::name).join(", ")
    }

    /// Whether the case means anything for this engine (ties and membrane saturation need the
    /// spiking neuron, which the int8_mac baseline does not have).
    pub fn applies(self, params: &Params) -> bool {
        params.array().pe == PeKind::Ternary
            || !matches!(self, Case::FiringTie | Case::MembraneSaturation)
    }

    /// Stall probability per stream and cycle when `--stall` is not given.
    pub fn default_stall(self) -> f64 {
        match self {
            Case::Random => 0.2,
            Case::Backpressure => 0.6,
            _ => 0.0,
        }
    }

    /// The stimulus of this case for one layer run.
    pub fn stimulus(
        self,
        params: &Params,
        layer: LayerShape,
        tokens: usize,
        seed: u64,
    ) -> LayerStimulus {
        let mut s = LayerStimulus::random(params, layer, tokens, seed);
        let mut rng = SplitMix64::new(seed)
            .fork(self.name())
            .fork(layer.kind.name());
        let f = params.format();
        let (xlo, xhi) = signed_range(params.activation_bits());
        let wmax = weight_max(params);
        let int8 = params.array().pe == PeKind::Int8Mac;
        match self {
            Case::Random | Case::Backpressure => {}
            Case::ZeroInput => s.x.fill(0),
            Case::AllNegative => {
                let alpha = s.alpha.clone();
                for ((t, _, _), x) in s.x.indexed_iter_mut() {
                    *x = if int8 { xlo } else { (-alpha[t]).max(xlo) };
                }
            }
            Case::AllPositive => {
                let alpha = s.alpha.clone();
                for ((t, _, _), x) in s.x.indexed_iter_mut() {
                    *x = if int8 { xhi } else { alpha[t].min(xhi) };
                }
            }
            Case::FiringTie => firing_tie(params, &mut s),
            Case::MembraneSaturation => {
                let top = clamp_alpha(params, (1i64 << f.alpha_bits) - 1);
                s.alpha.fill(top);
                for ((t, _, i), x) in s.x.indexed_iter_mut() {
                    *x = match i % 3 {
                        0 => xlo,
                        1 if t % 2 == 0 => xhi,
                        1 => xlo,
                        _ => rng.range(xlo, xhi),
                    };
                }
            }
            Case::OutputSaturation => {
                let alpha = s.alpha.clone();
                for ((t, n, _), x) in s.x.indexed_iter_mut() {
                    let a = if int8 { xhi } else { alpha[t] };
                    *x = if n % 2 == 0 {
                        a.min(xhi)
                    } else {
                        (-a).max(xlo)
                    };
                }
                for ((j, _), w) in s.w.indexed_iter_mut() {
                    *w = if j % 2 == 0 { wmax } else { -wmax };
                }
                s.scale
                    .fill(clamp_scale(params, (1i64 << f.scale_bits) - 1));
                s.out_shift = 0;
                let (blo, bhi) = signed_range(f.output_bits);
                for (j, b) in s.bias.iter_mut().enumerate() {
                    *b = if j % 4 < 2 { bhi / 2 } else { blo / 2 };
                }
            }
            Case::WeightExtremes => {
                s.w.mapv_inplace(|_| match rng.range(0, 4) {
                    0 => 0,
                    1 | 2 => wmax,
                    _ => -wmax,
                });
            }
        }
        s
    }
}

/// Aim every membrane at 2U = ±A (a tie, no spike) or one LSB beyond (a spike), choosing X_t
/// from the leak the membrane carries into step t (the model's own leak and comparator; the
/// expected values still come from the whole model run).
fn firing_tie(params: &Params, s: &mut LayerStimulus) {
    let f = params.format();
    let (xlo, xhi) = signed_range(f.input_bits);
    for a in s.alpha.iter_mut() {
        let even = (*a + 1) & !1;
        *a = clamp_alpha(params, even.max(2));
    }
    let (t_steps, tokens, din) = s.x.dim();
    for n in 0..tokens {
        for i in 0..din {
            let (mut u, mut q) = (0i64, 0i8);
            for t in 0..t_steps {
                let a = s.alpha[t];
                let leak = if t == 0 {
                    0
                } else {
                    neuron::leak(u, q, s.alpha[t - 1], f.frac_bits)
                };
                let target = match (n * din + i + t) % 4 {
                    0 => a / 2,
                    1 => a / 2 + 1,
                    2 => -(a / 2),
                    _ => -(a / 2) - 1,
                };
                let x = (target - leak).clamp(xlo, xhi);
                s.x[[t, n, i]] = x;
                u = leak + x;
                q = neuron::spike(u, a);
            }
        }
    }
}
