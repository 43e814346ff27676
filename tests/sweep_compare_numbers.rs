//! `sweep` and `compare` against figures worked out by hand, on a small engine synthesized to
//! generic gates (`--target gates`, Yosys only, no place and route): T = 2, hidden = FFN = 8,
//! 4 tokens, one encoder layer, 4-bit numbers.
//!
//! * sweep (2 × 2 and 4 × 4 arrays, `--synth-only --fmax 100`): each point's PEs are rows ×
//!   columns, its throughput is tokens / (cycles per sequence / 100 MHz) with the cycles `perf`
//!   reports (checked by hand in `tests/perf_numbers.rs`), its area is in NAND2-equivalents, and
//!   a point is on the Pareto front exactly when no other point has no more area and no less
//!   throughput, one of them strictly.
//! * compare (2 × 2, membrane 8 bits, the INT8 baseline's minimum): the ternary engine and the INT8 baseline have R·C PEs, per-PE area = area /
//!   PEs, and the energy per operation of docs/synthesis.md: ternary 0.9 pJ (FP32 add) and 0.03 pJ
//!   (INT8 add), INT8 4.6 pJ (FP32 MAC) and 0.23 pJ (INT8 multiply 0.2 + add 0.03).

use std::process::Command;

const SETS: &[&str] = &[
    "model.time_steps=2",
    "model.hidden=8",
    "model.heads=1",
    "model.ffn=8",
    "model.seq_len=4",
    "model.layers=1",
    "format.input_bits=4",
    "format.frac_bits=1",
    "format.alpha_bits=4",
    "format.membrane_bits=6",
    "format.weight_bits=2",
    "format.output_bits=4",
    "format.scale_bits=4",
];

fn spikelm(args: &[&str], extra_sets: &[&str]) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"));
    cmd.args(args);
    for s in SETS.iter().chain(extra_sets) {
        cmd.args(["--set", s]);
    }
    let out = cmd.output().expect("run spikelm-hw");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn work(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/spikelm-hw-test")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.display().to_string()
}

/// NAND2-equivalents of a synthesis to generic gates, by the rule of docs/synthesis.md from the
/// cell counts in its `report.json`: transistors NOT 2, NAND/NOR 4, DFF 16; NAND2-eq =
/// transistors / 4.
fn hand_nand2(report_dir: &str) -> f64 {
    let path = std::path::Path::new(report_dir).join("report.json");
    let text = std::fs::read_to_string(&path).expect("report.json");
    let r: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let cells = r["gates"]["cells"].as_object().expect("gate cell counts");
    let transistors: u64 = cells
        .iter()
        .map(|(cell, n)| {
            let per = match cell.as_str() {
                "$_NOT_" => 2,
                "$_NAND_" | "$_NOR_" => 4,
                "$_DFF_P_" => 16,
                other => panic!("{other}: not a cell of the gates target"),
            };
            per * n.as_u64().expect("count")
        })
        .sum();
    transistors as f64 / 4.0
}

fn num(v: &serde_json::Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn sweep_points_match_hand_figures() {
    let out = work("sweep-numbers");
    let points = spikelm(
        &[
            "sweep",
            "--vary",
            "array=2x2,4x4",
            "--target",
            "gates",
            "--synth-only",
            "--fmax",
            "100",
            "--jobs",
            "1",
            "--json",
            "--out",
            &out,
        ],
        &[],
    );
    let points = points.as_array().expect("a list of points");
    assert_eq!(points.len(), 2);
    for (p, (array, pes)) in points.iter().zip([("2x2", 4u64), ("4x4", 16)]) {
        assert_eq!(p["ok"], true, "{p}");
        assert_eq!(p["sets"][0], format!("array={array}"));
        assert_eq!(p["pes"].as_u64(), Some(pes), "{array}: rows × columns");
        assert_eq!(p["area_unit"], "NAND2-eq");
        let area = hand_nand2(&format!("{out}/{:03}", if pes == 4 { 0 } else { 1 }));
        assert_eq!(
            num(p, "area"),
            area,
            "{array}: NAND2-eq from the cell counts"
        );
        assert_eq!(num(p, "fmax_mhz"), 100.0, "synth-only points run at --fmax");
        let cycles = spikelm(&["perf", "--json"], &[&format!("array={array}")])
            ["cycles_per_sequence"]
            .as_u64()
            .expect("cycles");
        // 4 tokens in `cycles` cycles of 10 ns.
        let want = 4.0 / (cycles as f64 * 10e-9);
        let got = num(p, "tokens_per_s");
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "{array}: {got} tokens/s, by hand {want}"
        );
    }
    for (i, p) in points.iter().enumerate() {
        let (a, t) = (num(p, "area"), num(p, "tokens_per_s"));
        let dominated = points.iter().enumerate().any(|(j, q)| {
            let (qa, qt) = (num(q, "area"), num(q, "tokens_per_s"));
            j != i && qa <= a && qt >= t && (qa < a || qt > t)
        });
        assert_eq!(p["on_pareto_front"], !dominated, "{p}");
    }
}

#[test]
fn compare_rows_match_hand_figures() {
    let out = work("compare-numbers");
    let v = spikelm(
        &["compare", "--target", "gates", "--json", "--out", &out],
        &["array=2x2", "format.membrane_bits=8"],
    );
    let rows = v["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    let mut kinds = Vec::new();
    for r in rows {
        let pe = r["pe"].as_str().expect("pe").to_string();
        assert_eq!(r["pes"].as_u64(), Some(4), "{r}: 2 × 2");
        let per_pe = num(r, "lut4_equiv") / 4.0;
        assert!((num(r, "lut4_equiv_per_pe") - per_pe).abs() < 1e-9, "{r}");
        let nand2 = hand_nand2(r["out_dir"].as_str().expect("out_dir"));
        assert!(nand2 > 0.0);
        assert_eq!(num(r, "nand2_equiv_per_pe"), nand2 / 4.0, "{r}");
        let (fp32, int8) = if pe == "ternary" {
            (0.9, 0.03)
        } else {
            (4.6, 0.23)
        };
        assert!(
            (num(r, "pj_per_op_fp32_convention") - fp32).abs() < 1e-12,
            "{r}"
        );
        assert!(
            (num(r, "pj_per_op_int8_convention") - int8).abs() < 1e-12,
            "{r}"
        );
        kinds.push(pe);
    }
    assert!(kinds.iter().any(|k| k == "ternary"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "int8_mac"), "{kinds:?}");
}
