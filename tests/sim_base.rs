//! The BERT-base configuration the README describes (16 × 16 array, hidden 768, FFN 3072) under
//! co-simulation in CI: the real layer shapes with a reduced token count (one row block of
//! rows / T = 4 tokens), bit-exact and with CYCLES equal to the cycle model.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{self, Case};

#[test]
fn bert_base_16x16_layers_with_one_row_block_are_bit_exact() {
    let p = Params::preset_with("spikelm-bert-base", &["array=16x16"]).expect("preset");
    assert_eq!((p.array().rows, p.array().cols), (16, 16));
    let tokens = p.derived.tokens_per_row_block;
    let mut o = options(
        &p,
        "base-16x16",
        &[Case::Random],
        &[LayerKind::AttnOut, LayerKind::FfnIn],
        Some(tokens),
    );
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let ffn_in = r
        .runs
        .iter()
        .find(|run| run.layer == "ffn_in")
        .expect("ffn_in run");
    // 768 inputs -> 3072 outputs: every output of the row block is compared.
    assert_eq!((ffn_in.din, ffn_in.dout), (768, 3072));
    assert_eq!(ffn_in.compared.outputs, u64::from(tokens) * 4 * 3072);
}

/// A non-square array wider than 16 columns on the real BERT-base shapes (768 -> 768): one row
/// block of 8 / T = 2 tokens, bit-exact under stalls and without, CYCLES equal to the model.
#[test]
fn bert_base_8x32_non_square_array_is_bit_exact() {
    let p = Params::preset_with("spikelm-bert-base", &["array=8x32", "model.layers=1"])
        .expect("preset");
    let tokens = p.derived.tokens_per_row_block;
    assert_eq!(tokens, 2);
    for stall in [Some(0.0), None] {
        let mut o = options(
            &p,
            "base-8x32",
            &[Case::Random],
            &[LayerKind::AttnOut],
            Some(tokens),
        );
        o.stall = stall;
        let r = sim::run(&p, &o).expect("co-simulation runs");
        assert_passed(&r);
        if stall == Some(0.0) {
            assert_cycles_match_model(&r);
        }
        let run = r.runs.first().expect("attn_out run");
        assert_eq!(run.stall_free, stall == Some(0.0));
        assert_eq!((run.din, run.dout), (768, 768));
        assert_eq!(run.compared.outputs, u64::from(tokens) * 4 * 768);
    }
}
