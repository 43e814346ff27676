//! Weight reuse (`array.resident_tokens`): a spike-buffer bank holds several row blocks, and
//! every column block's weights, streamed once per bank, serve all of them (the bank's first
//! row block from the stream, the others from the weight buffer). Bit for bit under Verilator,
//! with a short last bank, with and without stalls, for both engines; CYCLES equals the cycle
//! model and the weight stream carries one pass per bank.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::perf::layer_schedule;
use spikelm_hw::sim::{self, Case};

fn check(name: &str, sets: &[&str], tokens: u32, banks: u64) {
    let p = Params::preset_with("spikelm-bert-tiny", sets).expect("test configuration");
    assert!(
        p.derived.blocks_per_bank > 1,
        "{name}: a bank must hold several row blocks"
    );
    for kind in LayerKind::ALL {
        let s = layer_schedule(&p, kind, tokens);
        assert_eq!(s.banks, banks, "{name} {kind:?}");
        assert_eq!(s.wgt_beats, banks * s.col_blocks * u64::from(s.din));
    }
    let mut o = options(&p, name, &[Case::Random], &LayerKind::ALL, Some(tokens));
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let mut o = options(
        &p,
        name,
        &[Case::Random, Case::Backpressure],
        &[LayerKind::AttnOut],
        Some(tokens),
    );
    o.seed = 9;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert!(r.runs.iter().all(|run| run.stall > 0.0));
}

#[test]
fn ternary_banks_of_four_row_blocks_with_a_short_last_bank() {
    // 8 resident tokens = 4 row blocks of 2; 10 tokens = a bank of 4 blocks and one of 1.
    check("reuse-ternary", &["array.resident_tokens=8"], 10, 2);
}

#[test]
fn int8_banks_of_three_row_blocks_with_a_short_last_bank() {
    // 24 resident tokens = 3 row blocks of 8; 40 tokens = banks of 3 and 2 blocks.
    check(
        "reuse-int8",
        &["array.pe=int8_mac", "array.resident_tokens=24"],
        40,
        2,
    );
}
