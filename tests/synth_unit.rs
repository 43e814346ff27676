//! `synth-unit`: a standalone unit synthesized with chosen parameters and placed out of context
//! on ECP5 at two seeds with the real tools (`bash scripts/setup.sh && source scripts/env.sh`), and its
//! refusals of a wrong unit, parameter, value or target, and of values the unit's own check
//! rejects.

use std::process::Command;

fn synth_unit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .arg("synth-unit")
        .args(args)
        .output()
        .expect("run spikelm-hw")
}

#[test]
fn softmax_at_a_chosen_size_places_out_of_context_in_its_ecp5_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("u");
    let o = synth_unit(&[
        "--unit",
        "spikelm_softmax",
        "--param",
        "N=64",
        "--param",
        "AB=6",
        "--target",
        "ecp5-25k",
        "--seeds",
        "2",
        "--out",
        out.to_str().expect("utf-8 path"),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    // Every parameter is reported, the ones set with their new value, the others at the
    // module's default.
    let params: Vec<(String, i64)> = serde_json::from_value(r["params"].clone()).expect("params");
    for want in [("N", 64), ("AB", 6), ("ZW", 24), ("FZ", 12), ("PF", 15)] {
        assert!(
            params.iter().any(|(k, v)| k == want.0 && *v == want.1),
            "{want:?} in {params:?}"
        );
    }
    let c = &r["cells"];
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("cells.{k}"));
    assert_eq!(n("lut4_equiv"), n("lut4") + 2 * n("carry"));
    // The ECP5 forms: the row buffer a DP16KD, e · r a MULT18X18D.
    assert!(n("bram") >= 1 && n("dsp") >= 1, "{c}");
    assert!(n("lut4") > 100 && n("ffs") > 100, "{c}");
    let fmax = r["pnr"]["fmax_mhz"].as_f64().expect("Fmax");
    assert!(fmax > 50.0 && fmax < 1000.0, "{fmax}");
    // Both seeds placed; the one reported in full is the faster.
    let seeds = r["seeds"].as_array().expect("seeds");
    let each: Vec<(u64, f64)> = seeds
        .iter()
        .map(|s| {
            (
                s["seed"].as_u64().expect("seed"),
                s["fmax_mhz"].as_f64().expect("Fmax"),
            )
        })
        .collect();
    assert_eq!(each.iter().map(|e| e.0).collect::<Vec<_>>(), vec![1, 2]);
    let fastest = each.iter().map(|e| e.1).fold(f64::MIN, f64::max);
    assert_eq!(fmax, fastest, "{each:?}");
    assert!(each
        .iter()
        .any(|e| e.0 == r["seed"].as_u64().expect("seed") && e.1 == fmax));
    assert!(r["pnr"]["critical_path"]["delay_ns"].as_f64().is_some());
    let commands = std::fs::read_to_string(out.join("commands.sh")).expect("commands.sh");
    assert!(commands.contains("--out-of-context") && commands.contains("--25k"));
    let script = std::fs::read_to_string(out.join("unit.ys")).expect("unit.ys");
    assert!(
        script.contains("-top spikelm_softmax") && script.contains("-set N 64"),
        "{script}"
    );
}

#[test]
fn a_wrong_unit_parameter_value_or_target_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("u");
    let out = out.to_str().expect("utf-8 path");
    for (args, want) in [
        (
            vec!["--unit", "spikelm_engine"],
            vec!["--unit spikelm_engine", "spikelm_softmax", "spikelm_gelu"],
        ),
        (
            vec!["--unit", "spikelm_gelu", "--param", "N=4"],
            vec!["no parameter N", "XW"],
        ),
        (
            vec!["--unit", "spikelm_gelu", "--param", "XW=wide"],
            vec!["XW=wide", "integer"],
        ),
        (
            vec!["--unit", "spikelm_gelu", "--target", "ice40-up5k"],
            vec!["ice40-up5k", "ECP5"],
        ),
        // Past the unit's own elaboration check: its rule, from the RTL.
        (
            vec!["--unit", "spikelm_softmax", "--param", "AB=20"],
            vec!["refuses the parameters", "AB=20", "1 <= AB <= 14"],
        ),
    ] {
        let mut all = args.clone();
        all.extend(["--out", out]);
        let o = synth_unit(&all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        for w in want {
            assert!(stderr.contains(w), "{args:?}: `{w}` not in\n{stderr}");
        }
    }
}
