//! Control-path reliability as directed co-simulation cases (docs/verification.md): run
//! registers written while busy, reset in the middle of a run, START while busy, and every
//! stall pattern on every stream. Each run is bit-exact against the model; each stall-free run
//! has CYCLES equal to `perf::cycles` (the runner fails it otherwise). All on one tiny build:
//! the tiny preset's attn_out layer with one row block of tokens.

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::perf::cycles::layer_cycles;
use spikelm_hw::sim::control::start_write;
use spikelm_hw::sim::vectors::csr_writes;
use spikelm_hw::sim::{self, Case, Control, Event, SimOptions, SimReport, StallPattern};

const LAYER: LayerKind = LayerKind::AttnOut;
const SEED: u64 = 11;

fn tiny() -> Params {
    Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration")
}

/// Two row blocks: long enough for three batches of writes while busy.
fn tokens(p: &Params) -> u32 {
    2 * p.derived.tokens_per_row_block
}

/// Stall-free cycles of the run (the cycle model).
fn model_cycles(p: &Params) -> u32 {
    layer_cycles(p, LAYER, tokens(p)) as u32
}

fn opts(p: &Params, name: &str, stall: f64, control: Control) -> SimOptions {
    let mut o = options(p, name, &[Case::Random], &[LAYER], Some(tokens(p)));
    o.seed = SEED;
    o.stall = Some(stall);
    o.control = control;
    o
}

fn run(p: &Params, o: &SimOptions) -> SimReport {
    let r = sim::run(p, o).expect("co-simulation runs");
    assert_passed(&r);
    assert_eq!(r.runs.len(), 1);
    let run = &r.runs[0];
    let model = run.cycles_model.expect("cycle model");
    if run.stall_free {
        assert_eq!(u64::from(run.cycles_register), model, "{}", r.table());
    } else {
        assert!(
            u64::from(run.cycles_register) >= model,
            "stalls cannot beat the model\n{}",
            r.table()
        );
    }
    r
}

fn events(list: Vec<Event>) -> Control {
    Control {
        events: Some(list),
        ..Control::default()
    }
}

/// Every run register the host programs (OUT_SHIFT, LAYER, TOKENS, every ALPHA and SCALE
/// digit, every BIAS), written with the complement of its programmed value on consecutive
/// cycles from `at`: batches at the start, a third into and just before the end of the run.
fn busy_writes(p: &Params) -> Vec<Event> {
    let stim = Case::Random.stimulus(p, p.derived.shape(LAYER), tokens(p) as usize, SEED);
    let programmed = csr_writes(p, &stim);
    let n = programmed.len() as u32;
    let end = model_cycles(p);
    assert!(
        end > 4 * n,
        "the run ({end} cycles) must hold three batches of {n} writes"
    );
    let mut v = Vec::new();
    for first in [1, end / 3, end - n - 16] {
        v.extend(
            programmed
                .iter()
                .zip(first..)
                .map(|(&(addr, data), at)| Event::Write {
                    at,
                    addr,
                    data: !data,
                }),
        );
    }
    v
}

#[test]
fn run_registers_written_while_busy_are_refused() {
    let p = tiny();
    let list = busy_writes(&p);
    let n = list.len() as u64;
    for (name, stall) in [("busy-writes", 0.0), ("busy-writes-stall", 0.3)] {
        let r = run(&p, &opts(&p, name, stall, events(list.clone())));
        // Outputs bit-exact, and LAYER, TOKENS, OUT_SHIFT read back their programmed values
        // (reg_checks) after every one of the writes happened.
        assert_eq!(r.runs[0].events, n);
        assert!(r.runs[0].compared.registers > 6);
    }
}

/// A reset after the activation stream of the run has been fully encoded used to be followed by
/// a run on the stale spike buffer (the encoder's tag kept its block-end bit and the controller
/// took it without its write); the engine now qualifies the block end with the write.
#[test]
fn reset_in_the_middle_of_a_run_then_a_clean_run() {
    reset_mid_run(&tiny(), "");
}

/// The INT8 PE keeps its updates in flight through its multiplier's registers; a reset must
/// drop them, or they land in the next run's accumulators.
#[test]
fn int8_reset_in_the_middle_of_a_run_then_a_clean_run() {
    let p = Params::preset_with("spikelm-bert-tiny", &["array.pe=int8_mac"])
        .expect("test configuration");
    reset_mid_run(&p, "int8-");
}

fn reset_mid_run(p: &Params, prefix: &str) {
    let end = model_cycles(p);
    // Reset 3 cycles after START (streams starting), mid-run (all three streams mid-transfer),
    // and near the end (outputs draining); each followed by the whole host sequence again.
    let resets = |cycles| {
        vec![
            Event::Reset { at: 3, cycles },
            Event::Reset {
                at: end / 2,
                cycles,
            },
            Event::Reset {
                at: end - 24,
                cycles,
            },
        ]
    };
    let single = run(
        p,
        &opts(p, &format!("{prefix}reset-none"), 0.0, events(Vec::new())),
    );
    for (name, stall, cycles) in [("reset-mid", 0.0, 3), ("reset-mid-stall", 0.4, 1)] {
        let name = format!("{prefix}{name}");
        let r = run(p, &opts(p, &name, stall, events(resets(cycles))));
        let run = &r.runs[0];
        assert_eq!(run.resets, 3);
        // The interrupted runs were compared too, on top of the complete one.
        assert!(run.compared.outputs > single.runs[0].compared.outputs);
    }
}

#[test]
fn start_while_busy_is_ignored() {
    let p = tiny();
    let end = model_cycles(&p);
    let starts = vec![
        start_write(1),
        start_write(2),
        start_write(end / 2),
        start_write(end - 8),
    ];
    for (name, stall) in [("start-busy", 0.0), ("start-busy-stall", 0.3)] {
        let r = run(&p, &opts(&p, name, stall, events(starts.clone())));
        assert_eq!(r.runs[0].events, 4);
    }
}

/// The stall matrix: each pattern on each stream alone, and on all three at once.
#[test]
fn every_stall_pattern_on_every_stream_is_bit_exact() {
    let p = tiny();
    let patterns = [
        (StallPattern::Random, 0.5),
        (StallPattern::Bursts { mean: 24 }, 0.0),
        (StallPattern::Alternate, 0.0),
        (StallPattern::Late { idle: 12 }, 0.0),
    ];
    let mut combos = vec![([StallPattern::Never; 3], 0.0)];
    for (pattern, stall) in patterns {
        for k in 0..3 {
            let mut streams = [StallPattern::Never; 3];
            streams[k] = pattern;
            combos.push((streams, stall));
        }
        combos.push(([pattern; 3], stall));
    }
    let mut stalled_runs = 0;
    for (streams, stall) in combos {
        let name = format!("stall-{}", streams.map(|s| s.name()).join("-"));
        let control = Control {
            streams,
            ..events(Vec::new())
        };
        let r = run(&p, &opts(&p, &name, stall, control));
        let run = &r.runs[0];
        assert_eq!(run.stall_free, streams == [StallPattern::Never; 3]);
        assert_eq!(run.streams, streams.map(|s| s.name()));
        if u64::from(run.cycles_register) > run.cycles_model.unwrap_or(0) {
            stalled_runs += 1;
        }
    }
    // Input stalls always cost cycles; most patterns on the output do too.
    assert!(
        stalled_runs >= 12,
        "only {stalled_runs} of 16 stalled runs took longer"
    );
}

/// Three runs back to back (registers and START written again after DONE, no reset).
/// Every second run used to start on the stale spike buffer, for the reason of the reset case.
#[test]
fn back_to_back_runs_are_each_bit_exact() {
    let p = tiny();
    for (name, stall) in [("back-to-back", 0.0), ("back-to-back-stall", 0.3)] {
        let control = Control {
            runs: 3,
            ..events(Vec::new())
        };
        let r = run(&p, &opts(&p, name, stall, control));
        assert_eq!(r.runs[0].runs, 3);
    }
}
