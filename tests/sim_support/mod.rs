//! Shared helpers of the co-simulation tests: one build cache for all of them, and options.

#![allow(dead_code)]

use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{Case, Control, SimOptions, SimReport};
use std::path::PathBuf;

/// The build cache all co-simulation tests share (and `spikelm-hw sim` uses by default).
pub fn cache() -> PathBuf {
    std::env::var_os("SPIKELM_HW_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/spikelm-hw-cache")
        })
}

/// A fresh work directory for one test.
pub fn work(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/spikelm-hw-test")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the test work directory");
    dir
}

pub fn options(
    p: &Params,
    name: &str,
    cases: &[Case],
    layers: &[LayerKind],
    tokens: Option<u32>,
) -> SimOptions {
    let mut o = SimOptions::new(p);
    o.cases = cases.to_vec();
    o.layers = layers.iter().map(|k| p.derived.shape(*k)).collect();
    o.tokens = tokens;
    o.cache_dir = Some(cache());
    o.work_dir = Some(work(name));
    o.trace_on_failure = false;
    o.stop_on_failure = false;
    // The directed tests aim their own events at one run from power-on; the default of
    // `spikelm-hw sim` (a reset pulse mid-run and a second run back to back) is
    // `Control::default()`, which tests/sim_mutation.rs uses where it matters.
    o.control = Control::single_run();
    o
}

/// Panic with the whole summary unless every run passed.
pub fn assert_passed(r: &SimReport) {
    assert!(r.passed, "co-simulation failed:\n{}", r.table());
    assert_eq!(r.mismatches, 0, "{}", r.table());
}

/// Every run without stalls must have CYCLES equal to perf::cycles::layer_cycles.
pub fn assert_cycles_match_model(r: &SimReport) {
    for run in r.runs.iter().filter(|run| run.stall_free) {
        assert_eq!(
            Some(u64::from(run.cycles_register)),
            run.cycles_model,
            "{} {}: CYCLES register vs perf::cycles::layer_cycles\n{}",
            run.case.name(),
            run.layer,
            r.table()
        );
    }
}
