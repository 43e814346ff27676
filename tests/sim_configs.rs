//! Random configurations from a fixed seed (array shapes, widths, alpha modes, T), each built
//! under Verilator and checked bit for bit on every layer shape, with and without stalls.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{AlphaMode, LayerKind, Params};
use spikelm_hw::sim::rng::SplitMix64;
use spikelm_hw::sim::{self, Case};

/// A small valid configuration drawn from `rng`, as `--set` overrides.
fn draw(rng: &mut SplitMix64, alpha_mode: &str) -> Vec<String> {
    let pick = |rng: &mut SplitMix64, v: &[u32]| v[rng.range(0, v.len() as i64 - 1) as usize];
    let t = pick(rng, &[1, 2, 3, 4]);
    let rows = t * pick(rng, &[1, 2]);
    let cols = pick(rng, &[2, 3, 4, 8]);
    let hidden = cols * pick(rng, &[2, 3]);
    let ffn = cols * pick(rng, &[3, 4]);
    let tokens_per_block = rows / t;
    let seq = tokens_per_block * pick(rng, &[2, 3]);
    let xw = pick(rng, &[8, 12, 16]);
    let frac = xw / 2;
    let mw = xw + pick(rng, &[0, 4, 12]);
    vec![
        "model.layers=1".into(),
        "model.heads=1".into(),
        format!("model.hidden={hidden}"),
        format!("model.ffn={ffn}"),
        format!("model.seq_len={seq}"),
        format!("model.time_steps={t}"),
        format!("array.rows={rows}"),
        format!("array.cols={cols}"),
        format!("format.input_bits={xw}"),
        format!("format.frac_bits={frac}"),
        format!("format.membrane_bits={mw}"),
        format!("format.alpha_bits={}", pick(rng, &[8, 12, 16])),
        format!("format.weight_bits={}", pick(rng, &[3, 4, 6, 8])),
        format!("format.output_bits={}", pick(rng, &[8, 12, 16, 20])),
        format!("format.scale_bits={}", pick(rng, &[6, 10, 16])),
        format!("format.alpha_mode={alpha_mode}"),
        // 0 or 1 row block per bank (no weight buffer), or 2 (weights reused once).
        format!(
            "array.resident_tokens={}",
            tokens_per_block * pick(rng, &[0, 1, 2])
        ),
        // Encoder lanes: chosen, or one per token of the row block (1 or 2, both powers of 2).
        format!("array.encoder_lanes={}", pick(rng, &[0, tokens_per_block])),
        // Landing registers on (the default) or off (the small iCE40 fit): other pipeline depths.
        format!("array.landing_registers={}", pick(rng, &[0, 1]) == 1),
    ]
}

fn check_config(name: &str, p: &Params) {
    let mut o = options(p, name, &[Case::Random], &LayerKind::ALL, None);
    o.stall = Some(0.0);
    o.seed = 11;
    let r = sim::run(p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let mut o = options(
        p,
        name,
        &[Case::Random, Case::MembraneSaturation, Case::FiringTie],
        &LayerKind::ALL,
        None,
    );
    o.stall = Some(0.3);
    o.seed = 12;
    let r = sim::run(p, &o).expect("co-simulation runs");
    assert_passed(&r);
}

#[test]
fn random_configurations_from_a_fixed_seed() {
    let mut rng = SplitMix64::new(2026);
    let modes = ["csd:2", "pow2", "exact"];
    for (k, mode) in modes.iter().enumerate() {
        let sets = draw(&mut rng, mode);
        let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
        let p = Params::preset_with("spikelm-bert-tiny", &refs).expect("test configuration");
        assert_eq!(p.format().alpha_mode.to_string(), *mode);
        eprintln!("config {k}: {}", sets.join(" "));
        check_config(&format!("config-{k}"), &p);
    }
}

/// The UP5K fit's engine (no landing registers; the encoder's input and tag lines as block-RAM
/// rings, `array.delay_lines_in_ram`) on a small model: bit for bit and cycle for cycle, with and
/// without stalls.
#[test]
fn the_up5k_fit_with_its_delay_lines_in_block_ram_matches() {
    let mut sets: Vec<&str> = spikelm_hw::synth::UP5K_FIT.to_vec();
    sets.extend([
        "model.layers=1",
        "model.hidden=16",
        "model.heads=2",
        "model.ffn=32",
        "model.seq_len=16",
    ]);
    let p = Params::preset_with("spikelm-bert-tiny", &sets).expect("test configuration");
    assert!(p.array().delay_lines_in_ram);
    check_config("up5k-fit", &p);
}

/// Here the encoder, one lane, waits for the compute process to free a bank (E = 64 encode
/// cycles per row block against K = 74 compute cycles on attn_out), so the cycle the freed bank
/// reaches the encoder is on the critical path of the run: CYCLES equals the model only if both
/// release the bank one cycle after its last drain beat.
#[test]
fn a_freed_bank_reaches_the_encoder_one_cycle_after_its_last_drain_beat() {
    let p = Params::preset_with(
        "spikelm-bert-tiny",
        &[
            "model.hidden=16",
            "model.heads=2",
            "model.ffn=32",
            "model.seq_len=16",
            "array=16x8",
            "array.encoder_lanes=1",
        ],
    )
    .expect("test configuration");
    let mut o = options(&p, "bank-release", &[Case::Random], &LayerKind::ALL, None);
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
}

#[test]
fn membrane_saturation_is_reached_and_matches_with_a_narrow_membrane() {
    let p = Params::preset_with(
        "spikelm-bert-tiny",
        &[
            "model.hidden=16",
            "model.ffn=32",
            "model.heads=1",
            "model.seq_len=8",
            "array.rows=8",
            "array.cols=8",
            "format.membrane_bits=18",
            "format.alpha_mode=csd:2",
        ],
    )
    .expect("test configuration");
    assert_eq!(p.format().alpha_mode, AlphaMode::Csd(2));
    let mut o = options(
        &p,
        "narrow-membrane",
        &[Case::MembraneSaturation],
        &LayerKind::ALL,
        None,
    );
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    assert!(
        r.runs.iter().all(|run| run.coverage.membrane_at_bound > 0),
        "{}",
        r.table()
    );
}

#[test]
fn int8_mac_baseline_matches_on_every_layer() {
    let p = Params::preset_with(
        "spikelm-bert-tiny",
        &[
            "model.hidden=16",
            "model.ffn=32",
            "model.heads=1",
            "model.seq_len=8",
            "array=4x4",
            "array.pe=int8_mac",
        ],
    )
    .expect("test configuration");
    let cases: Vec<Case> = Case::ALL.into_iter().filter(|c| c.applies(&p)).collect();
    assert!(
        !cases.contains(&Case::FiringTie),
        "ties need the spiking neuron"
    );
    let mut o = options(&p, "int8", &cases, &LayerKind::ALL, None);
    o.stall = Some(0.0);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
    assert_cycles_match_model(&r);
    let mut o = options(&p, "int8-stall", &[Case::Random], &LayerKind::ALL, None);
    o.stall = Some(0.4);
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert_passed(&r);
}
