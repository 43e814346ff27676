//! What one copy of each non-linear unit (the standalone RTL of `src/units/`, not yet in the
//! engine) spends on one encoder layer, from the units' exact cycle models (tested against
//! their RTL without stalls): softmax over every score row (T steps × heads × N rows of N),
//! LayerNorm after attention and after the FFN (2 × T × N rows of H), GELU on every FFN-in
//! output (one per cycle; the 8-cycle fill, `units::gelu::LATENCY`, is left out), and the lane
//! units on the array's drain, C values per beat and a beat per cycle: the K/V quantiser on the
//! key and value sites' outputs and the two residual additions (2 × T × N × ⌈H / C⌉ beats
//! each; their 2- and 4-cycle fills left out). The mean over T runs once per encoder, not per
//! layer, and is not listed. A range, because softmax and LayerNorm normalise by a number of
//! shifts that depends on the data.

use crate::config::{clog2, Params};
use crate::model::encoder::nonlinear::RESIDUAL_BITS;
use crate::units::layernorm::LayerNormRtl;
use crate::units::softmax;
use serde::Serialize;

/// Width of LayerNorm's ε code as the unit is synthesized (its default EW); D's width is set by
/// the inputs for every preset (2 XW − 2 + 2 AB > EW), so the count does not depend on it.
const LAYER_NORM_EPS_BITS: u32 = 40;

/// One unit's work and cycles in one encoder layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPerf {
    pub unit: &'static str,
    /// Rows of the layer (one value each for GELU; beats for the lane units) and their length
    /// (values per beat for the lane units).
    pub rows: u64,
    pub row_len: u64,
    /// A lane unit: `rows` beats of `row_len` values, one beat per cycle.
    pub lanes: bool,
    /// Cycles of one unit without stalls, for the most and the fewest normalising shifts.
    pub cycles_min: u64,
    pub cycles_max: u64,
    /// `cycles_max` against the linear sites' cycles of the same layer on the array: below 1,
    /// one copy beside the array keeps up.
    pub of_linear_sites: f64,
}

/// The units for one encoder layer of `params`, beside `linear_cycles` (the four linear
/// sites' cycles of one layer).
pub fn layer_units(params: &Params, linear_cycles: u64) -> Vec<UnitPerf> {
    let m = params.model();
    let (n, t) = (u64::from(m.seq_len), u64::from(m.time_steps));
    let unit = |unit, rows: u64, row_len: u64, (lo, hi): (u64, u64)| UnitPerf {
        unit,
        rows,
        row_len,
        lanes: false,
        cycles_min: rows * lo,
        cycles_max: rows * hi,
        of_linear_sites: (rows * hi) as f64 / linear_cycles.max(1) as f64,
    };
    let h = u64::from(m.hidden);
    // Beats of one H-wide site output on the drain: T × N rows of ⌈H / C⌉ column blocks.
    let cols = u64::from(params.array().cols);
    let drain_beats = t * n * h.div_ceil(cols);
    let layer_norm = LayerNormRtl {
        xw: RESIDUAL_BITS,
        ew: LAYER_NORM_EPS_BITS,
        ab: clog2(h),
    };
    vec![
        unit(
            "softmax",
            t * u64::from(m.heads) * n,
            n,
            softmax::row_cycles_bounds(n as usize, clog2(n)),
        ),
        unit(
            "LayerNorm",
            2 * t * n,
            h,
            layer_norm.row_cycles_bounds(h as usize),
        ),
        unit("GELU", t * n * u64::from(m.ffn), 1, (1, 1)),
        UnitPerf {
            lanes: true,
            ..unit("K/V quantiser", 2 * drain_beats, cols, (1, 1))
        },
        UnitPerf {
            lanes: true,
            ..unit("residual", 2 * drain_beats, cols, (1, 1))
        },
    ]
}
