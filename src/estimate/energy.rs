//! Energy conventions used by SpikeLM-style papers, each number labelled with its source.
//!
//! Compute energies are the constants of `synth::energy` (M. Horowitz, "Computing's energy
//! problem (and what we can do about it)", ISSCC 2014, 45 nm). Memory, same source, per 64-bit
//! access: 8 KB SRAM 10 pJ, DRAM 1.3–2.6 nJ (the lower bound is used here).

use crate::synth::energy::{E_AC_FP32_PJ, E_ADD_INT8_PJ, E_MAC_FP32_PJ, E_MUL_INT8_PJ};
use serde::Serialize;

/// One way of pricing operations and memory traffic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Convention {
    pub name: &'static str,
    pub source: &'static str,
    /// Energy of one accumulate (addition), pJ.
    pub e_ac_pj: f64,
    /// Energy of one multiply-accumulate, pJ.
    pub e_mac_pj: f64,
}

/// 45 nm, 32-bit float operations: E_AC = 0.9 pJ, E_MAC = 4.6 pJ.
pub const FP32_45NM: Convention = Convention {
    name: "45nm-fp32 (E_AC 0.9 pJ, E_MAC 4.6 pJ)",
    source: "Horowitz, ISSCC 2014",
    e_ac_pj: E_AC_FP32_PJ,
    e_mac_pj: E_MAC_FP32_PJ,
};

/// 45 nm, 8-bit integer operations: add 0.03 pJ, MAC = multiply 0.2 + add 0.03 pJ.
pub const INT8_45NM: Convention = Convention {
    name: "45nm-int8 (add 0.03 pJ, mult 0.2 pJ)",
    source: "Horowitz, ISSCC 2014",
    e_ac_pj: E_ADD_INT8_PJ,
    e_mac_pj: E_MUL_INT8_PJ + E_ADD_INT8_PJ,
};

pub const CONVENTIONS: [Convention; 2] = [FP32_45NM, INT8_45NM];

/// Off-chip (DRAM) energy per bit: 1.3 nJ per 64-bit access.
pub const DRAM_PJ_PER_BIT: f64 = 1300.0 / 64.0;
/// On-chip (8 KB SRAM) energy per bit: 10 pJ per 64-bit access.
pub const SRAM_PJ_PER_BIT: f64 = 10.0 / 64.0;
