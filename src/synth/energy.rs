//! Energy per synaptic operation under the conventions SNN papers (SpikeLM among them) use.
//! These are operation-count conventions at 45 nm, not measurements of the FPGA: they price an
//! accumulate (the ternary PE's work) and a multiply-accumulate (the INT8 PE's work).

use crate::config::PeKind;
use serde::Serialize;

/// Source of every constant below.
pub const HOROWITZ_2014: &str = "M. Horowitz, \"Computing's energy problem (and what we can do \
     about it)\", ISSCC 2014, 45 nm figures";

/// 32-bit floating-point add (the "AC" of SNN papers), pJ.
pub const E_AC_FP32_PJ: f64 = 0.9;
/// 32-bit floating-point multiply (3.7 pJ) plus add (0.9 pJ): the "MAC" of SNN papers, pJ.
pub const E_MAC_FP32_PJ: f64 = 4.6;
/// 8-bit integer add, pJ.
pub const E_ADD_INT8_PJ: f64 = 0.03;
/// 8-bit integer multiply, pJ.
pub const E_MUL_INT8_PJ: f64 = 0.2;

/// One energy figure with its convention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyFigure {
    pub convention: String,
    pub definition: String,
    pub pj_per_op: f64,
    /// pJ/op × peak ops/s, when Fmax is known.
    pub watts_at_peak: Option<f64>,
    pub source: &'static str,
}

/// The figures for one PE kind: a ternary synaptic operation is one accumulate, an INT8 one a
/// multiply plus an accumulate.
pub fn figures(pe: PeKind, peak_ops_per_s: Option<f64>) -> Vec<EnergyFigure> {
    let (fp, fp_def, int, int_def) = match pe {
        PeKind::Ternary => (
            E_AC_FP32_PJ,
            "one accumulate per synaptic op, E_AC = 0.9 pJ (32-bit FP add, 45 nm)",
            E_ADD_INT8_PJ,
            "one 8-bit add per synaptic op, 0.03 pJ (45 nm)",
        ),
        PeKind::Int8Mac => (
            E_MAC_FP32_PJ,
            "one multiply-accumulate per op, E_MAC = 4.6 pJ (32-bit FP, 45 nm)",
            E_MUL_INT8_PJ + E_ADD_INT8_PJ,
            "8-bit multiply 0.2 pJ + 8-bit add 0.03 pJ per op (45 nm)",
        ),
    };
    let watts = |pj: f64| peak_ops_per_s.map(|r| pj * 1e-12 * r);
    vec![
        EnergyFigure {
            convention: "SNN-paper FP32 (E_AC/E_MAC)".into(),
            definition: fp_def.into(),
            pj_per_op: fp,
            watts_at_peak: watts(fp),
            source: HOROWITZ_2014,
        },
        EnergyFigure {
            convention: "8-bit integer".into(),
            definition: int_def.into(),
            pj_per_op: (int * 1000.0).round() / 1000.0,
            watts_at_peak: watts(int),
            source: HOROWITZ_2014,
        },
    ]
}
