//! Where the co-simulation runs the reference model (`crate::model`): the expected values of a
//! run. (The digits of α and scale codes come from `model::csd` through `codes`.)

use super::expected::Expected;
use super::stimulus::LayerStimulus;
use super::SimError;
use crate::config::{Params, PeKind};
use crate::model::{Int8Mac, SpikeLinear};
use ndarray::{Array1, Array3, Axis};

/// Run the reference model on `s`.
pub fn expected(params: &Params, s: &LayerStimulus) -> Result<Expected, SimError> {
    if params.array().pe == PeKind::Int8Mac {
        return expected_int8(params, s);
    }
    let layer = SpikeLinear::with_column_scales(
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

/// The int8_mac baseline: `model::Int8Mac` with the time-step-0 column scales. Its debug taps echo the
/// activation (dbg_spike = 0, dbg_mem = the INT8 value sign-extended) and it has no spike
/// counters, so those are expected as zero.
fn expected_int8(params: &Params, s: &LayerStimulus) -> Result<Expected, SimError> {
    let layer = Int8Mac::with_column_scales(
        s.w.clone(),
        Array1::from(s.bias.clone()),
        s.scale.row(0).to_vec(),
        s.out_shift,
        params.format(),
    )
    .map_err(|e| SimError::Model(e.to_string()))?;
    let trace = layer
        .run(s.x.index_axis(Axis(0), 0))
        .map_err(|e| SimError::Model(e.to_string()))?;
    let steps = params.model().time_steps as usize;
    Ok(Expected {
        mem: s.x.clone(),
        spike: Array3::zeros(s.x.dim()),
        acc: trace.acc.insert_axis(Axis(0)),
        y: trace.y.insert_axis(Axis(0)),
        pos_count: vec![0; steps],
        neg_count: vec![0; steps],
        add_count: vec![0; steps],
    })
}
