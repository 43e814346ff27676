//! Cycle model of the engine's schedule (docs/engine.md, docs/rtl.md): equals the CYCLES
//! register (START write to DONE) exactly when every stream is always valid and ready.
//!
//! Row blocks of TPR tokens are grouped into banks of up to G = `blocks_per_bank` blocks
//! ([`super::order::Blocks`]). With `n_b` blocks in bank `b`, `E_b = n_b·TPR·Din / PL` encode
//! cycles (one activation beat per cycle, carrying PL = `encoder_lanes` (token, input) pairs of
//! T codes each) and `K_b =
//! NCB·n_b·(Din + P + R)` compute cycles (`NCB = Dout / C` column blocks, each block of the
//! bank Din reduction steps, P = [`pipeline::array_pipe`] cycles for the array pipeline and R drain beats), bank
//! `b` (cycle 0 = START reaching the controller, S = [`pipeline::START_STAGES`] cycles after
//! its write):
//!
//! ```text
//! enc_start[0] = 1
//! enc_start[b] = max(enc_end[b-1], free[b-2] + 1) + 1    free[-1] = 0 (a freed bank is
//!                                                         released one cycle later)
//! enc_end[b]   = enc_start[b] + E_b - 1
//! wait[b]      = 1 if b = 0 else free[b-1] + 1             (controller polls for a full bank)
//! red_start[b] = max(wait[b], enc_end[b] + 1 + L) + 1      L = pipeline::encoder_latency
//! free[b]      = red_start[b] + K_b - 1                    (last drain beat of the bank)
//! CYCLES       = S + free[banks-1] + D                     D = pipeline::done_latency
//! ```
//!
//! The weight-stationary engine (`array.dataflow = weight_stationary`) has the same bank
//! recurrence with its own compute: the bank's first weight block loads (R cycles, and one
//! for the registered end of the loads), then per column block ⌈Din / R⌉ slots of [`ws_slot`]
//! cycles, each issuing the bank's M = n_b·R vectors while the next block loads, so
//! `K_b = R + 1 + NCB·⌈Din / R⌉·P_b`; `free[b]` is the last slot's
//! last cycle, and the run ends with the last vector (issued `P − M` cycles before it) through
//! [`pipeline::ws_issue_to_drain`] and D.

use super::order::Blocks;
use super::pipeline;
use crate::config::{Dataflow, LayerKind, Params, PeKind};
use serde::Serialize;

/// The schedule of one layer run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSchedule {
    pub layer: LayerKind,
    pub tokens: u32,
    pub din: u32,
    pub dout: u32,
    pub row_blocks: u64,
    /// Spike-buffer banks: one weight-stream pass over every column block each.
    pub banks: u64,
    pub col_blocks: u64,
    /// Beats of each stream over the run.
    pub act_beats: u64,
    pub wgt_beats: u64,
    pub out_beats: u64,
    /// Encode cycles of a full bank.
    pub encode_per_bank: u64,
    /// Compute cycles of a full bank (reduce + pipeline + drain, every block and column block).
    pub compute_per_bank: u64,
    /// START write to DONE.
    pub cycles: u64,
    /// Cycles in which a reduction step enters the array.
    pub array_busy: u64,
    /// PE-cycles doing useful work: tokens · ET · Din · Dout.
    pub useful_pe_cycles: u64,
    /// useful_pe_cycles / (cycles · R · C).
    pub utilisation: f64,
    /// Steady state, encoding hidden: Din / (Din + P + R).
    pub steady_utilisation: f64,
}

/// Weight-stationary engine: cycles of one weight-block slot with `vectors` vectors, max(M,
/// 2R + VD) + 1: the next block's R rows load from slot cycle R + VD (the array's beat
/// contract counts from this block's first vector, which reaches the array VD =
/// [`pipeline::WS_VECTOR_DELAY`] cycles after its issue) and end before the next slot; the
/// column accumulators' visit gap is shorter; and the slot's end is registered (+ 1).
pub fn ws_slot(params: &Params, vectors: u64) -> u64 {
    let r = params.array().rows as u64;
    vectors
        .max(pipeline::ws_min_slot(r))
        .max(crate::units::col_acc::VISIT_GAP as u64)
        + 1
}

/// TOKENS as the engine's register stores it: 0 or more than seq_len means seq_len.
pub fn effective_tokens(params: &Params, tokens: u32) -> u32 {
    let seq = params.model().seq_len;
    if tokens == 0 || tokens > seq {
        seq
    } else {
        tokens
    }
}

/// The full schedule of a run of `layer` over `tokens` tokens.
pub fn layer_schedule(params: &Params, layer: LayerKind, tokens: u32) -> LayerSchedule {
    let a = params.array();
    let shape = params.derived.shape(layer);
    let tokens = effective_tokens(params, tokens);
    let (r, c) = (a.rows as u64, a.cols as u64);
    let et = match a.pe {
        PeKind::Ternary => params.model().time_steps as u64,
        PeKind::Int8Mac => 1,
    };
    let tpr = params.derived.tokens_per_row_block as u64;
    let din = shape.din as u64;
    let ncb = shape.dout as u64 / c;
    let blocks = Blocks::of(params, tokens as usize);
    let lanes = params.derived.encoder_lanes as u64;
    let encode = |n: u64| n * tpr * din / lanes;
    let pipe = pipeline::array_pipe(params);
    let ws = a.dataflow == Dataflow::WeightStationary;
    let weight_blocks = din.div_ceil(r);
    let compute = |n: u64| {
        if ws {
            r + 1 + ncb * weight_blocks * ws_slot(params, n * r)
        } else {
            ncb * n * (din + pipe + r)
        }
    };
    let enc_lat = pipeline::encoder_latency(params);

    let banks = blocks.banks();
    let mut enc_end: Vec<u64> = Vec::with_capacity(banks);
    let mut free: Vec<u64> = Vec::with_capacity(banks);
    for b in 0..banks {
        let n = blocks.in_bank(b) as u64;
        let enc_start = if b == 0 {
            1
        } else {
            let prev_free = if b >= 2 { free[b - 2] + 1 } else { 0 };
            enc_end[b - 1].max(prev_free) + 1
        };
        enc_end.push(enc_start + encode(n) - 1);
        let wait = if b == 0 { 1 } else { free[b - 1] + 1 };
        let red_start = wait.max(enc_end[b] + 1 + enc_lat) + 1;
        free.push(red_start + compute(n) - 1);
    }
    // The run's last drain beat: the last bank's last (for the weight-stationary engine, the
    // last vector's, issued P - M cycles before its slot ends, through the array).
    let last_drain = free.last().copied().unwrap_or(0)
        + if ws {
            let m = blocks.in_bank(banks - 1) as u64 * r;
            pipeline::ws_issue_to_drain(params) - (ws_slot(params, m) - m)
        } else {
            0
        };
    let cycles = pipeline::START_STAGES + last_drain + pipeline::done_latency(params);
    let nrb = blocks.blocks as u64;
    let useful = nrb * tpr * et * din * shape.dout as u64;
    let per_bank = blocks.per_bank as u64;
    LayerSchedule {
        layer,
        tokens,
        din: shape.din,
        dout: shape.dout,
        row_blocks: nrb,
        banks: banks as u64,
        col_blocks: ncb,
        act_beats: encode(nrb),
        wgt_beats: banks as u64 * ncb * din,
        out_beats: nrb * ncb * r,
        encode_per_bank: encode(per_bank),
        compute_per_bank: compute(per_bank),
        cycles,
        array_busy: if ws {
            nrb * r * ncb * weight_blocks
        } else {
            nrb * ncb * din
        },
        useful_pe_cycles: useful,
        utilisation: useful as f64 / (cycles as f64 * (r * c) as f64),
        steady_utilisation: if ws {
            let m = per_bank * r;
            (din * m) as f64 / ((weight_blocks * r) * ws_slot(params, m)) as f64
        } else {
            din as f64 / (din + pipe + r) as f64
        },
    }
}

/// START write to DONE, in clock cycles, with every stream always valid and ready.
pub fn layer_cycles(params: &Params, layer: LayerKind, tokens: u32) -> u64 {
    layer_schedule(params, layer, tokens).cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(preset: &str, sets: &[&str]) -> Params {
        let s: Vec<String> = sets.iter().map(|x| x.to_string()).collect();
        Params::load(preset, None, &s).unwrap()
    }

    #[test]
    fn one_row_block_is_encode_then_compute() {
        let p = params("spikelm-bert-tiny", &[]);
        // tiny, 8x8, T = 4: TPR = 2; qkv 128 -> 384: E = 2*128, K = 48*(128+6+8) (6: the
        // buffer's read-request copy, read and output registers, its landing register, the
        // broadcast register, the PE's operand register).
        let s = layer_schedule(&p, LayerKind::Qkv, 2);
        assert_eq!(s.row_blocks, 1);
        assert_eq!(pipeline::array_pipe(&p), 6);
        let lat = pipeline::encoder_latency(&p);
        assert_eq!(
            s.cycles,
            pipeline::START_STAGES + 256 + 1 + lat + 48 * 142 + pipeline::done_latency(&p)
        );
    }

    #[test]
    fn base_on_16x16_keeps_the_array_busy() {
        let p = params("spikelm-bert-base", &[]);
        for kind in LayerKind::ALL {
            let s = layer_schedule(&p, kind, 128);
            assert!(s.steady_utilisation >= 0.95, "{kind:?}: {s:?}");
            assert!(s.utilisation >= 0.95, "{kind:?}: {s:?}");
        }
    }

    #[test]
    fn tokens_round_up_to_whole_row_blocks() {
        let p = params("spikelm-bert-tiny", &[]);
        assert_eq!(
            layer_cycles(&p, LayerKind::FfnOut, 3),
            layer_cycles(&p, LayerKind::FfnOut, 4)
        );
        assert_eq!(
            layer_cycles(&p, LayerKind::FfnOut, 0),
            layer_cycles(&p, LayerKind::FfnOut, 128)
        );
    }

    #[test]
    fn closed_form_when_encoding_hides() {
        for name in crate::config::preset_names() {
            let p = params(name, &[]);
            for kind in LayerKind::ALL {
                let s = layer_schedule(&p, kind, 128);
                assert!(
                    s.encode_per_bank <= s.compute_per_bank + 1,
                    "{name} {kind:?}"
                );
                let closed = pipeline::START_STAGES
                    + s.encode_per_bank
                    + pipeline::encoder_latency(&p)
                    + s.banks * (s.compute_per_bank + 1)
                    + pipeline::done_latency(&p);
                assert_eq!(s.cycles, closed, "{name} {kind:?}");
            }
        }
    }

    #[test]
    fn encoder_bound_schedule_waits_for_the_encoder() {
        // 16x8, ffn_out of a model with hidden 16, one encoder lane: TPR = 4, E = 4*32 = 128 >
        // K = 2*(32+5+16) = 106.
        let small = |lanes: &str| {
            params(
                "spikelm-bert-tiny",
                &[
                    "model.hidden=16",
                    "model.heads=2",
                    "model.ffn=32",
                    "model.seq_len=8",
                    "array=16x8",
                    lanes,
                ],
            )
        };
        let p = small("array.encoder_lanes=1");
        let s = layer_schedule(&p, LayerKind::FfnOut, 8);
        assert!(s.encode_per_bank > s.compute_per_bank);
        // The lanes the configuration picks by itself (2) halve encoding and hide it.
        let auto = small("array.encoder_lanes=0");
        let a = layer_schedule(&auto, LayerKind::FfnOut, 8);
        assert_eq!(auto.derived.encoder_lanes, 2);
        assert_eq!(2 * a.encode_per_bank, s.encode_per_bank);
        assert!(a.encode_per_bank <= a.compute_per_bank);
        // Every row block after the first starts when its encoding ends.
        let (e, k) = (s.encode_per_bank, s.compute_per_bank);
        let lat = pipeline::encoder_latency(&p);
        assert_eq!(
            s.cycles,
            pipeline::START_STAGES + s.row_blocks * e + 1 + lat + k + pipeline::done_latency(&p)
        );
    }

    #[test]
    fn weight_stationary_base_keeps_the_array_busy_and_beats_output_stationary() {
        let ws = params("spikelm-bert-base", &["array.dataflow=weight_stationary"]);
        let os = params("spikelm-bert-base", &[]);
        // 16 x 16: slots of 2R + VD = 39 cycles need 3 row blocks (48 vectors) per bank; 4
        // divide the sequence's 32.
        assert_eq!(ws.derived.blocks_per_bank, 4);
        assert_eq!(ws_slot(&ws, 64), 65);
        // The four sites together: the first bank's encoding (4 row blocks, not 1) is the
        // weight-stationary engine's extra beside a cycle per slot for its registered end.
        let total = |p: &Params| -> u64 {
            LayerKind::ALL
                .iter()
                .map(|k| layer_cycles(p, *k, 128))
                .sum()
        };
        assert!(total(&ws) < total(&os));
        for kind in LayerKind::ALL {
            let s = layer_schedule(&ws, kind, 128);
            assert!(s.utilisation >= 0.97, "{kind:?}: {s:?}");
            // Every vector of a bank passes every weight block of every column block.
            assert_eq!(
                s.array_busy,
                s.row_blocks * 16 * s.col_blocks * s.din.div_ceil(16) as u64
            );
        }
    }

    #[test]
    fn weight_stationary_closed_form_when_encoding_hides() {
        let p = params("spikelm-bert-tiny", &["array.dataflow=weight_stationary"]);
        let r = p.array().rows as u64;
        // 8 x 8: 3 row blocks fill a slot of 23 cycles; 4 divide the sequence's 64.
        let m = 4 * r;
        for kind in LayerKind::ALL {
            let s = layer_schedule(&p, kind, 128);
            assert_eq!(s.banks, 16);
            let kb = (s.din as u64).div_ceil(r);
            assert_eq!(
                s.compute_per_bank,
                r + 1 + s.col_blocks * kb * ws_slot(&p, m)
            );
            let closed = pipeline::START_STAGES
                + s.encode_per_bank
                + pipeline::encoder_latency(&p)
                + s.banks * (s.compute_per_bank + 1)
                + pipeline::ws_issue_to_drain(&p)
                - (ws_slot(&p, m) - m)
                + pipeline::done_latency(&p);
            assert_eq!(s.cycles, closed, "{kind:?}");
        }
    }
}
