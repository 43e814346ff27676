//! `spikelm-hw model ...` end to end: every error path names the file, the value and the rule and
//! leaves no output behind; the success path writes arrays of the promised shapes and dtypes whose
//! accumulators equal the library model's.

use ndarray::{Array1, Array2, Array3};
use ndarray_npy::{read_npy, write_npy};
use spikelm_hw::config::Params;
use spikelm_hw::model::calibrate::{max_out_shift, quantise_layer};
use spikelm_hw::model::gauss::Gauss;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_spikelm-hw");

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// A temp dir with a valid x.npy [4, 6, 24], w.npy [16, 24], b.npy [16].
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut g = Gauss::new(42);
        let x = Array3::from_shape_fn((4, 6, 24), |_| g.normal() as f32);
        let w = Array2::from_shape_fn((16, 24), |_| 0.05 * g.normal() as f32);
        let b = Array1::from_shape_fn(16, |_| 0.1 * g.normal() as f32);
        write_npy(dir.path().join("x.npy"), &x).expect("write");
        write_npy(dir.path().join("w.npy"), &w).expect("write");
        write_npy(dir.path().join("b.npy"), &b).expect("write");
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .current_dir(self.dir.path())
            .args(["model", "spike-linear"])
            .args(args)
            .output()
            .expect("binary runs")
    }

    /// Run expecting failure; check the message and that no output or temp dir was left.
    fn fails(&self, args: &[&str], needles: &[&str]) {
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        for n in needles {
            assert!(err.contains(n), "{args:?}: stderr lacks {n:?}:\n{err}");
        }
        assert!(
            !self.path("out").exists(),
            "{args:?} left an output directory"
        );
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".spikelm-model-")
            })
            .collect();
        assert!(leftovers.is_empty(), "{args:?} left temporary directories");
    }
}

fn base<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--input", "x.npy", "--weight", "w.npy", "--out", "out"];
    v.extend_from_slice(extra);
    v
}

#[test]
fn missing_files_are_named() {
    let c = Case::new();
    c.fails(
        &["--input", "nope.npy", "--weight", "w.npy", "--out", "out"],
        &["--input nope.npy", "no such file"],
    );
    c.fails(
        &base(&["--bias", "nob.npy"]),
        &["--bias nob.npy", "no such file"],
    );
    c.fails(
        &base(&["--alphas", "none.json"]),
        &["--alphas none.json", "no such file"],
    );
}

#[test]
fn wrong_dtype_and_shape_are_refused() {
    let c = Case::new();
    write_npy(c.path("x64.npy"), &Array3::<f64>::zeros((4, 6, 24))).expect("write");
    c.fails(
        &["--input", "x64.npy", "--weight", "w.npy", "--out", "out"],
        &["--input x64.npy", "float32", "<f8"],
    );
    write_npy(c.path("x2.npy"), &Array2::<f32>::ones((6, 24))).expect("write");
    c.fails(
        &["--input", "x2.npy", "--weight", "w.npy", "--out", "out"],
        &["--input x2.npy", "[6, 24]", "expected 3"],
    );
    write_npy(c.path("w_bad.npy"), &Array2::<f32>::ones((16, 23))).expect("write");
    c.fails(
        &["--input", "x.npy", "--weight", "w_bad.npy", "--out", "out"],
        &["--weight w_bad.npy", "[16, 23]", "Din = 24"],
    );
    write_npy(c.path("b_bad.npy"), &Array1::<f32>::ones(15)).expect("write");
    c.fails(
        &base(&["--bias", "b_bad.npy"]),
        &["--bias b_bad.npy", "[15]", "Dout = 16"],
    );
    write_npy(c.path("b2.npy"), &Array2::<f32>::ones((16, 1))).expect("write");
    c.fails(
        &base(&["--bias", "b2.npy"]),
        &["--bias b2.npy", "expected 1"],
    );
}

#[test]
fn empty_arrays_are_refused() {
    let c = Case::new();
    write_npy(c.path("x0.npy"), &Array3::<f32>::zeros((4, 0, 24))).expect("write");
    c.fails(
        &["--input", "x0.npy", "--weight", "w.npy", "--out", "out"],
        &["--input x0.npy", "[4, 0, 24]", "empty"],
    );
    write_npy(c.path("w0.npy"), &Array2::<f32>::zeros((0, 24))).expect("write");
    c.fails(
        &["--input", "x.npy", "--weight", "w0.npy", "--out", "out"],
        &["--weight w0.npy", "empty"],
    );
}

#[test]
fn non_finite_values_are_refused_with_their_index() {
    let c = Case::new();
    let mut x: Array3<f32> = read_npy(c.path("x.npy")).expect("read");
    x[[2, 1, 5]] = f32::NAN;
    write_npy(c.path("xn.npy"), &x).expect("write");
    c.fails(
        &["--input", "xn.npy", "--weight", "w.npy", "--out", "out"],
        &["--input xn.npy", "NaN", "[2, 1, 5]", "finite"],
    );
    let mut w: Array2<f32> = read_npy(c.path("w.npy")).expect("read");
    w[[3, 0]] = f32::NEG_INFINITY;
    write_npy(c.path("wi.npy"), &w).expect("write");
    c.fails(
        &["--input", "x.npy", "--weight", "wi.npy", "--out", "out"],
        &["--weight wi.npy", "-inf", "[3, 0]"],
    );
}

#[test]
fn bad_alphas_are_refused() {
    let c = Case::new();
    std::fs::write(c.path("a3.json"), "[1, 2, 3]").expect("write");
    c.fails(
        &base(&["--alphas", "a3.json"]),
        &["--alphas a3.json", "3 values", "T = 4"],
    );
    std::fs::write(c.path("a0.json"), "[1, 2, -0.5, 3]").expect("write");
    c.fails(
        &base(&["--alphas", "a0.json"]),
        &["--alphas a0.json", "α[2] = -0.5", "greater than 0"],
    );
    std::fs::write(c.path("abad.json"), "{\"alpha\": 1}").expect("write");
    c.fails(
        &base(&["--alphas", "abad.json"]),
        &["--alphas abad.json", "JSON array of 4 numbers"],
    );
    c.fails(
        &base(&["--alphas", "a3.json", "--calibrate"]),
        &["cannot be used with"],
    );
}

#[test]
fn bad_configuration_is_refused() {
    let c = Case::new();
    c.fails(
        &base(&["--alpha-mode", "csd:0"]),
        &["format.alpha_mode = csd:0", "csd:K"],
    );
    c.fails(&base(&["--frac-bits", "16"]), &["format.frac_bits = 16"]);
    c.fails(&base(&["--preset", "nope"]), &["unknown preset `nope`"]);
}

#[test]
fn existing_output_is_kept_unless_forced() {
    let c = Case::new();
    std::fs::create_dir(c.path("out")).expect("mkdir");
    std::fs::write(c.path("out/keep.txt"), "mine").expect("write");
    let out = c.run(&base(&[]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty; pass --force"));
    assert!(
        c.path("out/keep.txt").exists(),
        "refused run must not touch DIR"
    );
    let out = c.run(&base(&["--force"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!c.path("out/keep.txt").exists() && c.path("out/acc.npy").exists());
    // An empty existing directory is fine without --force.
    std::fs::create_dir(c.path("empty")).expect("mkdir");
    let out = c.run(&["--input", "x.npy", "--weight", "w.npy", "--out", "empty"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(c.path("file"), "x").expect("write");
    let out = c.run(&["--input", "x.npy", "--weight", "w.npy", "--out", "file"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a directory"));
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

#[test]
fn outputs_have_the_promised_shapes_and_match_the_library() {
    let c = Case::new();
    let out = c.run(&base(&[
        "--bias",
        "b.npy",
        "--alpha-mode",
        "csd:2",
        "--frac-bits",
        "8",
        "--json",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    assert_eq!(summary["stats"]["alpha_mode"], "csd:2");

    let spikes: Array3<i8> = read_npy(c.path("out/spikes.npy")).expect("int8 spikes");
    let acc: Array3<i32> = read_npy(c.path("out/acc.npy")).expect("int32 acc");
    let y: Array3<f32> = read_npy(c.path("out/output.npy")).expect("float32 output");
    assert_eq!(spikes.shape(), &[4, 6, 24]);
    assert_eq!(acc.shape(), &[4, 6, 16]);
    assert_eq!(y.shape(), &[4, 6, 16]);
    assert!(spikes.iter().all(|s| (-1..=1).contains(s)));

    // The same computation through the library.
    let params = Params::load(
        spikelm_hw::config::DEFAULT_PRESET,
        None,
        &[
            "format.alpha_mode=csd:2".into(),
            "format.frac_bits=8".into(),
        ],
    )
    .expect("config");
    let f = params.format();
    let x: Array3<f32> = read_npy(c.path("x.npy")).expect("read");
    let w: Array2<f32> = read_npy(c.path("w.npy")).expect("read");
    let b: Array1<f32> = read_npy(c.path("b.npy")).expect("read");
    let (x, w, b) = (x.mapv(f64::from), w.mapv(f64::from), b.mapv(f64::from));
    let layer = quantise_layer(
        x.view(),
        w.view(),
        Some(b.view()),
        None,
        f,
        max_out_shift(&params),
    )
    .expect("valid");
    let trace = layer
        .spike_linear(f)
        .expect("valid")
        .run(layer.x.view())
        .expect("valid");
    assert_eq!(acc.mapv(i64::from), trace.acc);
    assert_eq!(spikes, trace.q);
    let scale = 1.0 / 256.0;
    for (&got, &code) in y.iter().zip(trace.y.iter()) {
        assert_eq!(got, (code as f64 * scale) as f32);
    }

    let alphas = read_json(&c.path("out/alphas.json"));
    assert_eq!(
        alphas["alpha_effective"].as_array().map(|a| a.len()),
        Some(4)
    );
    assert_eq!(alphas["alpha_mode"], "csd:2");
    assert_eq!(
        alphas["alpha_digits"][0].as_array().map(|d| d.len() <= 2),
        Some(true)
    );
    assert_eq!(alphas["out_shift"], layer.calibration.out_shift);
    let stats = read_json(&c.path("out/stats.json"));
    let steps = stats["per_step"].as_array().expect("per_step");
    assert_eq!(steps.len(), 4);
    let nonzero_at_0 = spikes
        .index_axis(ndarray::Axis(0), 0)
        .iter()
        .filter(|&&s| s != 0)
        .count();
    assert_eq!(
        steps[0]["pos"].as_u64().unwrap_or(0) + steps[0]["neg"].as_u64().unwrap_or(0),
        nonzero_at_0 as u64
    );
    assert_eq!(steps[0]["adds"].as_u64(), Some(nonzero_at_0 as u64 * 16));
}

#[test]
fn given_alphas_are_used_as_codes() {
    let c = Case::new();
    std::fs::write(c.path("a.json"), "[1.0, 0.5, 2.0, 1e-9]").expect("write");
    let out = c.run(&base(&["--alphas", "a.json"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let alphas = read_json(&c.path("out/alphas.json"));
    assert_eq!(alphas["source"], "file");
    // F = 10: codes 1024, 512, 2048 and the smallest code 1 for a tiny α.
    assert_eq!(
        alphas["alpha_codes"],
        serde_json::json!([1024, 512, 2048, 1])
    );
}

#[test]
fn help_explains_every_option() {
    let out = Command::new(BIN)
        .args(["model", "spike-linear", "--help"])
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--input",
        "--weight",
        "--bias",
        "--alphas",
        "--calibrate",
        "--frac-bits",
        "--weight-bits",
        "--alpha-mode",
        "--preset",
        "--set",
        "--out",
        "--force",
        "--json",
    ] {
        assert!(help.contains(opt), "--help lacks {opt}:\n{help}");
    }
}

#[test]
fn fidelity_command_prints_every_mode() {
    let out = Command::new(BIN)
        .args([
            "model", "fidelity", "--tokens", "8", "--din", "32", "--json",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let modes = v["modes"].as_array().expect("modes");
    assert_eq!(modes.len(), 5);
    assert_eq!(modes[0]["mode_vs_exact"], 1.0);
}
