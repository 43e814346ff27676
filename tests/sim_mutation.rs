//! The co-simulation must catch broken RTL: generate the tiny engine, break one thing in the
//! Verilog text, verify the edited tree with `sim --rtl DIR`, and expect a failure that names
//! the signal and the index.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{self, Case};
use std::path::{Path, PathBuf};
use std::process::Command;

fn generate_into(p: &Params, dir: &Path) {
    let rtl = spikelm_hw::rtl::generate(p).expect("generate");
    spikelm_hw::rtl::write_tree(dir, &rtl, true).expect("write tree");
}

/// Replace exactly one occurrence of `from` in `dir/rel`.
fn mutate(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).expect("read generated file");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in {rel}"
    );
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write mutated file");
}

fn mutated_tree(name: &str, rel: &str, from: &str, to: &str) -> (Params, PathBuf) {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let dir = work(name).join("rtl");
    generate_into(&p, &dir);
    mutate(&dir, rel, from, to);
    (p, dir)
}

/// Stall-free random attn_out run of 16 tokens on the mutated tree `dir` (long enough for the
/// harness's second START and its register writes while busy).
fn run_attn_out_without_stalls(p: &Params, name: &str, dir: PathBuf) -> sim::SimReport {
    let mut o = options(p, name, &[Case::Random], &[LayerKind::AttnOut], Some(16));
    o.rtl_dir = Some(dir);
    o.stall = Some(0.0);
    sim::run(p, &o).expect("co-simulation runs")
}

#[test]
fn flipped_comparator_is_caught_at_the_first_tie_through_the_cli() {
    let (_, dir) = mutated_tree(
        "mutant-comparator",
        "rtl/spikelm_neuron.v",
        // The lower half's "greater" borrow made "greater or equal" (a tie fires +1).
        "p_lo_gt = {1'b0, a_pos_q[CL-1:0]} - {1'b0, ul[CL-1:0]};",
        "p_lo_gt = {1'b0, a_pos_q[CL-1:0]} - {1'b0, ul[CL-1:0]} - 1'b1;",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .args(["sim", "--rtl"])
        .arg(&dir)
        .args([
            "--layer",
            "attn_out",
            "--tokens",
            "8",
            "--case",
            "firing-tie",
            "--json",
        ])
        .env("SPIKELM_HW_CACHE", cache())
        .output()
        .expect("run spikelm-hw");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a broken comparator must fail the co-simulation"
    );
    assert!(
        stderr.contains("signal dbg_spike"),
        "names the signal: {stderr}"
    );
    assert!(
        stderr.contains("token=0") && stderr.contains("input="),
        "names the index: {stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON summary on stdout");
    let first = &report["first_mismatch"];
    assert_eq!(first["signal"], "dbg_spike");
    assert_eq!(first["layer"], "attn_out");
    assert!(first["neuron"].is_u64() && first["time_step"].is_u64() && first["cycle"].is_u64());
    // The tie 2U = A must give 0; the mutant fires +1.
    assert!(
        first["expected"]
            .as_str()
            .is_some_and(|s| s.starts_with('0')),
        "{first}"
    );
    assert!(
        first["actual"]
            .as_str()
            .is_some_and(|s| s.starts_with("+1")),
        "{first}"
    );
    let wave = report["waveform"]["path"]
        .as_str()
        .expect("a waveform on failure");
    assert!(Path::new(wave).is_file(), "waveform {wave} written");
}

#[test]
fn dropped_carry_in_is_caught_in_the_accumulators() {
    let (p, dir) = mutated_tree(
        "mutant-carry",
        "rtl/spikelm_signsel_add.v",
        "x + operand + carry",
        "x + operand",
    );
    let mut o = options(
        &p,
        "mutant-carry-run",
        &[Case::Random],
        &[LayerKind::Qkv],
        Some(8),
    );
    o.rtl_dir = Some(dir);
    o.stop_on_failure = true;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert!(!r.passed, "a dropped carry-in must fail the co-simulation");
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert!(
        first.signal == "dbg_acc" || first.signal == "m_out_tdata",
        "the accumulators are wrong first, got {first}"
    );
    assert_eq!(first.layer, "qkv");
    assert!(first.neuron.is_some() && first.token.is_some() && first.time_step.is_some());
    assert_ne!(first.expected, first.actual);
    assert!(r.table().contains("FIRST MISMATCH"));
}

/// The neuron saturates L + X to MW bits (docs/arithmetic.md): a membrane that wraps instead
/// must fail where membranes saturate (narrow MW, the saturation case).
#[test]
fn a_membrane_that_wraps_instead_of_saturating_is_caught() {
    let p = Params::preset_with("spikelm-bert-tiny", &["format.membrane_bits=20"])
        .expect("test configuration");
    let dir = work("mutant-membrane-wrap").join("rtl");
    generate_into(&p, &dir);
    mutate(
        &dir,
        "rtl/spikelm_neuron.v",
        "assign u = fits_q ? low_q : {sign_q, {(MW-1){~sign_q}}};",
        "assign u = low_q;",
    );
    let mut o = options(
        &p,
        "mutant-membrane-wrap-run",
        &[Case::MembraneSaturation],
        &[LayerKind::AttnOut],
        Some(8),
    );
    o.rtl_dir = Some(dir);
    o.stall = Some(0.0);
    o.stop_on_failure = true;
    let r = sim::run(&p, &o).expect("co-simulation runs");
    assert!(!r.passed, "a wrapping membrane must fail the co-simulation");
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert!(
        first.signal == "dbg_mem" || first.signal == "dbg_spike",
        "the membranes are wrong first, got {first}"
    );
    assert!(first.time_step.is_some_and(|t| t > 0), "{first}");
}

#[test]
fn start_while_busy_must_be_ignored() {
    // The engine gates START with BUSY into its START register, and again the controller's
    // run control; remove both.
    let (p, dir) = mutated_tree(
        "mutant-restart",
        "rtl/spikelm_engine.v",
        "start_idle = start & ~busy_csr & ~start_go_s;",
        "start_idle = start;",
    );
    mutate(
        &dir,
        "rtl/spikelm_controller.v",
        "go = start & ~busy_q;",
        "go = start;",
    );
    let r = run_attn_out_without_stalls(&p, "mutant-restart-run", dir);
    assert!(
        !r.passed,
        "a second START while busy must not restart the run"
    );
    let first = r.first_mismatch.clone().expect("a located mismatch");
    let poke = r.runs[0].cycles_model.expect("cycle model") / 3;
    assert!(
        first.cycle >= poke / 2,
        "the run goes wrong after the second START, not before: {first}"
    );
}

#[test]
fn register_writes_while_busy_must_be_refused() {
    // The harness writes OUT_SHIFT, ALPHA[0], SCALE[0][0], BIAS[0], LAYER and TOKENS right after
    // its second START; the CSR refuses them while busy. Accept them again and the run breaks.
    let (p, dir) = mutated_tree(
        "mutant-busy-writes",
        "rtl/spikelm_csr.v",
        "end else if (!run_busy) begin",
        "end else begin",
    );
    mutate(
        &dir,
        "rtl/spikelm_csr.v",
        "wire   mem_open    = ~run_busy;",
        "wire   mem_open    = 1'b1;",
    );
    let r = run_attn_out_without_stalls(&p, "mutant-busy-writes-run", dir);
    assert!(
        !r.passed,
        "register writes while busy must not change the run"
    );
}

// ---- Gaps found by the mutation sweep (scripts/mutation_sweep.py, docs/verification.md) ----
//
// Each mutant below passed the default `spikelm-hw sim` before the sweep: CYCLES was compared
// only in stall-free runs, every run was the first after power-on (nothing cleared by START
// alone was ever observed), no register was read before the host wrote it, and no reset came
// while work was in flight.

/// `spikelm-hw sim`'s default control (one-cycle reset pulses while the encoder and then the
/// output stage hold work, the run again from reset, then a second run back to back) on a
/// 16-token attn_out run of the mutated tree `dir`, with the random case's default stalls.
fn run_with_the_default_control(p: &Params, name: &str, dir: PathBuf) -> sim::SimReport {
    let mut o = options(p, name, &[Case::Random], &[LayerKind::AttnOut], Some(16));
    o.rtl_dir = Some(dir);
    o.control = sim::Control::default();
    o.stop_on_failure = true;
    sim::run(p, &o).expect("co-simulation runs")
}

#[test]
fn cycles_register_is_checked_in_stalled_runs_too() {
    // CYCLES counts by two. Under stalls there is no cycle model to compare with; the harness
    // counts the cycles from the START write to the final output beat itself. (Reset still
    // clears the counter, so the probes after reset read 0.)
    let (p, dir) = mutated_tree(
        "mutant-cycles-stalled",
        "rtl/spikelm_controller.v",
        "cycles_q     <= cycles_q + 1'b1;",
        "cycles_q     <= cycles_q + 2'd2;",
    );
    let r = run_with_the_default_control(&p, "mutant-cycles-stalled-run", dir);
    assert!(r.runs.iter().all(|run| !run.stall_free), "{}", r.table());
    assert!(!r.passed, "a wrong CYCLES under stalls must fail");
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert_eq!(first.signal, "CYCLES", "{first}");
    assert!(first.expected.contains("counted by the harness"), "{first}");
    let (want, got) = (
        first
            .expected
            .split(' ')
            .next()
            .and_then(|w| w.parse::<u64>().ok()),
        first
            .actual
            .split(' ')
            .next()
            .and_then(|w| w.parse::<u64>().ok()),
    );
    // CYCLES starts at START's stages at go and counts up by 2 instead of 1 from there.
    let stages = spikelm_hw::perf::pipeline::START_STAGES;
    assert_eq!(want.map(|w| 2 * w - stages), got, "{first}");
}

#[test]
fn counters_start_does_not_clear_fail_in_the_second_run() {
    // START no longer clears the firing-rate counters; reset still does. The first run after
    // a reset reads right; the second run back to back reads both runs' spikes.
    let (p, dir) = mutated_tree(
        "mutant-counters-start",
        "rtl/spikelm_engine.v",
        "rates_clear_q <= rst | go;",
        "rates_clear_q <= rst;",
    );
    let r = run_with_the_default_control(&p, "mutant-counters-start-run", dir);
    assert!(
        !r.passed,
        "counters carried over from the last run must fail"
    );
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert!(
        ["POS_COUNT[", "NEG_COUNT[", "ADD_COUNT["]
            .iter()
            .any(|c| first.signal.starts_with(c)),
        "{first}"
    );
    // Twice the expected count: the first run's events are still in it.
    let (want, got) = (
        first.expected.parse::<u64>().ok(),
        first.actual.parse::<u64>().ok(),
    );
    assert_eq!(want.map(|w| 2 * w), got, "{first}");
    assert!(
        first.to_string().contains("back-to-back run 2"),
        "the report says which run: {first}"
    );
}

#[test]
fn register_reset_values_are_read_back_after_reset() {
    // TOKENS resets to 0 instead of seq_len. Every run writes TOKENS before START, so only a
    // read before that write sees it: the probes after each reset.
    let (p, dir) = mutated_tree(
        "mutant-tokens-reset",
        "rtl/spikelm_csr.v",
        "tokens_q    <= SEQ_K;",
        "tokens_q    <= {TOKW{1'b0}};",
    );
    let r = run_attn_out_without_stalls(&p, "mutant-tokens-reset-run", dir);
    assert!(!r.passed, "a wrong reset value must fail");
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert_eq!(first.signal, "TOKENS after reset", "{first}");
    assert_eq!(
        first.expected,
        format!("{} (seq_len)", p.model().seq_len),
        "{first}"
    );
    assert_eq!(first.actual, "TOKENS = 0x0", "{first}");
}

#[test]
fn accumulators_without_reset_fail_after_the_reset_mid_run() {
    // The PEs no longer clear their accumulators on reset. From power-on (all zero) every run
    // passes; a reset in the middle of a reduction leaves partial sums that the next run adds
    // to (the default's first pulse waits for the encoder's second row block, while the first
    // one reduces in the array).
    let (p, dir) = mutated_tree(
        "mutant-pe-reset",
        "rtl/spikelm_pe.v",
        "acc_q <= {ACCW{1'b0}};",
        "acc_q <= next;",
    );
    let r = run_with_the_default_control(&p, "mutant-pe-reset-run", dir);
    assert!(!r.passed, "stale accumulators after a reset must fail");
    assert!(r.runs[0].resets >= 1, "{}", r.table());
    let first = r.first_mismatch.clone().expect("a located mismatch");
    assert!(
        first.signal == "dbg_acc" || first.signal == "m_out_tdata",
        "the accumulators are wrong first: {first}"
    );
    assert!(first.token.is_some() && first.neuron.is_some(), "{first}");
    let text = first.to_string();
    assert!(
        text.contains("reset pulse") && text.contains("mid-run"),
        "the report says it followed a reset: {text}"
    );
}

/// An encoder that asks for one activation block more than TOKENS: the harness offers a beat
/// past the layer's last until DONE, and taking it fails the run (a source that streams on
/// would lose the next layer's first beat to it).
#[test]
fn an_engine_that_takes_an_activation_beat_past_the_layer_fails() {
    let (p, dir) = mutated_tree(
        "mutant-act-beyond",
        "rtl/spikelm_controller.v",
        "LEFT0 = 2 * TPR + 1;",
        "LEFT0 = 2 * TPR;",
    );
    let r = run_attn_out_without_stalls(&p, "mutant-act-beyond-run", dir);
    assert!(!r.passed, "an engine taking a beat past the layer passed");
    let table = r.table();
    assert!(
        table.contains("s_act beat") && table.contains("taken"),
        "{table}"
    );
}
