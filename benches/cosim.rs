//! Co-simulation throughput (run with `cargo bench --bench cosim`):
//!
//! 1. a 16 × 16 array (spikelm-bert-mini, ffn_in, all 128 tokens, no stalls): PE-updates/s,
//!    goal ≥ 100 M/s;
//! 2. a whole BERT-base FFN-in layer (N = 128, T = 4) bit-exact, goal under 60 s;
//!
//! each with where the time goes (model, Verilator build, RTL simulation, harness I/O). The
//! first run of a configuration includes its Verilator build; the bench runs each twice and
//! reports the second (cached) run as the figure, the first for the build time.
//! Figures are printed and written to target/spikelm-hw-bench/cosim.json.

use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::sim::{self, Case, SimOptions, SimReport};
use std::time::Instant;

struct Figure {
    name: &'static str,
    report: SimReport,
    wall_s: f64,
    first_build_s: f64,
}

fn measure(name: &'static str, preset: &str, layer: LayerKind, tokens: u32) -> Figure {
    let p = Params::load(preset, None, &[]).expect("preset");
    let mut o = SimOptions::new(&p);
    o.layers = vec![p.derived.shape(layer)];
    o.tokens = Some(tokens);
    o.stall = Some(0.0);
    o.cases = vec![Case::Random];
    o.progress = true;
    let first = sim::run(&p, &o).expect("co-simulation runs");
    assert!(first.passed, "{}", first.table());
    let started = Instant::now();
    let report = sim::run(&p, &o).expect("co-simulation runs");
    let wall_s = started.elapsed().as_secs_f64();
    assert!(report.passed, "{}", report.table());
    Figure {
        name,
        report,
        wall_s,
        first_build_s: first.timing.build_s,
    }
}

fn print(f: &Figure) -> serde_json::Value {
    let r = &f.report;
    let run = &r.runs[0];
    let t = &r.timing;
    let pe_wall = r.pe_updates as f64 / f.wall_s;
    println!(
        "== {} ({} {}, {} Din={} Dout={} N={})",
        f.name, r.preset, r.array, run.layer, run.din, run.dout, run.tokens
    );
    println!(
        "   bit-exact: {} values compared, {} mismatches; CYCLES {} (model {:?})",
        r.compared.total(),
        r.mismatches,
        run.cycles_register,
        run.cycles_model
    );
    println!(
        "   {} cycles, {} PE-updates: {:.2} M cycles/s, {:.1} M PE-updates/s in the RTL loop, {:.1} M PE-updates/s wall",
        r.cycles_simulated,
        r.pe_updates,
        r.cycles_per_second / 1e6,
        r.pe_updates_per_second / 1e6,
        pe_wall / 1e6
    );
    println!(
        "   wall {:.2} s (cached build): model {:.2} s, RTL sim {:.2} s ({:.2} s CPU: {:.1} M PE-updates per CPU second), harness I/O {:.2} s; first Verilator build {:.1} s",
        f.wall_s, t.model_s, t.rtl_s, t.rtl_cpu_s, r.pe_updates_per_cpu_second / 1e6, t.io_s, f.first_build_s
    );
    serde_json::json!({
        "name": f.name,
        "preset": r.preset,
        "layer": run.layer,
        "tokens": run.tokens,
        "cycles": r.cycles_simulated,
        "cycles_register": run.cycles_register,
        "cycles_model": run.cycles_model,
        "pe_updates": r.pe_updates,
        "values_compared": r.compared.total(),
        "mismatches": r.mismatches,
        "wall_s": f.wall_s,
        "model_s": t.model_s,
        "rtl_s": t.rtl_s,
        "rtl_cpu_s": t.rtl_cpu_s,
        "pe_updates_per_cpu_s": r.pe_updates_per_cpu_second,
        "io_s": t.io_s,
        "first_build_s": f.first_build_s,
        "cycles_per_s_rtl": r.cycles_per_second,
        "pe_updates_per_s_rtl": r.pe_updates_per_second,
        "pe_updates_per_s_wall": pe_wall,
    })
}

fn main() {
    // `cargo bench` passes --bench; a filter argument selects one figure.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |n: &str| filter.as_deref().is_none_or(|f| n.contains(f));
    let mut out = Vec::new();
    if wanted("array16x16") {
        out.push(print(&measure(
            "array16x16",
            "spikelm-bert-mini",
            LayerKind::FfnIn,
            128,
        )));
    }
    if wanted("bert_base_ffn_in") {
        out.push(print(&measure(
            "bert_base_ffn_in",
            "spikelm-bert-base",
            LayerKind::FfnIn,
            128,
        )));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/spikelm-hw-bench");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("cosim.json");
    if std::fs::write(
        &path,
        serde_json::to_string_pretty(&out).unwrap_or_default(),
    )
    .is_ok()
    {
        println!("figures written to {}", path.display());
    }
}
