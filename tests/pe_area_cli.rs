//! `compare --pe-area` with the real tools (`bash scripts/setup.sh && source scripts/env.sh`):
//! the output-stationary engine's PE is one unit, the weight-stationary engine's PEs are one
//! module per partial-sum width, so its PE is measured as its array divided by its PEs; either
//! way the ratios are the per-PE figure over the bare accumulator's and the INT8 PE's.

use std::process::Command;

fn pe_area(sets: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"));
    cmd.args([
        "compare",
        "--pe-area",
        "--target",
        "ecp5-25k",
        "--json",
        "--out",
    ])
    .arg(dir.path());
    for s in sets {
        cmd.args(["--set", s]);
    }
    let o = cmd.output().expect("run spikelm-hw");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON report")
}

/// (unit, PEs, LUT4-eq) of entry `i`.
fn entry(r: &serde_json::Value, i: usize) -> (String, u64, f64) {
    let e = &r["entries"][i];
    (
        e["unit"].as_str().expect("unit").to_string(),
        e["pes"].as_u64().expect("pes"),
        e["cells"]["lut4_equiv"].as_f64().expect("lut4_equiv"),
    )
}

fn check_ratios(r: &serde_json::Value) {
    let (_, _, bare) = entry(r, 0);
    let (_, pes, ternary) = entry(r, 1);
    let (_, int8_pes, int8) = entry(r, 2);
    assert_eq!(int8_pes, 1, "the INT8 PE is one unit");
    let per_pe = ternary / pes as f64;
    let over_bare = r["ternary_over_bare"].as_f64().expect("ratio");
    let over_int8 = r["ternary_over_int8"].as_f64().expect("ratio");
    assert!((over_bare - per_pe / bare).abs() < 1e-9, "{r}");
    assert!((over_int8 - per_pe / int8).abs() < 1e-9, "{r}");
}

#[test]
fn the_weight_stationary_pe_is_its_array_per_pe() {
    let r = pe_area(&["array=4x4", "array.dataflow=weight_stationary"]);
    let (unit, pes, lut4_equiv) = entry(&r, 1);
    assert_eq!(unit, "spikelm_ws_array", "{r}");
    assert_eq!(pes, 16, "{r}");
    assert!(lut4_equiv > 0.0, "{r}");
    check_ratios(&r);
}

#[test]
fn the_output_stationary_pe_is_one_unit() {
    let r = pe_area(&["array=4x4"]);
    let (unit, pes, _) = entry(&r, 1);
    assert_eq!(pes, 1, "{r}");
    assert!(unit.contains("pe"), "{r}");
    check_ratios(&r);
}
