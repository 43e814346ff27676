//! The attention products of one encoder layer on the engine's array: an **estimate of a
//! schedule the RTL does not have yet** (issue 13 item 1), in the linear sites' loop form, so
//! that a whole layer's PE utilisation can be read before it is built.
//!
//! SpikeLM's K and V are ternary spikes, so both products are sign-select sums, the PE's
//! operation, with the spikes as the row operand and multi-bit values streamed as the column
//! operand (the weights' place), one pass per head and time step:
//! - Q·Kᵀ: rows the N keys' spikes, columns the N queries' Q values, reduction over d_head;
//! - P·V: rows the d_head features of V's spikes, columns the N queries' probabilities,
//!   reduction over the N keys.
//!
//! Each pass is ⌈rows / R⌉ · ⌈columns / C⌉ blocks of (reduction + P + R) cycles: reduction
//! steps, the array pipeline ([`pipeline::array_pipe`]) and the drain, as the linear sites'
//! column blocks take them (`perf::cycles`). The INT8 twin runs the same products once per
//! head (T = 1) with multiply-accumulate PEs. Not modelled: where Q, K, V and P are held and
//! how they reach the array, the overlap of passes, the softmax between the products.

use crate::config::Params;
use crate::perf::pipeline;
use serde::Serialize;

/// One product over one encoder layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductPerf {
    pub product: &'static str,
    /// Passes per layer (heads × T; heads for INT8) and the shape of one.
    pub passes: u64,
    pub rows: u64,
    pub cols: u64,
    pub reduction: u64,
    pub cycles: u64,
    /// passes · rows · cols · reduction.
    pub useful_pe_cycles: u64,
    pub utilisation: f64,
}

/// Both products of one layer, and the layer's PE utilisation with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerAttention {
    pub products: Vec<ProductPerf>,
    /// The four linear sites (the exact cycle model) and the two products (this estimate).
    pub layer_cycles: u64,
    pub layer_utilisation: f64,
}

/// The products of one layer of `params` on its array, beside the linear sites' `linear_cycles`
/// and `linear_useful` PE-cycles of one layer.
pub fn layer_attention(params: &Params, linear_cycles: u64, linear_useful: u64) -> LayerAttention {
    let (m, a) = (params.model(), params.array());
    let (r, c) = (u64::from(a.rows), u64::from(a.cols));
    let (n, heads) = (u64::from(m.seq_len), u64::from(m.heads));
    let d_head = u64::from(m.hidden) / heads;
    let passes = heads * params.input_steps() as u64;
    let pipe = pipeline::array_pipe(params);
    let product = |product, rows: u64, cols: u64, reduction: u64| {
        let cycles = passes * rows.div_ceil(r) * cols.div_ceil(c) * (reduction + pipe + r);
        let useful = passes * rows * cols * reduction;
        ProductPerf {
            product,
            passes,
            rows,
            cols,
            reduction,
            cycles,
            useful_pe_cycles: useful,
            utilisation: useful as f64 / (cycles * r * c) as f64,
        }
    };
    let products = vec![product("Q·Kᵀ", n, n, d_head), product("P·V", d_head, n, n)];
    let layer_cycles = linear_cycles + products.iter().map(|p| p.cycles).sum::<u64>();
    let useful = linear_useful + products.iter().map(|p| p.useful_pe_cycles).sum::<u64>();
    LayerAttention {
        products,
        layer_cycles,
        layer_utilisation: useful as f64 / (layer_cycles * r * c) as f64,
    }
}
