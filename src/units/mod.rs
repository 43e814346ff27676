//! The hardware units, one folder each: `src/units/<unit>/` holds the unit's template
//! (`<module>.v.tera`), its reference model or, when it has none of its own, a short `mod.rs`
//! saying what it is checked against, and its unit tests (`tests.rs`: the model's tests and the
//! unit's RTL tests under Icarus, which need `iverilog` on the PATH).
//!
//! The list of units, their compile order and the engines they belong to is one table,
//! `src/rtl/units.rs`; `docs/adding-a-unit.md` lists the files to touch to add one. Whole-engine
//! checks stay in `tests/`: co-simulation (`sim_*.rs`), lint (`rtl_lint.rs`), snapshots
//! (`rtl_snapshots.rs`), formal (`formal_ccu2c.rs`).

pub mod amp_shift;
pub mod bias_mem;
pub mod ccu2c;
pub mod checkers;
pub mod col_acc;
pub mod controller;
pub mod credit_fifo;
pub mod csr;
pub mod delay;
pub mod encoder;
pub mod engine;
pub mod gelu;
pub mod interp;
pub mod kv_quant;
pub mod layernorm;
pub mod mean_t;
pub mod mul18;
pub mod mul18_ce;
pub mod mul_pipe;
pub mod mult18x18d;
pub mod neuron;
pub mod out_stage;
pub mod pe;
pub mod pe_array;
pub mod ram_sdp;
pub mod rate_counters;
pub mod rep_reg;
pub mod residual;
pub mod sat;
pub mod sbuf;
pub mod signsel_add;
pub mod softmax;
pub mod wbuf;
pub mod ws_array;
pub mod ws_pe;

#[cfg(test)]
pub(crate) mod testbench;
