//! The harness fails closed: one deliberately broken engine per fault class, each co-simulated
//! on the tiny configuration and expected to fail with the exact message a user sees.
//!
//! All mutations live in [`FAULTS`]: (name, file, pattern, replacement) edits and the expected
//! message. A pattern that does not occur exactly once fails its test loudly, so a table that
//! no longer matches the generated RTL cannot pass silently; re-target it by editing one row.
//! The patterns sit on stable top-level lines (the output stage's port connections in the
//! engine, the engine's `out_done`, the CSR's CYCLES word, the controller's reset of BUSY).

mod sim_support;

use sim_support::*;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{self, Case, SimReport};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One text edit of a generated file: replace the single occurrence of `pattern`.
struct Edit {
    file: &'static str,
    pattern: &'static str,
    replacement: &'static str,
}

/// One fault class: its edits, the stall probability it is run under, and the text the failure
/// report (`SimReport::table`) must contain.
struct Fault {
    name: &'static str,
    edits: &'static [Edit],
    stall: f64,
    /// Build with random initial values (X-propagation mode) and run these seeds; the fault
    /// must show under at least one of them.
    x_seeds: &'static [u64],
    expected: &'static str,
}

const ENGINE: &str = "rtl/spikelm_engine.v";
const OUT_DONE: &str =
    "wire                          out_done = m_out_tvalid & m_out_tready & m_out_tlast;";

/// The output stage's port connections in the engine, renamed so the fault can drive the port.
const RAW_VALID: Edit = Edit {
    file: ENGINE,
    pattern: ".out_valid(m_out_tvalid),",
    replacement: ".out_valid(out_valid_raw),",
};
const RAW_LAST: Edit = Edit {
    file: ENGINE,
    pattern: ".out_last(m_out_tlast)",
    replacement: ".out_last(out_last_raw)",
};
const RAW_DATA: Edit = Edit {
    file: ENGINE,
    pattern: ".out_data(m_out_tdata),",
    replacement: ".out_data(out_data_raw),",
};

/// Every fault class; see the module comment.
const FAULTS: &[Fault] = &[
    Fault {
        name: "dropped-last-beat",
        edits: &[
            RAW_VALID,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire out_valid_raw;\n    assign m_out_tvalid = out_valid_raw & ~m_out_tlast;\n    \
                              wire out_done = m_out_tvalid & m_out_tready & m_out_tlast;",
            },
        ],
        stall: 0.0,
        x_seeds: &[],
        expected: "no DONE within the cycle cap of {cap} cycles after START; waiting on m_out at beat {last} of {n} (tvalid=0 tready=1)",
    },
    Fault {
        name: "extra-beat",
        edits: &[
            RAW_VALID,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire out_valid_raw;\n    reg one_more;\n    \
                              always @(posedge clk) one_more <= ~rst & out_done;\n    \
                              assign m_out_tvalid = out_valid_raw | one_more;\n    \
                              wire out_done = m_out_tvalid & m_out_tready & m_out_tlast;",
            },
        ],
        stall: 0.0,
        x_seeds: &[],
        expected: "m_out beat {extra} after the last ({n} expected)",
    },
    Fault {
        name: "early-done",
        edits: &[Edit {
            file: ENGINE,
            pattern: OUT_DONE,
            replacement: "wire out_done = m_out_tvalid & m_out_tready;",
        }],
        stall: 0.0,
        x_seeds: &[],
        expected: " output beats",
    },
    Fault {
        name: "wrong-tlast",
        edits: &[
            RAW_LAST,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire out_last_raw;\n    assign m_out_tlast = ~out_last_raw;\n    \
                              wire out_done = m_out_tvalid & m_out_tready & out_last_raw;",
            },
        ],
        stall: 0.0,
        x_seeds: &[],
        expected: "signal m_out_tlast cycle",
    },
    Fault {
        name: "stuck-valid",
        // The hang the issue reports: tvalid stuck high, tlast never set.
        edits: &[
            RAW_VALID,
            RAW_LAST,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire out_valid_raw, out_last_raw;\n    assign m_out_tvalid = 1'b1;\n    \
                              assign m_out_tlast = 1'b0;\n    \
                              wire out_done = out_valid_raw & m_out_tready & out_last_raw;",
            },
        ],
        stall: 0.0,
        x_seeds: &[],
        expected: "m_out beat {extra} after the last ({n} expected)",
    },
    Fault {
        name: "never-valid",
        edits: &[
            RAW_VALID,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire out_valid_raw;\n    assign m_out_tvalid = 1'b0;\n    \
                              wire out_done = m_out_tvalid & m_out_tready & m_out_tlast;",
            },
        ],
        stall: 0.0,
        x_seeds: &[],
        expected: "no DONE within the cycle cap of {cap} cycles after START; waiting on m_out at beat 0 of {n} (tvalid=0 tready=1)",
    },
    Fault {
        name: "tdata-changes-while-stalled",
        edits: &[
            RAW_DATA,
            Edit {
                file: ENGINE,
                pattern: OUT_DONE,
                replacement: "wire [`SPIKELM_C*`SPIKELM_YW-1:0] out_data_raw;\n    reg flip;\n    \
                              always @(posedge clk) flip <= ~rst & ~flip;\n    \
                              assign m_out_tdata = (flip & ~m_out_tready) ? ~out_data_raw : out_data_raw;\n    \
                              wire out_done = m_out_tvalid & m_out_tready & m_out_tlast;",
            },
        ],
        stall: 0.5,
        x_seeds: &[],
        expected: "m_out_tdata changed while stalled (tvalid high, tready low) at beat",
    },
    Fault {
        name: "cycles-mismatch",
        edits: &[Edit {
            file: "rtl/spikelm_csr.v",
            pattern: "rmux[CNTW-1:0] = cycles;",
            replacement: "rmux[CNTW-1:0] = cycles + 1'b1;",
        }],
        stall: 0.0,
        x_seeds: &[],
        expected: "signal CYCLES cycle",
    },
    Fault {
        name: "csr-read-not-held",
        edits: &[Edit {
            file: "rtl/spikelm_csr.v",
            pattern: "end else if (rd2_q) begin\n            csr_rdata_q <= word;",
            replacement: "end else begin\n            csr_rdata_q <= word;",
        }],
        stall: 0.0,
        x_seeds: &[],
        expected: "csr_rdata changed without a read (csr_re low ",
    },
    Fault {
        name: "missing-reset",
        edits: &[Edit {
            file: "rtl/spikelm_controller.v",
            pattern: "busy_d = ~rst & (go | (busy_q & ~out_done));",
            replacement: "busy_d = go | (busy_q & ~out_done);",
        }],
        stall: 0.0,
        x_seeds: &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        expected: "signal STATUS after reset cycle 0 (#0): expected 0 (idle), actual STATUS = 0x1",
    },
];

fn fault(name: &str) -> &'static Fault {
    FAULTS
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fault named {name} in FAULTS"))
}

/// Apply `edit` to the tree in `dir`; panics unless its pattern occurs exactly once.
fn apply(dir: &Path, edit: &Edit) {
    let path = dir.join(edit.file);
    let text = std::fs::read_to_string(&path).expect("read generated file");
    assert_eq!(
        text.matches(edit.pattern).count(),
        1,
        "FAULTS pattern no longer matches once in {}: re-target it\n  `{}`",
        edit.file,
        edit.pattern
    );
    std::fs::write(&path, text.replacen(edit.pattern, edit.replacement, 1))
        .expect("write mutated file");
}

/// The tiny engine with `f` applied, co-simulated on one 8-token attn_out run per seed;
/// returns the reports and the longest wall time of one run.
fn run_fault(f: &Fault) -> (Vec<SimReport>, Duration) {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let tag = format!("{}{}", f.name, if f.x_seeds.is_empty() { "" } else { "-x" });
    let dir: PathBuf = work(&format!("fault-{tag}")).join("rtl");
    let rtl = spikelm_hw::rtl::generate(&p).expect("generate");
    spikelm_hw::rtl::write_tree(&dir, &rtl, true).expect("write tree");
    for e in f.edits {
        apply(&dir, e);
    }
    let seeds: Vec<u64> = if f.x_seeds.is_empty() {
        vec![1]
    } else {
        f.x_seeds.to_vec()
    };
    let mut reports = Vec::new();
    let mut longest = Duration::ZERO;
    for seed in seeds {
        let mut o = options(
            &p,
            &format!("fault-{tag}-run-{seed}"),
            &[Case::Random],
            &[LayerKind::AttnOut],
            Some(TOKENS),
        );
        o.rtl_dir = Some(dir.clone());
        o.stall = Some(f.stall);
        o.seed = seed;
        o.x_random = !f.x_seeds.is_empty();
        let t = Instant::now();
        let r = sim::run(&p, &o).expect("co-simulation runs to a verdict");
        longest = longest.max(t.elapsed());
        reports.push(r);
    }
    (reports, longest)
}

/// Output beats of the faults' run, from the stream order of docs/engine.md: one beat per array
/// row for every row block (rows / T tokens) and column block (C outputs).
fn out_beats(p: &Params) -> u64 {
    let (rows, cols, t) = (8u64, 8u64, 4u64);
    assert_eq!(
        (p.array().rows, p.array().cols, p.model().time_steps),
        (8, 8, 4),
        "the faults run on the tiny 8x8, T = 4 engine"
    );
    let (tokens, dout) = (
        TOKENS as u64,
        u64::from(p.derived.shape(LayerKind::AttnOut).dout),
    );
    (tokens / (rows / t)) * (dout / cols) * rows
}

/// Tokens of every fault's run.
const TOKENS: u32 = 8;

/// The fault must fail the co-simulation with `expected` in the summary, within a minute.
fn assert_caught(name: &str) {
    let f = fault(name);
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let (reports, longest) = run_fault(f);
    let failing: Vec<&SimReport> = reports.iter().filter(|r| !r.passed).collect();
    assert!(
        !failing.is_empty(),
        "{name}: the broken engine passed:\n{}",
        reports[0].table()
    );
    for r in &failing {
        let table = r.table();
        // The documented cap without stalls: twice the model's cycles plus 512.
        let model = r.runs[0].cycles_model.expect("a cycle model");
        let n = out_beats(&p);
        let expected = f
            .expected
            .replace("{cap}", &(2 * model + 512).to_string())
            .replace("{last}", &(n - 1).to_string())
            .replace("{extra}", &(n + 1).to_string())
            .replace("{n}", &n.to_string());
        assert!(
            table.contains(&expected),
            "{name}: expected `{expected}` in the report:\n{table}"
        );
    }
    assert!(
        longest < Duration::from_secs(60),
        "{name}: took {longest:?} to fail"
    );
}

#[test]
fn dropped_last_beat_hangs_at_the_cycle_cap_naming_the_output_stream() {
    assert_caught("dropped-last-beat");
}

#[test]
fn an_extra_beat_after_the_last_fails_at_once() {
    assert_caught("extra-beat");
}

#[test]
fn done_before_the_last_beat_fails() {
    assert_caught("early-done");
}

#[test]
fn a_wrong_tlast_is_located() {
    assert_caught("wrong-tlast");
}

#[test]
fn a_stuck_high_valid_without_tlast_fails_instead_of_running_forever() {
    assert_caught("stuck-valid");
}

#[test]
fn an_output_that_never_becomes_valid_hangs_at_the_cycle_cap() {
    assert_caught("never-valid");
}

#[test]
fn tdata_changing_while_stalled_is_a_protocol_violation() {
    assert_caught("tdata-changes-while-stalled");
}

#[test]
fn a_cycles_register_off_the_model_fails_the_run() {
    assert_caught("cycles-mismatch");
}

#[test]
fn a_read_word_that_moves_without_a_read_is_a_bus_violation() {
    // The read values the harness compares are still right (it samples the cycle after each
    // read); only the read-timing check sees the word follow the address between reads.
    assert_caught("csr-read-not-held");
}

#[test]
fn a_missing_reset_fails_under_random_initial_values() {
    assert_caught("missing-reset");
}

#[test]
fn a_missing_reset_goes_unseen_without_random_initial_values() {
    // The reason for the X-propagation mode: with Verilator's zero initialisation the same
    // broken engine passes.
    let f = Fault {
        x_seeds: &[],
        ..*fault("missing-reset")
    };
    let (reports, _) = run_fault(&f);
    assert!(reports[0].passed, "{}", reports[0].table());
}

#[test]
fn the_generated_engine_passes_under_random_initial_values() {
    // X-propagation runs of the unbroken tiny engine: every register that matters is reset.
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    for seed in [1, 2, 3] {
        let mut o = options(
            &p,
            &format!("x-random-{seed}"),
            &[Case::Random],
            &[LayerKind::Qkv, LayerKind::AttnOut],
            Some(TOKENS),
        );
        o.seed = seed;
        o.stall = Some(0.0);
        o.x_random = true;
        let r = sim::run(&p, &o).expect("co-simulation runs");
        assert_passed(&r);
        assert_cycles_match_model(&r);
    }
}

#[test]
fn a_harness_past_its_wall_clock_limit_is_killed_with_a_clear_error() {
    let p = Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration");
    let mut o = options(
        &p,
        "wall-limit",
        &[Case::Random],
        &[LayerKind::AttnOut],
        Some(TOKENS),
    );
    o.timeout = Some(Duration::ZERO);
    let err = sim::run(&p, &o).expect_err("a zero wall-clock limit kills the harness");
    let text = err.to_string();
    assert!(
        text.contains("killed after the wall-clock limit of 0 s (cycle cap"),
        "{text}"
    );
}
