//! Every generated unit in one table, in compile order (leaves first, the top last, then the
//! verification checkers, which are written to `formal/` and never synthesized): its
//! Verilog module, role, the engines it is part of, its template, and the reference it is
//! checked against. Each unit's template, model and tests are in its folder `src/units/<unit>/`
//! (the template path names it); its generated text is pinned by `tests/snapshots/`.

use super::unit::{Applies, Unit};

macro_rules! template {
    ($file:literal) => {
        include_str!(concat!("../units/", $file))
    };
}

pub const UNITS: [Unit; 36] = [
    Unit {
        module: "CCU2C",
        role: "Simulation model of the ECP5 CCU2C carry cell (two LUT4 halves with carry), skipped under SYNTHESIS.",
        applies: Applies::Ecp5Ccu2c,
        template: template!("ccu2c/CCU2C.v.tera"),
        reference: "src/units/ccu2c/tests.rs (the adder built from it, exhaustively)",
    },
    Unit {
        module: "MULT18X18D",
        role: "Simulation model of the ECP5 MULT18X18D multiplier with its registers, skipped under SYNTHESIS.",
        applies: Applies::Multiplier,
        template: template!("mult18x18d/MULT18X18D.v.tera"),
        reference: "src/units/mul18/tests.rs (the registered multiplier in its DSP form and its plain form)",
    },
    Unit {
        module: "spikelm_mul18",
        role: "Registered signed multiplier of at most 18 x 18 bits: a MULT18X18D with its input, pipeline and output registers on ECP5 with DSPs, the same registers around a `*` otherwise.",
        applies: Applies::Multiplier,
        template: template!("mul18/spikelm_mul18.v.tera"),
        reference: "src/units/mul18/tests.rs (both forms against integer products)",
    },
    Unit {
        module: "spikelm_delay",
        role: "Delay line of N registers, optionally cleared by a synchronous reset.",
        applies: Applies::All,
        template: template!("delay/spikelm_delay.v.tera"),
        reference: "src/perf/pipeline.rs (the depths it realises)",
    },
    Unit {
        module: "spikelm_rep_reg",
        role: "One register copy of a fanned-out control, kept apart from its siblings in synthesis.",
        applies: Applies::All,
        template: template!("rep_reg/spikelm_rep_reg.v.tera"),
        reference: "src/units/rep_reg/mod.rs (a register, checked through the co-simulation)",
    },
    Unit {
        module: "spikelm_signsel_add",
        role: "Sign-select adder of the ternary PE: x + ((w ^ {neg}) & {en}) + (en & neg), one adder with carry-in.",
        applies: Applies::OutputStationaryTernary,
        template: template!("signsel_add/spikelm_signsel_add.v.tera"),
        reference: "src/units/pe/mod.rs",
    },
    Unit {
        module: "spikelm_amp_shift",
        role: "Amplitude multiplier: a true multiplier (exact) or K shifted power-of-two terms from runtime digit registers (csd:K, pow2).",
        applies: Applies::All,
        template: template!("amp_shift/spikelm_amp_shift.v.tera"),
        reference: "src/model/csd.rs",
    },
    Unit {
        module: "spikelm_neuron",
        role: "Membrane accumulator and ternary comparator: leak/reset mux, full-width U*A product, rounding, saturating add, 2U vs A compare.",
        applies: Applies::Ternary,
        template: template!("neuron/spikelm_neuron.v.tera"),
        reference: "src/units/neuron/mod.rs",
    },
    Unit {
        module: "spikelm_encoder",
        role: "Spike encoder lane: selects the alpha codes of t-1 and t and steps the neuron once per activation beat.",
        applies: Applies::Ternary,
        template: template!("encoder/spikelm_encoder.v.tera"),
        reference: "src/units/neuron/mod.rs",
    },
    Unit {
        module: "spikelm_rate_counters",
        role: "Firing-rate counters: +1, -1 spikes and synaptic additions per time step, 32-bit saturating.",
        applies: Applies::Ternary,
        template: template!("rate_counters/spikelm_rate_counters.v.tera"),
        reference: "src/units/rate_counters/mod.rs",
    },
    Unit {
        module: "spikelm_ram_sdp",
        role: "Simple dual-port memory with synchronous read and read enable (block RAM).",
        applies: Applies::All,
        template: template!("ram_sdp/spikelm_ram_sdp.v.tera"),
        reference: "tests/sim_tiny.rs (storage, checked through the engine co-simulation)",
    },
    Unit {
        module: "spikelm_sbuf",
        role: "Double-buffered spike (int8: activation) buffer: one memory per array row, 2 banks of blocks_per_bank x max_din entries.",
        applies: Applies::All,
        template: template!("sbuf/spikelm_sbuf.v.tera"),
        reference: "tests/sim_tiny.rs (storage, checked through the engine co-simulation)",
    },
    Unit {
        module: "spikelm_wbuf",
        role: "Weight buffer: the weight beat delayed to the spike buffer's read latency, or one column block held in block RAM for a bank's other row blocks.",
        applies: Applies::OutputStationary,
        template: template!("wbuf/spikelm_wbuf.v.tera"),
        reference: "tests/sim_tiny.rs (storage, checked through the engine co-simulation with resident tokens)",
    },
    Unit {
        module: "spikelm_bias_mem",
        role: "Per-column memory (bias, and the scale codes M_t[j]): C banks, entries of WORDS words, written over the CSR bus.",
        applies: Applies::All,
        template: template!("bias_mem/spikelm_bias_mem.v.tera"),
        reference: "tests/sim_tiny.rs (storage, checked through the engine co-simulation)",
    },
    Unit {
        module: "spikelm_pe",
        role: "Processing element: ternary sign-select accumulate (or int8 multiply-accumulate) with shift-up drain.",
        applies: Applies::OutputStationary,
        template: template!("pe/spikelm_pe.v.tera"),
        reference: "src/units/pe/mod.rs",
    },
    Unit {
        module: "spikelm_pe_array",
        role: "R x C output-stationary PE array with registered broadcasts and shift-up drain.",
        applies: Applies::OutputStationary,
        template: template!("pe_array/spikelm_pe_array.v.tera"),
        reference: "src/units/pe/mod.rs",
    },
    Unit {
        module: "spikelm_out_stage",
        role: "Amplitude/bias output stage: Y = sat(R(ACC*M_t, S) + B[j]), two stages, stall-safe enable.",
        applies: Applies::All,
        template: template!("out_stage/spikelm_out_stage.v.tera"),
        reference: "src/units/out_stage/mod.rs",
    },
    Unit {
        module: "spikelm_ws_pe",
        role: "Weight-stationary ternary PE: a double-buffered weight and ps = ps_in + signsel(x, w), one carry chain as wide as its row's sum (CCU2C form: one LUT4 per sum bit) (the weight-stationary engine's).",
        applies: Applies::WeightStationary,
        template: template!("ws_pe/spikelm_ws_pe.v.tera"),
        reference: "src/units/ws_array/mod.rs",
    },
    Unit {
        module: "spikelm_ws_array",
        role: "R x C weight-stationary ternary array: skewed spike lanes, a weight block loaded one row per beat into shadow registers and swapped with the skew, C column sums per vector (the weight-stationary engine's).",
        applies: Applies::WeightStationary,
        template: template!("ws_array/spikelm_ws_array.v.tera"),
        reference: "src/units/ws_array/mod.rs",
    },
    Unit {
        module: "spikelm_col_acc",
        role: "Column accumulators of the weight-stationary array: per vector, the C sums over a reduction's weight blocks in one block-RAM word, read, added and written back, the last block's sums sent out (the weight-stationary engine's).",
        applies: Applies::WeightStationary,
        template: template!("col_acc/spikelm_col_acc.v.tera"),
        reference: "src/units/col_acc/mod.rs",
    },
    Unit {
        module: "spikelm_controller",
        role: "Controller: encode process and compute process (reduce, drain) over the row and column blocks of the layer in LAYER; layer-shape ROM; CYCLES.",
        applies: Applies::All,
        template: template!("controller/spikelm_controller.v.tera"),
        reference: "src/perf/cycles.rs",
    },
    Unit {
        module: "spikelm_csr",
        role: "Register block: CTRL, STATUS, LAYER, TOKENS, OUT_SHIFT, CYCLES, INFO, counters, ALPHA, SCALE, BIAS.",
        applies: Applies::All,
        template: template!("csr/spikelm_csr.v.tera"),
        reference: "src/rtl/regmap.rs",
    },
    Unit {
        module: "spikelm_engine",
        role: "Top level: streams, CSR, controller, encoder, buffers, array, output stage, debug taps.",
        applies: Applies::All,
        template: template!("engine/spikelm_engine.v.tera"),
        reference: "src/model/spike_linear.rs",
    },
    Unit {
        module: "spikelm_sat",
        role: "Signed saturation of a wide value into a narrower width, in one LUT stage (the GELU and LayerNorm units; the engine's neuron and output stage register it in two stages of their own).",
        applies: Applies::Standalone,
        template: template!("sat/spikelm_sat.v.tera"),
        reference: "src/model/fixed.rs",
    },
    Unit {
        module: "spikelm_mul18_ce",
        role: "Registered signed multiplier of at most 18 x 18 bits with a clock enable: a MULT18X18D with its three registers on ECP5 with DSPs, the same registers around a `*` otherwise (the standalone units' products; not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("mul18_ce/spikelm_mul18_ce.v.tera"),
        reference: "src/units/mul18_ce/tests.rs (both forms against integer products under a random enable)",
    },
    Unit {
        module: "spikelm_interp",
        role: "Table lookup with linear interpolation: ROM word {d, v}, v + R(d * frac, FB), four stages under one enable (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("interp/spikelm_interp.v.tera"),
        reference: "src/units/interp/mod.rs",
    },
    Unit {
        module: "spikelm_gelu",
        role: "Exact-form GELU of one code per beat: table over [-4, 4) with interpolation, 0 below, the input above; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("gelu/spikelm_gelu.v.tera"),
        reference: "src/units/gelu/mod.rs",
    },
    Unit {
        module: "spikelm_mul_pipe",
        role: "Pipelined wide signed multiplier: 17-bit limb products (18 x 18 DSP size) between registers, registered adder tree, four cycles (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("mul_pipe/spikelm_mul_pipe.v.tera"),
        reference: "src/units/mul_pipe/tests.rs (exact products at every limb split)",
    },
    Unit {
        module: "spikelm_credit_fifo",
        role: "Output FIFO of a pipeline that never stalls: beats start only while the FIFO has room for all in flight; valid/ready head (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("credit_fifo/spikelm_credit_fifo.v.tera"),
        reference: "src/units/softmax/tests.rs (flow control, checked through the softmax co-simulation under random output stalls)",
    },
    Unit {
        module: "spikelm_softmax",
        role: "Softmax of one row of log2-domain scores with the padding mask: row buffer, max, exp2 and sum, normalise passes, output FIFO; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("softmax/spikelm_softmax.v.tera"),
        reference: "src/units/softmax/mod.rs",
    },
    Unit {
        module: "spikelm_layernorm",
        role: "LayerNorm of one row: row buffer, exact sum and sum of squares, D = H*Q - S^2 + E by shift-and-add, 1/sqrt table, gamma/beta memory with a write port, output FIFO; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("layernorm/spikelm_layernorm.v.tera"),
        reference: "src/units/layernorm/mod.rs",
    },
    Unit {
        module: "spikelm_kv_quant",
        role: "K/V quantiser: the neuron's comparator with no membrane on LANES codes per beat, an alpha code per time step written through a port; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("kv_quant/spikelm_kv_quant.v.tera"),
        reference: "src/model/quantiser.rs",
    },
    Unit {
        module: "spikelm_residual",
        role: "Residual addition of LANES value pairs per beat: both aligned to the residual format, added, saturated; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("residual/spikelm_residual.v.tera"),
        reference: "src/units/residual/mod.rs",
    },
    Unit {
        module: "spikelm_mean_t",
        role: "Mean over the T time steps of LANES values per beat, one beat out per T in: a sum, then a rounding shift (T a power of two) or the product by rne(2^16/T) on registered multipliers; valid/ready (not yet in the engine).",
        applies: Applies::Standalone,
        template: template!("mean_t/spikelm_mean_t.v.tera"),
        reference: "src/units/mean_t/mod.rs",
    },
    Unit {
        module: "spikelm_axis_checker",
        role: "Checker (verification only, formal/): valid held until ready, data and last stable while stalled, no beat after the last.",
        applies: Applies::Checker,
        template: template!("checkers/spikelm_axis_checker.v.tera"),
        reference: "tests/formal_engine.rs (asserted on m_out, assumed on s_act and s_wgt)",
    },
    Unit {
        module: "spikelm_csr_checker",
        role: "Checker (verification only, formal/): the register bus read word is held until the next read.",
        applies: Applies::Checker,
        template: template!("checkers/spikelm_csr_checker.v.tera"),
        reference: "tests/formal_engine.rs (asserted on the register bus)",
    },
];

#[cfg(test)]
mod tests {
    use super::UNITS;
    use crate::rtl::unit::render_for_tests;

    #[test]
    fn every_unit_renders_its_module_for_every_test_configuration() {
        for unit in &UNITS {
            let rendered = render_for_tests(unit);
            assert!(
                !rendered.is_empty(),
                "{} is in no test configuration",
                unit.module
            );
            for (name, text) in rendered {
                let decl = format!("module {} ", unit.module);
                let decl_params = format!("module {} #(", unit.module);
                assert!(
                    text.contains(&decl) || text.contains(&decl_params),
                    "{name}: {} does not declare its module",
                    unit.module
                );
            }
        }
    }

    #[test]
    fn every_reference_file_exists() {
        for unit in &UNITS {
            let path = unit.reference.split(' ').next().unwrap_or("");
            let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            assert!(
                full.is_file(),
                "{}: reference {path} is missing",
                unit.module
            );
        }
    }

    #[test]
    fn module_names_are_unique() {
        let mut names: Vec<&str> = UNITS.iter().map(|u| u.module).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), UNITS.len());
    }
}
