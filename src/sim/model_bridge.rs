//! The one place the co-simulation calls the reference model (`crate::model`): expected values
//! of a run, and the digits of α and scale codes.

use super::expected::Expected;
use super::stimulus::LayerStimulus;
use super::SimError;
use crate::config::Params;
use crate::model::{csd, SpikeLinear};
use ndarray::Array1;

/// One register digit of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digit {
    pub nonzero: bool,
    pub negative: bool,
    pub shift: u32,
}

/// The K digits of `code` as the host writes them, `model::csd::digits(code, K)` padded with
/// zero digits.
pub fn code_digits(code: i64, k: u32) -> Vec<Digit> {
    let mut out: Vec<Digit> = csd::digits(code, k)
        .into_iter()
        .map(|d| Digit {
            nonzero: true,
            negative: d.neg,
            shift: d.shift,
        })
        .collect();
    out.resize(
        k as usize,
        Digit {
            nonzero: false,
            negative: false,
            shift: 0,
        },
    );
    out
}

/// `code` rounded to the digit budget of the configured alpha mode.
pub fn effective_code(params: &Params, code: i64) -> i64 {
    csd::effective_code(code, params.format().alpha_mode)
}

/// Run the reference model on `s`.
pub fn expected(params: &Params, s: &LayerStimulus) -> Result<Expected, SimError> {
    let layer = SpikeLinear::new(
        s.w.clone(),
        Array1::from(s.bias.clone()),
        s.alpha.clone(),
        s.scale.clone(),
        s.out_shift,
        params.format(),
    )
    .map_err(|e| SimError::Model(e.to_string()))?;
    let trace = layer
        .run(s.x.view())
        .map_err(|e| SimError::Model(e.to_string()))?;
    let steps = &trace.counters.per_step;
    Ok(Expected {
        mem: trace.u,
        spike: trace.q,
        acc: trace.acc,
        y: trace.y,
        pos_count: steps.iter().map(|c| u64::from(c.pos)).collect(),
        neg_count: steps.iter().map(|c| u64::from(c.neg)).collect(),
        add_count: steps.iter().map(|c| u64::from(c.adds)).collect(),
    })
}
