//! The perf, flow and sweep commands end to end (synthesis is covered by the synth tests; here the
//! flow runs generate, co-simulation and the estimate).

use std::path::Path;
use std::process::Command;

fn spikelm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn spikelm-hw");
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bert_base_reaches_95_percent_steady_utilisation_on_16x16() {
    let json = run_ok(spikelm().args([
        "perf",
        "--preset",
        "spikelm-bert-base",
        "--set",
        "array=16x16",
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 4);
    for l in layers {
        let u = l["steady_utilisation"].as_f64().unwrap();
        assert!(u >= 0.95, "{}: steady utilisation {u}", l["layer"]);
        assert!(l["utilisation"].as_f64().unwrap() <= u + 1e-9);
    }
    // Latency follows from cycles and the clock.
    let cycles = v["cycles_per_sequence"].as_f64().unwrap();
    let latency_ms = v["latency_ms"].as_f64().unwrap();
    assert!((cycles / 100e6 * 1e3 - latency_ms).abs() < 1e-6 * latency_ms);
}

#[test]
fn perf_rejects_a_bad_firing_rate() {
    let out = spikelm()
        .args(["perf", "--firing-rate", "1.5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--firing-rate 1.5") && err.contains("between 0 and 1"),
        "{err}"
    );
}

fn check_report(dir: &Path) {
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("PASS") && md.contains("| qkv |"), "{md}");
    // Every layer's cycles measured in the RTL equal the analytic model.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.ends_with("| true |") || l.ends_with("| false |"))
        .collect();
    assert_eq!(rows.len(), 4, "{md}");
    assert!(rows.iter().all(|r| r.ends_with("| true |")), "{md}");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.matches("<svg").count() >= 4,
        "expected the cycle, utilisation, energy and firing-rate plots"
    );
    assert!(
        !html.contains("<script"),
        "the report must be self-contained and static"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["sim"]["mismatches"], 0);
}

#[test]
fn flow_without_synthesis_writes_a_verified_report_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("flow");
    let args = [
        "flow",
        "--set",
        "array=4x4",
        "--sim-tokens",
        "2",
        "--skip-synth",
        "--out",
    ];
    run_ok(spikelm().args(args).arg(&out));
    check_report(&out);
    let again = spikelm().args(args).arg(&out).output().unwrap();
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("not empty") && err.contains("--force"),
        "{err}"
    );
    assert!(
        out.join("report.md").exists(),
        "a refused run must leave the old report alone"
    );
}

#[test]
fn sweep_refuses_malformed_vary() {
    let out = spikelm()
        .args(["sweep", "--vary", "array"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected key=v1,v2"));
}

#[test]
fn flow_reuses_cached_synthesis_and_names_the_run_that_made_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    // The small gate-level engine of tests/sweep_compare_numbers.rs (8-bit membrane: the INT8
    // twin's minimum), so both syntheses take seconds.
    let sets = [
        "array=2x2",
        "model.time_steps=2",
        "model.hidden=8",
        "model.heads=1",
        "model.ffn=8",
        "model.seq_len=4",
        "model.layers=1",
        "format.input_bits=4",
        "format.frac_bits=1",
        "format.alpha_bits=4",
        "format.membrane_bits=8",
        "format.weight_bits=2",
        "format.output_bits=4",
        "format.scale_bits=4",
    ];
    let run = |out: &Path| {
        let mut cmd = spikelm();
        cmd.arg("flow");
        for s in sets {
            cmd.args(["--set", s]);
        }
        run_ok(
            cmd.args(["--skip-sim", "--target", "gates", "--cache-dir"])
                .arg(&cache)
                .arg("--out")
                .arg(out),
        );
        let text = std::fs::read_to_string(out.join("report.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
    let a = run(&first);
    let b = run(&second);
    let (sa, sb) = (
        a["synth"].as_array().unwrap(),
        b["synth"].as_array().unwrap(),
    );
    assert_eq!(sa.len(), 2, "the engine and its INT8 twin");
    assert_eq!(sb.len(), 2);
    for (x, y) in sa.iter().zip(sb) {
        assert!(x["cached"].is_null(), "a cold cache cannot hit: {x}");
        let origin = &y["cached"];
        assert_eq!(
            origin["run"].as_str().map(Path::new),
            Some(std::path::absolute(&first).unwrap().as_path()),
            "{y}"
        );
        // The same figures, only marked as reused.
        let mut y = y.clone();
        y["cached"] = serde_json::Value::Null;
        assert_eq!(*x, y);
    }
    let html = std::fs::read_to_string(second.join("report.html")).unwrap();
    assert!(html.contains("from the cache of the run into") || html.contains("cache entry"));
    assert!(second.join("synth").join("FROM-CACHE.txt").is_file());
}
