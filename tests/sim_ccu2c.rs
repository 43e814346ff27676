//! The ECP5 CCU2C sign-select adder (`array.adder = ecp5_ccu2c`) under Verilator, through the
//! project's own CCU2C simulation model: bit for bit against the reference model on every layer
//! shape, with random stalls, and a broken LUT INIT must be caught and located.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{AdderKind, LayerKind, Params};
use spikelm_hw::sim::{self, Case};
use std::path::PathBuf;

const CCU2C: [&str; 2] = ["array.adder=ecp5_ccu2c", "array=4x4"];

fn ccu2c_params() -> Params {
    let p = Params::preset_with("spikelm-bert-tiny", &CCU2C).expect("test configuration");
    assert_eq!(p.array().adder, AdderKind::Ecp5Ccu2c);
    p
}

#[test]
fn ccu2c_adder_is_bit_exact_on_every_layer_and_cycles_match_the_model() {
    let p = ccu2c_params();
    let mut o = options(&p, "ccu2c-all", &[Case::Random], &LayerKind::ALL, Some(4));
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_eq!(r.runs.len(), 4);
    assert!(r.runs.iter().all(|run| run.compared.accumulators > 0));
    assert_cycles_match_model(&r);
}

#[test]
fn ccu2c_adder_is_bit_exact_with_random_stalls_and_directed_corners() {
    let p = ccu2c_params();
    let mut o = options(
        &p,
        "ccu2c-stall",
        &[Case::Random, Case::AllNegative, Case::WeightExtremes],
        &[LayerKind::FfnOut, LayerKind::AttnOut],
        Some(4),
    );
    o.stall = Some(0.3);
    o.seed = 21;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert!(r.runs.iter().all(|run| run.stall > 0.0));
}

#[test]
fn a_wrong_ccu2c_init_is_caught_in_the_accumulators() {
    let p = ccu2c_params();
    let dir: PathBuf = work("mutant-ccu2c-init").join("rtl");
    let rtl = spikelm_hw::rtl::generate(&p).expect("generate");
    spikelm_hw::rtl::write_tree(&dir, &rtl, true).expect("write tree");
    // The odd sum halves' LUT: 16'hCC5A -> 16'hCC59 (wrong propagate where op = x = 0 and a
    // wrong generate term).
    let path = dir.join("rtl/spikelm_signsel_add.v");
    let text = std::fs::read_to_string(&path).expect("read generated adder");
    let from = ".INIT1(16'hCC5A)";
    assert_eq!(text.matches(from).count(), 1, "{from} occurs once");
    std::fs::write(&path, text.replacen(from, ".INIT1(16'hCC59)", 1)).expect("write mutant");

    let mut o = options(
        &p,
        "mutant-ccu2c-init-run",
        &[Case::Random],
        &[LayerKind::Qkv],
        Some(4),
    );
    o.rtl_dir = Some(dir);
    o.stall = Some(0.0);
    o.stop_on_failure = true;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert!(!r.passed, "a wrong CCU2C INIT must fail the co-simulation");
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert!(
        first.signal == "dbg_acc" || first.signal == "m_out_tdata",
        "the accumulators are wrong first, got {first}"
    );
    assert_eq!(first.layer, "qkv");
    assert!(first.neuron.is_some() && first.token.is_some());
    assert_ne!(first.expected, first.actual);
    assert!(r.table().contains("FIRST MISMATCH"));
}
