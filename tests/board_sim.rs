//! The whole board top, host link included, co-simulated under Verilator with the real host
//! driver on the other side of the simulator's stdin/stdout: a tiny layer bit-exact against
//! the reference model, again with 1 % of frames damaged in each direction (retried, still
//! exact), and a run whose expected values are wrong must fail.
//! Run: `cargo test --release --test board_sim` (one Verilator build, ~1 min).

use spikelm_hw::board::driver::run_layer;
use spikelm_hw::board::faults::FaultyTransport;
use spikelm_hw::board::link::Link;
use spikelm_hw::board::sim;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::model_bridge;
use spikelm_hw::sim::stimulus::LayerStimulus;
use std::time::Duration;

#[test]
fn simulated_board_runs_a_tiny_layer_bit_exact_even_with_damaged_frames() {
    let params =
        Params::load("spikelm-bert-tiny", None, &["array=4x4".to_string()]).expect("config");
    let dir = tempfile::tempdir().unwrap();
    let board = sim::build(&params, dir.path()).expect("simulated board");
    let layer = params.derived.shape(LayerKind::AttnOut);
    let tokens = 2 * params.derived.tokens_per_row_block as usize;
    let s = LayerStimulus::random(&params, layer, tokens, 7);
    let e = model_bridge::expected(&params, &s).expect("model");

    // Clean link.
    let (_session, t) = board.start(0).expect("start");
    let mut link = Link::open(t, Duration::from_millis(500), 3).expect("open");
    let run = run_layer(&mut link, &params, &s, &e).expect("run");
    assert!(run.passed(), "{:?}", run.mismatches);
    assert_eq!(run.values_compared, (tokens * 4 * 128) as u64);
    assert!(run.registers_compared > 10);
    assert_eq!(link.stats.retries, 0);

    // 1 % of the writes and of the received chunks damaged: retried, still exact.
    let (_session, t) = board.start(0).expect("start");
    let t = FaultyTransport::new(t, 0.01, 11);
    let mut link = Link::open(t, Duration::from_millis(300), 90).expect("open");
    let run = run_layer(&mut link, &params, &s, &e).expect("run with faults");
    let injected = link.transport_mut().counts.clone();
    assert!(
        injected.requests_corrupted
            + injected.requests_dropped
            + injected.responses_corrupted
            + injected.responses_dropped
            > 0,
        "no fault was injected: {injected:?}"
    );
    assert!(link.stats.retries > 0, "{:?}", link.stats);
    assert!(run.passed(), "{:?}", run.mismatches);

    // Expected values of another stimulus: the comparison must catch it.
    let other = model_bridge::expected(&params, &LayerStimulus::random(&params, layer, tokens, 8))
        .expect("model");
    let (_session, t) = board.start(0).expect("start");
    let mut link = Link::open(t, Duration::from_millis(500), 200).expect("open");
    let run = run_layer(&mut link, &params, &s, &other).expect("run");
    assert!(
        !run.passed() && run.mismatch_count > 100,
        "{}",
        run.mismatch_count
    );
}
