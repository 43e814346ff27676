//! `import` and `model encoder` on a real checkpoint (all-MiniLM-L6-v2 from the .venv) and on tiny
//! synthetic ones: packages, α from checkpoints, errors that name the tensor.

mod import_support;

use import_support::{minilm, options, write_tiny, TINY};
use spikelm_hw::import::evaluate::evaluate;
use spikelm_hw::import::{import, Package};
use spikelm_hw::model::encoder::site::WeightScale;
use spikelm_hw::model::encoder::Site;

const TEXT: &str = "The quick brown fox jumps over the lazy dog near the river bank.\n\
                    Researchers measured the energy of every layer on a small board.";

#[test]
fn minilm_imports_and_keeps_spikes_and_outputs_close() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("pkg");
    let summary = import(&options(&minilm(), &out, WeightScale::PerChannel)).expect("imports");
    assert_eq!(summary.alpha_source, "calibrated");
    assert_eq!(summary.sites.len(), 6 * 6);
    for s in &summary.sites {
        assert!((8..=15).contains(&s.frac_in), "{s:?}");
        assert!(s.calibration_agreement >= 0.9995, "{s:?}");
        assert!(
            s.alphas.iter().all(|&a| a > 0.0) && s.alphas.len() == 4,
            "{s:?}"
        );
    }
    let pkg = Package::read(&out).expect("reads back");
    assert_eq!(pkg.manifest.dims.hidden, 384);
    assert_eq!(pkg.params.model().ffn, 1536);
    let ffn_out = pkg.site(0, Site::FfnOut).expect("site");
    assert!(
        !ffn_out.is_per_tensor(),
        "per-channel scales differ by column"
    );

    let r = evaluate(&pkg, None, TEXT, Some(2), None).expect("runs");
    assert_eq!(r.layers.len(), 2);
    for s in r.layers.iter().flat_map(|l| &l.sites) {
        assert!(s.spike_agreement >= 0.999, "{s:?}");
        assert!(s.output_rel_error < 0.06, "{s:?}");
        let rate = s.firing_rate.iter().sum::<f64>() / 4.0;
        assert!((0.05..0.7).contains(&rate), "{s:?}");
    }
    // Q, K and V see the same input: the same spikes at their neurons.
    let l0 = &r.layers[0];
    assert_eq!(l0.sites[0].firing_rate, l0.sites[1].firing_rate);
    assert!(l0.cosine > 0.97, "layer 0 cosine {}", l0.cosine);
    // Each layer alone, given the float layer input: 8-bit weights cost more than the integer
    // arithmetic, and layer 2 alone keeps more than the chained layer 2 (which carries layer 1's
    // spike flips along).
    for l in &r.layers {
        let g = l.given_float_input;
        assert!(g.weights_only < g.arithmetic_only, "{g:?}");
        assert!(g.arithmetic_only > 0.98 && g.integer > 0.95, "{g:?}");
    }
    assert!(
        r.layers[1].given_float_input.integer > r.layers[1].cosine,
        "{:?} vs chained {}",
        r.layers[1].given_float_input,
        r.layers[1].cosine
    );
    // BERT's outlier channels clip the Q/K/V input codes (F_in = 14 or 15: |x| ≥ 2 or 1);
    // the outputs keep their headroom.
    assert!(l0.sites[0].input_saturated > 0, "{:?}", l0.sites[0]);
    assert_eq!(r.output_saturated, 0);

    // A package is not overwritten without --force, and a forced import replaces it.
    let e = import(&options(&minilm(), &out, WeightScale::PerChannel)).expect_err("exists");
    assert!(e.to_string().contains("--force"), "{e}");

    // Per tensor: FFN-out's outlier weights flatten the other columns (the 44.9 %).
    let mut o = options(&minilm(), &out, WeightScale::PerTensor);
    o.force = true;
    import(&o).expect("imports per tensor");
    let pt = Package::read(&out).expect("reads back");
    assert!(pt.site(0, Site::FfnOut).expect("site").is_per_tensor());
    let rt = evaluate(&pt, None, TEXT, Some(1), None).expect("runs");
    let err =
        |r: &spikelm_hw::import::evaluate::EncoderReport| r.layers[0].sites[5].output_rel_error;
    assert!(
        err(&rt) > 3.0 * err(&r),
        "per tensor {} vs per channel {}",
        err(&rt),
        err(&r)
    );
}

#[test]
fn wide_outputs_keep_the_kv_quantiser_alpha_codes_exact() {
    // YW = 24 lets F_out reach 20; the K/V quantisers' α (≈ 1.4) then needs 21 bits, more than
    // the 16-bit α code. Clamped, every K and V spike became ±1 (layer-1 cosine 0.939).
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("pkg");
    let mut o = options(&minilm(), &out, WeightScale::PerChannel);
    o.base = spikelm_hw::config::Params::load(
        spikelm_hw::config::DEFAULT_PRESET,
        None,
        &["format.output_bits=24".to_string()],
    )
    .expect("preset");
    o.frac_out_max = 20;
    import(&o).expect("imports");
    let pkg = Package::read(&out).expect("reads back");
    for q in &pkg.manifest.quantisers {
        let site = pkg.site(q.layer, q.quantiser.site()).expect("site");
        for (a, c) in q.alphas.iter().zip(&q.alpha_codes) {
            let exact = (a * f64::from(site.frac_out).exp2()).round();
            assert!(
                (*c as f64 - exact).abs() <= 1.0 && *c < 1 << 16,
                "{q:?} F_out {}",
                site.frac_out
            );
        }
    }
    assert!(pkg.layers[0].site(Site::Query).frac_out > 14, "wider F_out");
    let r = evaluate(&pkg, None, TEXT, Some(1), None).expect("runs");
    assert!(
        r.layers[0].cosine > 0.97,
        "layer 0 cosine {}",
        r.layers[0].cosine
    );
}

#[test]
fn spikelm_alpha_tensors_are_used_and_prefixes_found() {
    let tmp = tempfile::tempdir().expect("tmp");
    for prefix in ["bert.", "0.auto_model.", ""] {
        let ck = tmp.path().join(format!("ck{prefix}"));
        write_tiny(&ck, prefix, true);
        let out = tmp.path().join(format!("pkg{prefix}"));
        let s = import(&options(&ck, &out, WeightScale::PerChannel)).expect("imports");
        assert_eq!(s.alpha_source, "checkpoint", "{prefix}");
        let pkg = Package::read(&out).expect("reads");
        let q = pkg.site(0, Site::FfnIn).expect("site");
        // act_clip_val.t = 0.5 + 0.1·t + 0.01·site (f32), site index 4.
        for (t, a) in q.alphas.iter().enumerate() {
            assert!((a - (0.54 + 0.1 * t as f64)).abs() < 1e-6, "{a}");
        }
        let kq = &pkg.manifest.quantisers[0];
        assert!(kq.alphas.iter().all(|a| (a - 0.7).abs() < 1e-6), "{kq:?}");
    }
    // Without α tensors they are calibrated.
    let ck = tmp.path().join("plain");
    write_tiny(&ck, "", false);
    let s = import(&options(
        &ck,
        &tmp.path().join("p2"),
        WeightScale::PerTensor,
    ))
    .expect("imports");
    assert_eq!(s.alpha_source, "calibrated");
    let _ = TINY;
}

#[test]
fn mismatched_checkpoints_name_the_tensor_and_leave_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ck = tmp.path().join("ck");
    write_tiny(&ck, "", false);
    // config.json says a wider FFN than the tensors hold.
    let cfg = std::fs::read_to_string(ck.join("config.json")).expect("read");
    std::fs::write(
        ck.join("config.json"),
        cfg.replace("\"intermediate_size\": 16", "\"intermediate_size\": 17"),
    )
    .expect("write");
    let out = tmp.path().join("pkg");
    let e = import(&options(&ck, &out, WeightScale::PerChannel))
        .expect_err("mismatch")
        .to_string();
    assert!(
        e.contains("encoder.layer.0.intermediate.dense.weight")
            && e.contains("[16, 8]")
            && e.contains("[17, 8]"),
        "{e}"
    );
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(left.len(), 1, "only the checkpoint directory: {left:?}");

    // A truncated file.
    write_tiny(&ck, "", false);
    let bytes = std::fs::read(ck.join("model.safetensors")).expect("read");
    std::fs::write(ck.join("model.safetensors"), &bytes[..bytes.len() / 2]).expect("write");
    let e = import(&options(&ck, &out, WeightScale::PerChannel))
        .expect_err("truncated")
        .to_string();
    assert!(
        e.contains("model.safetensors") && e.contains("safetensors"),
        "{e}"
    );

    // A missing tensor.
    let mut t = import_support::tiny_tensors(&TINY, "", false);
    t.remove("encoder.layer.0.output.LayerNorm.bias");
    std::fs::write(ck.join("model.safetensors"), import_support::serialize(&t)).expect("write");
    let e = import(&options(&ck, &out, WeightScale::PerChannel))
        .expect_err("missing")
        .to_string();
    assert!(
        e.contains("encoder.layer.0.output.LayerNorm.bias") && e.contains("missing"),
        "{e}"
    );
}

#[test]
fn cli_imports_and_reports_an_encoder_as_json() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ck = tmp.path().join("ck");
    write_tiny(&ck, "bert.", false);
    let pkg = tmp.path().join("pkg");
    let bin = env!("CARGO_BIN_EXE_spikelm-hw");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("runs")
    };
    let (ck_s, pkg_s) = (ck.to_str().expect("utf-8"), pkg.to_str().expect("utf-8"));
    let out = run(&["import", "--checkpoint", ck_s, "--out", pkg_s, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(summary["sites"].as_array().map(Vec::len), Some(6));
    let out = run(&[
        "model",
        "encoder",
        "--package",
        pkg_s,
        "--text",
        TEXT,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let site = &r["layers"][0]["sites"][5];
    assert_eq!(site["site"], "ffn_out");
    assert_eq!(site["firing_rate"].as_array().map(Vec::len), Some(4));
    assert!(r["ops"].as_array().is_some_and(|o| o.len() >= 8));
    let given = &r["layers"][0]["given_float_input"];
    for k in ["integer", "weights_only", "arithmetic_only"] {
        assert!(
            given[k]
                .as_f64()
                .is_some_and(|c| c > 0.0 && c <= 1.0 + 1e-12),
            "{k}: {given}"
        );
    }
    // FFN out sees T · tokens · ffn input values, some of which may clip.
    let tokens = r["tokens"].as_u64().expect("tokens");
    assert_eq!(site["input_values"].as_u64(), Some(4 * tokens * 16));
    assert!(site["input_saturated"].as_u64() <= site["input_values"].as_u64());
    // A line longer than max_position_embeddings (512) is cut there, and the cut is stated.
    let long = vec!["word"; 600].join(" ");
    let out = run(&[
        "model",
        "encoder",
        "--package",
        pkg_s,
        "--text",
        &long,
        "--layers",
        "1",
        "--json",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("note: line 1 has 602 tokens; only the first 512"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(r["tokens"].as_u64(), Some(512));
    assert_eq!(r["truncated"][0]["kept"].as_u64(), Some(512));
    // A second import into the same package is refused and names --force.
    let out = run(&["import", "--checkpoint", ck_s, "--out", pkg_s]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    // A bad --frac-bits is an error naming the flag.
    let out = run(&[
        "import",
        "--checkpoint",
        ck_s,
        "--out",
        pkg_s,
        "--force",
        "--frac-bits",
        "9",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frac-bits 9"));
    // F_in above XW − 1 would give a package the engine's configuration refuses.
    let out = run(&[
        "import",
        "--checkpoint",
        ck_s,
        "--out",
        pkg_s,
        "--force",
        "--frac-bits",
        "8:16",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("format.input_bits − 1 = 15"),
        "{err}"
    );
}
