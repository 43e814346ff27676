//! The tiny preset end to end under Verilator: every layer shape, every token, bit for bit,
//! with the CYCLES register equal to the cycle model; then every directed case.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::LayerKind;
use spikelm_hw::config::Params;
use spikelm_hw::sim::{self, Case};

#[test]
fn tiny_all_layers_all_tokens_bit_exact_and_cycles_match_the_model() {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let mut o = options(&p, "tiny-all", &[Case::Random], &LayerKind::ALL, None);
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_eq!(r.runs.len(), 4);
    for run in &r.runs {
        assert_eq!(run.tokens, 128);
        let t = 4u64;
        let values = u64::from(run.tokens) * t;
        assert_eq!(
            run.compared.spikes,
            values * u64::from(run.din),
            "{}",
            run.layer
        );
        assert_eq!(run.compared.membranes, values * u64::from(run.din));
        assert_eq!(run.compared.accumulators, values * u64::from(run.dout));
        assert_eq!(run.compared.outputs, values * u64::from(run.dout));
        assert!(
            run.compared.registers >= 5 + 3 * 4,
            "counters are read back"
        );
    }
    assert_cycles_match_model(&r);
}

#[test]
fn tiny_random_with_stalls_on_every_stream() {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let mut o = options(
        &p,
        "tiny-stall",
        &[Case::Random, Case::Backpressure],
        &[LayerKind::FfnOut],
        Some(16),
    );
    o.seed = 7;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert!(r.runs.iter().all(|run| run.stall > 0.0));
    // Stalls stretch the run beyond the stall-free cycle count.
    for run in &r.runs {
        let model = run.cycles_model.expect("cycle model");
        assert!(
            u64::from(run.cycles_register) > model,
            "{}: stalls must cost cycles",
            run.case.name()
        );
    }
}

#[test]
fn tiny_directed_cases_reach_their_corners() {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let cases: Vec<Case> = Case::ALL
        .into_iter()
        .filter(|c| *c != Case::Random)
        .collect();
    let o = options(
        &p,
        "tiny-directed",
        &cases,
        &[LayerKind::AttnOut, LayerKind::FfnOut],
        Some(8),
    );
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let run = |c: Case, layer: &str| {
        r.runs
            .iter()
            .find(|x| x.case == c && x.layer == layer)
            .unwrap_or_else(|| panic!("run {} {layer}", c.name()))
    };
    for layer in ["attn_out", "ffn_out"] {
        let z = run(Case::ZeroInput, layer).coverage;
        assert_eq!((z.spikes_pos, z.spikes_neg), (0, 0));
        let n = run(Case::AllNegative, layer).coverage;
        assert_eq!((n.spikes_pos, n.spikes_zero), (0, 0));
        let q = run(Case::AllPositive, layer).coverage;
        assert_eq!((q.spikes_neg, q.spikes_zero), (0, 0));
        let t = run(Case::FiringTie, layer).coverage;
        assert!(t.exact_ties > 0 && t.near_ties > 0, "ties {t:?}");
        assert!(run(Case::OutputSaturation, layer).coverage.output_at_bound > 0);
        assert!(run(Case::WeightExtremes, layer).coverage.weight_at_max > 0);
    }
}
