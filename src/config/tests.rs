use super::*;

fn err(preset_name: &str, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match Params::load(preset_name, None, &sets) {
        Ok(_) => panic!("expected an error for {sets:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_preset_validates() {
    for name in preset_names() {
        let p = Params::load(name, None, &[]).expect(name);
        assert_eq!(p.config.preset, name);
        assert_eq!(p.derived.layer_shapes.len(), 4);
    }
}

#[test]
fn base_preset_is_the_paper_model() {
    let p = Params::load("spikelm-bert-base", None, &[]).unwrap();
    let m = p.model();
    assert_eq!(
        (m.layers, m.hidden, m.heads, m.ffn, m.seq_len, m.time_steps),
        (12, 768, 12, 3072, 128, 4)
    );
    // 3072 terms of at most 127: 390144 needs 20 bits signed.
    assert_eq!(p.derived.acc_bits, 20);
    assert_eq!(p.derived.max_din, 3072);
    assert_eq!(p.derived.max_dout, 3072);
    assert_eq!(p.derived.shape(LayerKind::Qkv).dout, 2304);
}

#[test]
fn accumulator_width_is_tight() {
    // Din_max * 127 must fit and Din_max * 127 with one bit less must not.
    for name in preset_names() {
        let p = Params::load(name, None, &[]).unwrap();
        let max = p.derived.max_din as i64 * 127;
        let w = p.derived.acc_bits;
        assert!(
            max < (1i64 << (w - 1)),
            "{name}: {max} does not fit {w} bits"
        );
        assert!(
            max > (1i64 << (w - 2)) - 1,
            "{name}: {w} bits is wider than needed"
        );
    }
}

#[test]
fn overrides_apply_in_order_and_short_keys_resolve() {
    let sets = [
        "array.rows=4",
        "array=8x16",
        "alpha_mode=csd:2",
        "format.frac_bits=8",
    ]
    .map(String::from);
    let p = Params::load("spikelm-bert-base", None, &sets).unwrap();
    assert_eq!((p.array().rows, p.array().cols), (8, 16));
    assert_eq!(p.format().alpha_mode, AlphaMode::Csd(2));
    assert_eq!(p.format().frac_bits, 8);
}

#[test]
fn violated_rules_name_field_value_and_rule() {
    let e = err("spikelm-bert-tiny", &["array.rows=6"]);
    assert!(
        e.contains("array.rows = 6") && e.contains("multiple of model.time_steps"),
        "{e}"
    );
    let e = err("spikelm-bert-tiny", &["array.cols=7"]);
    assert!(
        e.contains("model.hidden = 128") && e.contains("array.cols = 7"),
        "{e}"
    );
    let e = err("spikelm-bert-tiny", &["model.heads=3"]);
    assert!(e.contains("model.heads = 3"), "{e}");
    let e = err("spikelm-bert-tiny", &["alpha_mode=csd:9"]);
    assert!(e.contains("csd:9"), "{e}");
    let e = err("spikelm-bert-tiny", &["array.rowz=4"]);
    assert!(e.contains("unknown key") && e.contains("array.rows"), "{e}");
    let e = err("spikelm-bert-tiny", &["array.rows=four"]);
    assert!(
        e.contains("array.rows = four") && e.contains("whole number"),
        "{e}"
    );
    let e = err(
        "spikelm-bert-base",
        &[
            "format.weight_bits=16",
            "model.ffn=65536",
            "array.pe=int8_mac",
        ],
    );
    assert!(e.contains("accumulator"), "{e}");
    let e = err(
        "spikelm-bert-tiny",
        &[
            "array.pe=int8_mac",
            "format.input_bits=4",
            "format.frac_bits=3",
            "format.membrane_bits=6",
        ],
    );
    assert!(
        e.contains("format.membrane_bits = 6") && e.contains("int8_mac"),
        "{e}"
    );
    let e = err("spikelm-bert-nano", &[]);
    assert!(e.contains("spikelm-bert-tiny"), "{e}");
}

#[test]
fn toml_file_overlays_and_refuses_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[array]\nrows = 4\ncols = 4\n[format]\nalpha_mode = \"pow2\"\n",
    )
    .unwrap();
    let p = Params::load("spikelm-bert-tiny", Some(&good), &[]).unwrap();
    assert_eq!(
        (p.array().rows, p.format().alpha_mode),
        (4, AlphaMode::Pow2)
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[array]\nrows = 4\nshape = 3\n").unwrap();
    let e = Params::load("spikelm-bert-tiny", Some(&bad), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("array.shape") && e.contains("bad.toml"), "{e}");
}

#[test]
fn hash_depends_on_every_field() {
    let a = Params::load("spikelm-bert-tiny", None, &[]).unwrap();
    let b = Params::load("spikelm-bert-tiny", None, &["format.output_bits=15".into()]).unwrap();
    let a2 = Params::load("spikelm-bert-tiny", None, &[]).unwrap();
    assert_ne!(a.derived.config_hash, b.derived.config_hash);
    assert_eq!(a.derived.config_hash, a2.derived.config_hash);
}

#[test]
fn adder_defaults_to_plain_and_ccu2c_needs_the_ternary_pe() {
    for name in preset_names() {
        let p = Params::load(name, None, &[]).unwrap();
        assert_eq!(p.array().adder, AdderKind::Plain, "{name}");
    }
    let p = Params::load(
        "spikelm-bert-tiny",
        None,
        &["array.adder=ecp5_ccu2c".to_string()],
    )
    .unwrap();
    assert_eq!(p.array().adder, AdderKind::Ecp5Ccu2c);
    assert!(toml::to_string(&p.config)
        .unwrap()
        .contains("adder = \"ecp5_ccu2c\""));
    let e = err(
        "spikelm-bert-tiny",
        &["array.pe=int8_mac", "array.adder=ecp5_ccu2c"],
    );
    assert!(
        e.contains("array.adder") && e.contains("ecp5_ccu2c") && e.contains("array.pe = ternary"),
        "{e}"
    );
    let e = err("spikelm-bert-tiny", &["array.adder=lut6"]);
    assert!(e.contains("lut6"), "{e}");
}

#[test]
fn encoder_lanes_follow_the_narrowest_layer() {
    let lanes = |sets: &[&str]| {
        Params::preset_with("spikelm-bert-tiny", sets)
            .expect("configuration")
            .derived
            .encoder_lanes
    };
    // Every preset on its default array: one pair per cycle keeps up.
    for name in crate::config::preset_names() {
        let p = Params::load(name, None, &[]).expect("preset");
        assert_eq!(p.derived.encoder_lanes, 1, "{name}");
    }
    // Tiny's narrowest layer has 128 outputs: 32 x 32 has 4 column blocks against 8 tokens per
    // row block (2 lanes), 32 x 64 has 2 (4 lanes); INT8 16 x 16: 16 tokens, 8 column blocks.
    assert_eq!(lanes(&["array=16x32"]), 1);
    assert_eq!(lanes(&["array=32x32"]), 2);
    assert_eq!(lanes(&["array=32x64"]), 4);
    assert_eq!(lanes(&["array=16x16", "array.pe=int8_mac"]), 2);
    // Set by hand, a power of two dividing the tokens per row block.
    assert_eq!(lanes(&["array=32x32", "array.encoder_lanes=8"]), 8);
    let e = err(
        "spikelm-bert-tiny",
        &["array=32x32", "array.encoder_lanes=3"],
    );
    assert!(
        e.contains("array.encoder_lanes") && e.contains("8 tokens per row block"),
        "{e}"
    );
    // The largest power of two dividing 3 tokens per row block is 1.
    assert_eq!(super::derived::auto_lanes(3, 1), 1);
    assert_eq!(super::derived::auto_lanes(12, 1), 4);
}

#[test]
fn weight_stationary_needs_ternary_pes_and_power_of_two_rows() {
    let err = |sets: &[&str]| {
        Params::preset_with("spikelm-bert-tiny", sets)
            .expect_err("refused")
            .to_string()
    };
    let e = err(&["array.dataflow=weight_stationary", "array.pe=int8_mac"]);
    assert!(e.contains("array.dataflow") && e.contains("ternary"), "{e}");
    let e = err(&[
        "array.dataflow=weight_stationary",
        "array=12x4",
        "model.seq_len=96",
    ]);
    assert!(
        e.contains("array.rows") && e.contains("power of two"),
        "{e}"
    );
    let e = err(&["array.dataflow=sideways"]);
    assert!(e.contains("dataflow"), "{e}");
    // Left out of the JSON when default: the hash of every existing configuration stands.
    let os = Params::preset_with("spikelm-bert-tiny", &["array.dataflow=output_stationary"])
        .expect("valid");
    let plain = Params::preset_with("spikelm-bert-tiny", &[]).expect("valid");
    assert_eq!(os.derived.config_hash, plain.derived.config_hash);
}

#[test]
fn the_int8_twin_of_a_weight_stationary_engine_holds_as_many_tokens() {
    let p = Params::preset_with("spikelm-bert-base", &["array.dataflow=weight_stationary"])
        .expect("valid");
    let ternary_tokens = p.derived.blocks_per_bank * p.derived.tokens_per_row_block;
    assert_eq!(ternary_tokens, 16);
    let twin = p.config.int8_twin();
    assert_eq!(twin.array.dataflow, Dataflow::OutputStationary);
    assert_eq!(twin.array.resident_tokens, ternary_tokens);
}
