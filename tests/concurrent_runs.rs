//! Runs of different configurations at the same time on one machine must not corrupt each
//! other: two syntheses at once (each equal to the same synthesis run alone), a third one aimed
//! at a directory in use refused, and two co-simulations at once sharing one fresh build cache
//! (their Verilator builds land by atomic rename), both bit-exact.
//! Needs the tools of `scripts/setup.sh` (`source scripts/env.sh`).

use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{self, Case, SimOptions};
use spikelm_hw::synth::{self, SynthOptions, Target};
use std::path::Path;

fn params(sets: &[&str]) -> Params {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Params::load("spikelm-bert-tiny", None, &sets).expect("valid configuration")
}

fn synth_options(dir: &Path) -> SynthOptions {
    SynthOptions {
        io_top: false,
        units: false,
        place_and_route: false,
        ..SynthOptions::new(Target::Ice40Up5k, dir)
    }
}

#[test]
fn two_syntheses_at_once_equal_each_alone_and_a_shared_directory_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (pa, pb) = (params(&["array=4x1"]), params(&["array=4x2"]));
    let (da, db) = (tmp.path().join("a"), tmp.path().join("b"));
    let (ra, rb) = std::thread::scope(|s| {
        let a = s.spawn(|| synth::synthesize(&pa, &synth_options(&da), &mut |_| {}));
        let b = s.spawn(|| synth::synthesize(&pb, &synth_options(&db), &mut |_| {}));
        // While both run, a third run into a's directory is turned away, not interleaved.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let clash = synth::synthesize(&pa, &synth_options(&da), &mut |_| {});
        let err = clash
            .expect_err("a second run into a directory in use")
            .to_string();
        assert!(err.contains("in use by another run"), "{err}");
        (a.join().expect("thread a"), b.join().expect("thread b"))
    });
    let ra = ra.unwrap_or_else(|e| panic!("synthesis a: {e}"));
    let rb = rb.unwrap_or_else(|e| panic!("synthesis b: {e}"));
    assert_eq!(ra.config.pes, 4);
    assert_eq!(rb.config.pes, 8);
    assert!(ra.engine.lut4_equiv > 0 && rb.engine.lut4_equiv > ra.engine.lut4_equiv);
    // The same synthesis alone gives the same figures.
    let alone = synth::synthesize(
        &pb,
        &synth_options(&tmp.path().join("b-alone")),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("synthesis b alone: {e}"));
    assert_eq!(rb.engine.lut4_equiv, alone.engine.lut4_equiv);
    assert_eq!(
        serde_json::to_value(&rb.engine).unwrap(),
        serde_json::to_value(&alone.engine).unwrap()
    );
    // Every file the runs left is whole: no temporary names remain.
    for d in [&da, &db] {
        for e in std::fs::read_dir(d).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp-"), "{name} left in {}", d.display());
        }
    }
}

fn sim_options(p: &Params, cache: &Path, work: &Path) -> SimOptions {
    let mut o = SimOptions::new(p);
    o.cases = vec![Case::Random];
    o.layers = vec![p.derived.shape(LayerKind::Qkv)];
    o.tokens = Some(8);
    o.cache_dir = Some(cache.to_path_buf());
    o.work_dir = Some(work.to_path_buf());
    o.trace_on_failure = false;
    o
}

#[test]
fn two_cosimulations_at_once_with_one_fresh_cache_are_both_bit_exact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("cache");
    let (pa, pb) = (params(&["array=4x4"]), params(&["array=4x2"]));
    let (oa, ob) = (
        sim_options(&pa, &cache, &tmp.path().join("a")),
        sim_options(&pb, &cache, &tmp.path().join("b")),
    );
    let (ra, rb) = std::thread::scope(|s| {
        let a = s.spawn(|| sim::run(&pa, &oa));
        let b = s.spawn(|| sim::run(&pb, &ob));
        (a.join().expect("thread a"), b.join().expect("thread b"))
    });
    for (name, r) in [("4x4", ra), ("4x2", rb)] {
        let r = r.unwrap_or_else(|e| panic!("co-simulation {name}: {e}"));
        assert!(r.passed, "{name}:\n{}", r.table());
        assert_eq!(r.mismatches, 0);
        assert!(r.compared.outputs > 0 && r.compared.spikes > 0);
        assert!(
            !r.harness_cached,
            "{name} built its own harness in the fresh cache"
        );
    }
    // Both builds landed whole under their final names, nothing half-built is left.
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "runs")
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names
        .iter()
        .all(|n| !n.contains(".tmp-") && !n.ends_with(".lock")));
}
