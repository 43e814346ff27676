//! The weight-stationary engine (`array.dataflow = weight_stationary`) under Verilator, bit for
//! bit against the reference model on every layer shape: its lane layout (token groups, codes
//! per word), weight blocks that end past Din, banks of fewer blocks than the others, one run
//! after a reset in the middle of another, and every stream stalling; CYCLES equal to
//! `perf::cycles` in every stall-free run.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{Dataflow, LayerKind, Params};
use spikelm_hw::sim::{self, Case, Control};

fn ws(sets: &[&str]) -> Params {
    let mut all = vec!["array.dataflow=weight_stationary"];
    all.extend_from_slice(sets);
    let p = Params::preset_with("spikelm-bert-tiny", &all).expect("test configuration");
    assert_eq!(p.array().dataflow, Dataflow::WeightStationary);
    p
}

/// Stall-free (cycles checked), then the default control (a reset pulse in the middle of a run,
/// then a clean run back to back) under random stalls on every stream.
fn check(name: &str, p: &Params, tokens: Option<u32>) {
    let mut o = options(
        p,
        name,
        &[Case::Random, Case::WeightExtremes],
        &LayerKind::ALL,
        tokens,
    );
    o.stall = Some(0.0);
    o.seed = 21;
    let r = sim::run(p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let mut o = options(
        p,
        name,
        &[Case::Random, Case::Backpressure],
        &LayerKind::ALL,
        tokens,
    );
    o.control = Control::default();
    o.stall = Some(0.3);
    o.seed = 22;
    let r = sim::run(p, &o).expect("co-simulation runs");
    assert_passed(&r);
}

/// Tiny on 8 x 8: T = 4, two tokens per row block, one per word (the code's place: t).
#[test]
fn tiny_8x8() {
    check("ws-tiny", &ws(&[]), None);
}

/// 4 x 4 with T = 4: one token per row block (no token-group bits in the word address); with
/// CCU2C adders (their simulation model).
#[test]
fn one_token_per_row_block_with_ccu2c_adders() {
    let p = ws(&["array=4x4", "model.seq_len=16", "array.adder=ecp5_ccu2c"]);
    check("ws-4x4-ccu2c", &p, None);
}

/// Din of 40 and 88 on 16 rows: the last weight block of every column block ends 8 lanes past
/// Din. Those rows load no weight beat (their weights are whatever the stream shows) and the
/// lanes' words were never written in the run, so only the tail mask keeps them out of the sums:
/// with every register and memory starting from random values (`x_random`) a missing mask fails.
/// Two encoder lanes (two tokens per word), resident tokens chosen, and a run of 10 tokens whose
/// last bank holds fewer row blocks than the others.
#[test]
fn weight_blocks_past_din_two_lanes_and_a_short_last_bank() {
    let p = ws(&[
        "model.hidden=40",
        "model.heads=2",
        "model.ffn=88",
        "model.seq_len=24",
        "array=16x8",
        "array.encoder_lanes=2",
        "array.resident_tokens=8",
    ]);
    check("ws-din-lanes", &p, Some(12));
    let mut o = options(&p, "ws-din-x", &[Case::Random], &LayerKind::ALL, None);
    o.control = Control::default();
    o.x_random = true;
    o.seed = 23;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
}

/// T = 1 (one code per word) and T = 2, with csd amplitudes.
#[test]
fn one_and_two_time_steps() {
    for (t, mode) in [(1, "csd:2"), (2, "pow2")] {
        let ts = format!("model.time_steps={t}");
        let am = format!("alpha_mode={mode}");
        let p = ws(&[&ts, &am, "model.seq_len=32", "array=8x4"]);
        check(&format!("ws-t{t}"), &p, None);
    }
}

/// Eight encoder lanes at T = 4 on 32 rows: a lane's word is 32 codes, two sub-words of 16
/// (two block RAMs, each with its own first select stage), so the code's place picks a code in
/// both sub-words and then one of them.
#[test]
fn two_sub_words_per_lane() {
    let p = ws(&["model.seq_len=32", "array=32x8", "array.encoder_lanes=8"]);
    let ctx = spikelm_hw::rtl::RtlContext::new(&p).expect("context");
    assert_eq!(ctx.ws.map(|w| w.subb), Some(1));
    check("ws-sub-words", &p, None);
}
