//! The variety of real Hugging Face BERT checkpoints: layouts (sharded, file or directory, extra
//! heads), dtypes, config.json variants, SpikeLM α sets, tokenizers and text, output directories.
//! Each case either loads what the single-file F32 checkpoint loads or fails naming the file,
//! field or tensor, its value and the rule.

mod import_support;

use import_support::{
    config_with, extra_heads, on_grid, options, serialize, serialize_as, tiny_config, tiny_tensors,
    write_dir, write_shards, write_tiny, Store, Tensors, Tiny, TINY,
};
use serde_json::json;
use spikelm_hw::import::checkpoint::{f16_value, load_checkpoint};
use spikelm_hw::import::text::{tokenize_text, TokenizerSource};
use spikelm_hw::import::{import, ImportError, Package};
use spikelm_hw::model::encoder::site::WeightScale;
use spikelm_hw::model::encoder::BertWeights;
use std::path::{Path, PathBuf};

fn weights(path: &Path) -> BertWeights {
    load_checkpoint(path, 4).expect("loads").weights
}

fn load_err(path: &Path) -> String {
    load_checkpoint(path, 4).expect_err("refused").to_string()
}

fn has_all(e: &str, needles: &[&str]) -> bool {
    needles.iter().all(|n| e.contains(n))
}

#[test]
fn sharded_and_single_files_with_extra_heads_load_the_same_weights() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tensors = tiny_tensors(&TINY, "bert.", false);
    let single = tmp.path().join("single");
    let bytes = serialize_as(&tensors, Store::F32, &extra_heads(&TINY, "bert."));
    write_dir(&single, &bytes, &tiny_config(&TINY));
    let reference = weights(&single);
    assert_eq!(weights(&single.join("model.safetensors")), reference);

    let sharded = tmp.path().join("sharded");
    write_shards(&sharded, &tensors);
    std::fs::copy(single.join("config.json"), sharded.join("config.json")).expect("copy");
    std::fs::copy(
        single.join("tokenizer.json"),
        sharded.join("tokenizer.json"),
    )
    .expect("copy");
    let index = sharded.join("model.safetensors.index.json");
    let second = sharded.join("model-00002-of-00002.safetensors");
    for path in [&sharded, &index, &second] {
        let ck = load_checkpoint(path, 4).expect("loads the shards");
        assert_eq!(ck.weights, reference, "{}", path.display());
        assert_eq!(ck.safetensors, index, "the package records the index");
    }

    // Broken indexes name the index and the field.
    let text = std::fs::read_to_string(&index).expect("read");
    for (broken, needle) in [
        ("{not json".to_string(), "not valid JSON"),
        (r#"{"metadata": {}}"#.to_string(), "weight_map"),
        (
            text.replacen("model-00001-of-00002", "../model-00001-of-00002", 1),
            "not a file name beside the index",
        ),
    ] {
        std::fs::write(&index, broken).expect("write");
        let e = load_err(&sharded);
        assert!(
            has_all(&e, &["model.safetensors.index.json", needle]),
            "{e}"
        );
    }
    std::fs::write(&index, text).expect("write");
    // An index naming a shard that is not there names it.
    std::fs::remove_file(&second).expect("rm");
    let e = load_err(&sharded);
    assert!(
        has_all(&e, &["model-00002-of-00002.safetensors", "weight_map"]),
        "{e}"
    );
}

#[test]
fn ambiguous_or_foreign_weight_files_are_named() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Two BERTs in one file (a teacher beside the student): refused naming both prefixes.
    let mut two = tiny_tensors(&TINY, "student.bert.", false);
    two.extend(tiny_tensors(&TINY, "teacher.bert.", false));
    let both = tmp.path().join("both");
    write_dir(&both, &serialize(&two), &tiny_config(&TINY));
    let e = load_err(&both);
    assert!(
        has_all(&e, &["student.bert.", "teacher.bert.", "2 models"]),
        "{e}"
    );

    let dir = tmp.path().join("two");
    std::fs::create_dir_all(&dir).expect("dir");
    let bytes = serialize(&tiny_tensors(&TINY, "", false));
    for name in ["a.safetensors", "b.safetensors"] {
        std::fs::write(dir.join(name), &bytes).expect("write");
    }
    std::fs::write(dir.join("config.json"), tiny_config(&TINY)).expect("write");
    let e = load_err(&dir);
    assert!(
        has_all(&e, &["a.safetensors", "b.safetensors", "index"]),
        "{e}"
    );

    let pt = tmp.path().join("pt");
    std::fs::create_dir_all(&pt).expect("dir");
    std::fs::write(pt.join("pytorch_model.bin"), b"pickle").expect("write");
    std::fs::write(pt.join("pytorch_model-00001-of-00002.bin"), b"pickle").expect("write");
    std::fs::write(pt.join("config.json"), tiny_config(&TINY)).expect("write");
    let e = load_err(&pt);
    assert!(
        has_all(
            &e,
            &[
                "pytorch_model.bin",
                "pytorch_model-00001-of-00002.bin",
                "safetensors"
            ]
        ),
        "{e}"
    );
}

#[test]
fn f16_and_bf16_checkpoints_load_the_f32_weights_and_integers_are_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut tensors = tiny_tensors(&TINY, "", false);
    on_grid(&mut tensors);
    let load = |store: Store| {
        let dir = tmp.path().join(format!("{store:?}"));
        write_dir(
            &dir,
            &serialize_as(&tensors, store, &[]),
            &tiny_config(&TINY),
        );
        load_checkpoint(&dir, 4)
    };
    let reference = load(Store::F32).expect("F32").weights;
    for store in [Store::F16, Store::BF16] {
        let w = load(store)
            .unwrap_or_else(|e| panic!("{store:?}: {e}"))
            .weights;
        assert_eq!(w, reference, "{store:?}");
    }
    let e = load(Store::I32).expect_err("integers").to_string();
    assert!(
        has_all(&e, &["embeddings.word_embeddings.weight", "I32", "F16"]),
        "{e}"
    );
    // Binary16's corners: subnormals, the largest normal, infinities.
    assert_eq!(f16_value(0x0001), (-24f64).exp2());
    assert_eq!(f16_value(0x7bff), 65504.0);
    assert_eq!(f16_value(0xc000), -2.0);
    assert!(f16_value(0x7c00).is_infinite() && f16_value(0x7e00).is_nan());
}

#[test]
fn legacy_layernorm_gamma_and_beta_names_load_the_same_weights() {
    // Checkpoints ported from TensorFlow BERT (bert-base-uncased's model.safetensors among
    // them) name a LayerNorm's parameters `gamma` and `beta`.
    let tmp = tempfile::tempdir().expect("tmp");
    let tensors = tiny_tensors(&TINY, "bert.", false);
    let legacy = |name: &str| {
        name.replace("LayerNorm.weight", "LayerNorm.gamma")
            .replace("LayerNorm.bias", "LayerNorm.beta")
    };
    let renamed: Tensors = tensors
        .iter()
        .map(|(k, v)| (legacy(k), v.clone()))
        .collect();
    assert!(renamed.keys().any(|k| k.ends_with("LayerNorm.gamma")));
    let load = |name: &str, t: &Tensors| {
        let dir = tmp.path().join(name);
        write_dir(&dir, &serialize(t), &tiny_config(&TINY));
        load_checkpoint(&dir, 4)
    };
    let reference = load("new", &tensors).expect("new names").weights;
    let old = load("legacy", &renamed).expect("legacy names").weights;
    assert_eq!(old, reference);

    // Both names for one parameter: refused naming both, not one picked.
    let mut both = tensors.clone();
    let dup = "bert.encoder.layer.0.output.LayerNorm.beta";
    both.insert(
        dup.to_string(),
        tensors["bert.encoder.layer.0.output.LayerNorm.bias"].clone(),
    );
    let e = load("both", &both).expect_err("stored twice").to_string();
    assert!(
        has_all(&e, &["encoder.layer.0.output.LayerNorm.bias", dup, "twice"]),
        "{e}"
    );
    // Neither: the missing tensor is named with its legacy name.
    let mut none = tensors.clone();
    none.remove("bert.embeddings.LayerNorm.weight");
    let e = load("none", &none).expect_err("missing").to_string();
    assert!(
        has_all(&e, &["bert.embeddings.LayerNorm.weight", "LayerNorm.gamma"]),
        "{e}"
    );
}

fn with_config(tmp: &Path, name: &str, edits: &[(&str, Option<serde_json::Value>)]) -> PathBuf {
    let dir = tmp.join(name);
    write_dir(
        &dir,
        &serialize(&tiny_tensors(&TINY, "", false)),
        &config_with(&TINY, edits),
    );
    dir
}

#[test]
fn config_variants_default_what_bert_defaults_and_refuse_other_models() {
    let tmp = tempfile::tempdir().expect("tmp");
    let optional = [
        "layer_norm_eps",
        "hidden_act",
        "type_vocab_size",
        "max_position_embeddings",
    ];
    let bare = with_config(
        tmp.path(),
        "bare",
        &optional.map(|k| (k, None::<serde_json::Value>)),
    );
    let dims = load_checkpoint(&bare, 4).expect("defaults").weights.dims;
    assert_eq!((dims.max_positions, dims.type_vocab), (512, 2));
    assert_eq!(dims.layer_norm_eps, 1e-12);
    let erf = with_config(
        tmp.path(),
        "erf",
        &[("hidden_act", Some(json!("gelu_python")))],
    );
    load_checkpoint(&erf, 4).expect("gelu_python is the erf GELU");
    for (field, value) in [
        ("hidden_act", "gelu_new"),
        ("hidden_act", "relu"),
        ("model_type", "roberta"),
        ("model_type", "distilbert"),
    ] {
        let dir = with_config(tmp.path(), value, &[(field, Some(json!(value)))]);
        let e = load_err(&dir);
        assert!(
            has_all(&e, &["config.json", field, value, "expected one of"]),
            "{e}"
        );
    }
    let e = load_err(&with_config(
        tmp.path(),
        "heads",
        &[("num_attention_heads", Some(json!(3)))],
    ));
    assert!(
        has_all(&e, &["hidden_size", "8", "num_attention_heads = 3"]),
        "{e}"
    );
}

#[test]
fn dimensions_the_array_cannot_hold_name_the_checkpoint_and_the_remedy() {
    let tmp = tempfile::tempdir().expect("tmp");
    let t = Tiny { ffn: 20, ..TINY };
    let dir = tmp.path().join("ck");
    write_dir(
        &dir,
        &serialize(&tiny_tensors(&t, "", false)),
        &tiny_config(&t),
    );
    let out = tmp.path().join("pkg");
    let e = import(&options(&dir, &out, WeightScale::PerChannel)).expect_err("20 % 8");
    let e = e.to_string();
    assert!(
        has_all(
            &e,
            &[
                "config.json",
                "intermediate_size",
                "model.ffn = 20",
                "--set array"
            ]
        ),
        "{e}"
    );
    // An array that divides the dimensions, with the base configuration's own seq_len (96, not
    // 128: three tokens per row block).
    let mut o = options(&dir, &out, WeightScale::PerChannel);
    o.base = spikelm_hw::config::Params::load(
        spikelm_hw::config::DEFAULT_PRESET,
        None,
        &["array=12x4".into(), "model.seq_len=96".into()],
    )
    .expect("12x4");
    import(&o).expect("imports on 12 x 4");
    let pkg = Package::read(&out).expect("reads");
    assert_eq!(pkg.params.model().seq_len % 96, 0);
}

fn alpha_ck(
    tmp: &Path,
    name: &str,
    t: &Tiny,
    edit: impl Fn(&mut import_support::Tensors),
) -> PathBuf {
    let mut tensors = tiny_tensors(t, "bert.", true);
    edit(&mut tensors);
    let dir = tmp.join(name);
    write_dir(&dir, &serialize(&tensors), &tiny_config(t));
    dir
}

#[test]
fn spikelm_alpha_sets_are_all_or_nothing_and_set_t() {
    let tmp = tempfile::tempdir().expect("tmp");
    // Layer 0's query α at t = 0 missing: every other α present. It used to calibrate all.
    let q0 = "bert.encoder.layer.0.attention.self.query.act_clip_val.0";
    let dir = alpha_ck(tmp.path(), "q0", &TINY, |m| {
        m.remove(q0);
    });
    let e = load_err(&dir);
    assert!(has_all(&e, &[q0, "missing", "1 of 32"]), "{e}");
    // A quantiser's last step missing.
    let v3 = "bert.encoder.layer.0.attention.self.clip_value.3";
    let e = load_err(&alpha_ck(tmp.path(), "v3", &TINY, |m| {
        m.remove(v3);
    }));
    assert!(has_all(&e, &[v3, "missing"]), "{e}");

    // α for 8 steps and no `T` in config.json: T = 8 (it used to be --time-steps, 4).
    let t8 = Tiny { steps: 8, ..TINY };
    let dir = alpha_ck(tmp.path(), "t8", &t8, |_| {});
    let ck = load_checkpoint(&dir, 4).expect("loads");
    assert_eq!(ck.weights.dims.time_steps, 8);
    let alphas = ck.alphas.expect("α");
    assert_eq!(alphas[0].key.len(), 8);
    // An explicit --time-steps the α contradict is refused; the same T is accepted.
    let mut o = options(&dir, &tmp.path().join("p4"), WeightScale::PerChannel);
    o.time_steps = Some(4);
    let e = import(&o)
        .expect_err("T = 4 against α for 8 steps")
        .to_string();
    assert!(has_all(&e, &["--time-steps", "T = 8", "α"]), "{e}");
    o.time_steps = Some(8);
    import(&o).expect("T = 8 as the α say");
    // α of a head outside the encoder (a spiking pooler) neither make a set nor set T.
    let pooler = alpha_ck(tmp.path(), "pooler", &TINY, |m| {
        m.retain(|k, _| !k.contains("act_clip_val") && !k.contains("clip_"));
        for t in 0..6 {
            m.insert(
                format!("bert.pooler.dense.act_clip_val.{t}"),
                (vec![], vec![0.5]),
            );
        }
    });
    let ck = load_checkpoint(&pooler, 4).expect("loads");
    assert!(ck.alphas.is_none() && ck.weights.dims.time_steps == 4);
    // With `T` = 4 in config.json the extra steps are refused.
    std::fs::write(
        dir.join("config.json"),
        config_with(&t8, &[("T", Some(json!(4)))]),
    )
    .expect("w");
    let e = load_err(&dir);
    assert!(has_all(&e, &["act_clip_val.", "T = 4"]), "{e}");

    // One tensor of all steps is not SpikeLM's layout: refused, not silently calibrated.
    let whole = "bert.encoder.layer.0.intermediate.dense.act_clip_val";
    let e = load_err(&alpha_ck(tmp.path(), "whole", &TINY, |m| {
        m.retain(|k, _| !k.contains("act_clip_val") && !k.contains("clip_"));
        m.insert(whole.to_string(), (vec![4], vec![0.5; 4]));
    }));
    assert!(
        has_all(&e, &[whole, "without a time step", "act_clip_val.{t}"]),
        "{e}"
    );

    for (name, v, shown) in [
        ("neg", -0.5f32, "-0.5"),
        ("zero", 0.0, "α = 0"),
        ("nan", f32::NAN, "NaN"),
    ] {
        let k1 = "bert.encoder.layer.0.attention.self.key.act_clip_val.1";
        let e = load_err(&alpha_ck(tmp.path(), name, &TINY, |m| {
            if let Some((_, x)) = m.get_mut(k1) {
                x[0] = v;
            }
        }));
        assert!(has_all(&e, &[k1, shown]), "{name}: {e}");
    }
}

fn minilm_tokenizer() -> TokenizerSource {
    TokenizerSource::Json(import_support::minilm().join("tokenizer.json"))
}

#[test]
fn long_lines_are_cut_at_the_model_limit_keeping_sep_and_reported() {
    let long = vec!["word"; 700].join(" ");
    let text = format!("\n{long}\n   \nshort line\n");
    // The MiniLM tokenizer.json saves a truncation at 128: not the model's limit.
    for limit in [512usize, 600] {
        let t = tokenize_text(&minilm_tokenizer(), &text, limit).expect("tokenizes");
        let b = &t.batch;
        assert_eq!(b.segments.len(), 2, "blank lines are no sequences");
        assert_eq!(b.segments[0].len(), limit);
        let sep = 102;
        assert_eq!(
            b.ids[b.segments[0].end - 1],
            sep,
            "[SEP] closes the cut line"
        );
        assert_eq!(t.truncated.len(), 1);
        let cut = &t.truncated[0];
        assert_eq!((cut.line, cut.tokens, cut.kept), (2, 702, limit));
    }
    let t = tokenize_text(&minilm_tokenizer(), "short line", 512).expect("tokenizes");
    assert!(t.truncated.is_empty());
    let e = tokenize_text(&minilm_tokenizer(), " \n\t\n", 512).expect_err("blank");
    assert!(e.to_string().contains("no non-empty line"), "{e}");
}

#[test]
fn vocab_txt_is_the_fallback_tokenizer_with_its_case() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("ck");
    write_tiny(&dir, "", false);
    std::fs::remove_file(dir.join("tokenizer.json")).expect("rm");
    let text = "Café naïve résumé 😀 日本語のテキスト\nThe QUICK brown fox.";
    let e = import(&options(
        &dir,
        &tmp.path().join("p0"),
        WeightScale::PerChannel,
    ))
    .expect_err("no tokenizer");
    assert!(
        has_all(&e.to_string(), &["tokenizer.json", "vocab.txt"]),
        "{e}"
    );

    std::fs::copy(
        import_support::minilm().join("vocab.txt"),
        dir.join("vocab.txt"),
    )
    .expect("cp");
    let ck = load_checkpoint(&dir, 4).expect("loads");
    let source = spikelm_hw::import::text::tokenizer_of(&ck).expect("vocab.txt");
    let ids = |s: &TokenizerSource| tokenize_text(s, text, 512).expect("tokenizes").batch.ids;
    assert_eq!(
        ids(&source),
        ids(&minilm_tokenizer()),
        "uncased WordPiece as tokenizer.json"
    );
    std::fs::write(
        dir.join("tokenizer_config.json"),
        r#"{"do_lower_case": false}"#,
    )
    .expect("w");
    let cased = spikelm_hw::import::text::tokenizer_of(&load_checkpoint(&dir, 4).expect("loads"))
        .expect("vocab.txt");
    assert_ne!(
        ids(&cased),
        ids(&source),
        "cased keeps QUICK, unknown to an uncased vocabulary"
    );
    import(&options(
        &dir,
        &tmp.path().join("p1"),
        WeightScale::PerChannel,
    ))
    .expect("imports");
}

#[test]
fn force_replaces_only_a_package_and_leaves_no_temporary_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ck = tmp.path().join("ck");
    write_tiny(&ck, "", false);
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("dir");
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    let mut o = options(&ck, &out, WeightScale::PerChannel);
    o.force = true;
    let e = import(&o).expect_err("not a package");
    assert!(matches!(e, ImportError::Package { .. }), "{e}");
    assert!(
        has_all(&e.to_string(), &["not a package", "package.toml"]),
        "{e}"
    );
    assert!(out.join("notes.txt").is_file(), "kept");
    // The checkpoint's own directory, forced: refused, nothing deleted.
    let mut o = options(&ck, &ck, WeightScale::PerChannel);
    o.force = true;
    import(&o).expect_err("the checkpoint is not a package");
    assert!(ck.join("model.safetensors").is_file());

    let pkg = tmp.path().join("pkg");
    import(&options(&ck, &pkg, WeightScale::PerChannel)).expect("imports");
    let mut o = options(&ck, &pkg, WeightScale::PerTensor);
    o.force = true;
    import(&o).expect("replaces a package");
    assert!(Package::read(&pkg).expect("reads").layers[0].sites[0].is_per_tensor());
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary directories left: {left:?}");
}

#[test]
fn a_tokenizer_of_another_vocabulary_is_named() {
    // config.json and the embeddings say 40 tokens; the MiniLM tokenizer yields ids up to 30521.
    let tmp = tempfile::tempdir().expect("tmp");
    let t = Tiny { vocab: 40, ..TINY };
    let dir = tmp.path().join("ck");
    write_dir(
        &dir,
        &serialize(&tiny_tensors(&t, "", false)),
        &tiny_config(&t),
    );
    let e = import(&options(
        &dir,
        &tmp.path().join("pkg"),
        WeightScale::PerChannel,
    ))
    .expect_err("ids outside the vocabulary")
    .to_string();
    assert!(
        has_all(&e, &["tokenizer.json", "vocab_size = 40", "config.json"]),
        "{e}"
    );
}

#[test]
fn a_cased_tokenizer_json_keeps_case_and_accents() {
    let tmp = tempfile::tempdir().expect("tmp");
    let uncased =
        std::fs::read_to_string(import_support::minilm().join("tokenizer.json")).expect("read");
    let needle = r#""strip_accents":null,"lowercase":true"#;
    assert!(
        uncased.contains(needle),
        "the MiniLM normalizer lower-cases"
    );
    let cased = tmp.path().join("tokenizer.json");
    std::fs::write(
        &cased,
        uncased.replace(needle, r#""strip_accents":false,"lowercase":false"#),
    )
    .expect("write");
    let ids = |path: PathBuf, text: &str| {
        tokenize_text(&TokenizerSource::Json(path), text, 512)
            .expect("tokenizes")
            .batch
            .ids
    };
    let minilm = import_support::minilm().join("tokenizer.json");
    assert_eq!(ids(minilm.clone(), "Café"), ids(minilm.clone(), "cafe"));
    assert_ne!(ids(cased.clone(), "Café"), ids(cased.clone(), "cafe"));
    // A lower-case, accent-free word is the same in both.
    assert_eq!(ids(cased, "cafe"), ids(minilm, "cafe"));
}
