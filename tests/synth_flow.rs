//! The flows on real tools with the generated engine: the tiny preset places and routes on
//! ecp5-25k (out of context) and, with the smallest overrides that fit, on an iCE40UP5K SG48
//! package through the narrow I/O wrapper; the INT8 baseline generates and synthesizes; a
//! design generated for another configuration is refused. They need the pinned tools
//! (`bash scripts/setup.sh && source scripts/env.sh`) and take a few minutes on two cores.

use spikelm_hw::config::Params;
use spikelm_hw::synth::{self, SynthOptions, Target, UP5K_FIT};

fn params(sets: &[&str]) -> Params {
    Params::preset_with("spikelm-bert-tiny", sets).expect("valid configuration")
}

fn run(p: &Params, opts: &SynthOptions) -> synth::SynthReport {
    synth::synthesize(p, opts, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// The engine alone, out of context on ecp5-25k at 50 MHz, without the synthesis by unit.
fn ooc_25k(dir: &std::path::Path) -> SynthOptions {
    SynthOptions {
        io_top: false,
        units: false,
        clock_mhz: Some(50.0),
        ..SynthOptions::new(Target::Ecp5_25k, dir)
    }
}

#[test]
fn tiny_preset_places_and_routes_on_ecp5_25k_out_of_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = params(&[]);
    let opts = ooc_25k(dir.path());
    let r = run(&p, &opts);
    let pnr = r.implementations[0].pnr.as_ref().expect("routed");
    let fmax = pnr.fmax_mhz.expect("fmax");
    assert!(fmax > 5.0 && fmax < 1000.0, "{fmax}");
    assert!(pnr.critical_path.is_some());
    let comb = pnr.used("TRELLIS_COMB").expect("comb");
    assert!(comb.used > 0 && comb.used <= comb.available);
    // nextpnr's COMB count covers the LUT4s and both halves of every CCU2C.
    assert!(
        comb.used >= r.engine.lut4_equiv,
        "{} < {}",
        comb.used,
        r.engine.lut4_equiv
    );
    assert_eq!(r.metrics.pes, 64);
    assert!(r.metrics.peak_synaptic_ops_per_s.expect("ops") > 64.0 * 5e6);
    for f in [
        "report.json",
        "report.md",
        "commands.sh",
        "engine_pnr_report.json",
    ] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let commands = std::fs::read_to_string(dir.path().join("commands.sh")).expect("commands");
    assert!(commands.contains("--out-of-context") && commands.contains("--25k"));
    // The worst path per unit, from engine.sdf: its slowest path is nextpnr's critical path
    // (the end may be another flip-flop on the same net, an equal-delay tie).
    assert!(commands.contains("--sdf engine.sdf"));
    let paths = r.implementations[0].paths.as_ref().expect("paths");
    let worst = paths.worst().expect("a path");
    let cp = pnr.critical_path.as_ref().expect("critical path");
    assert!(
        (worst.delay_ns - cp.delay_ns).abs() < 0.005,
        "sta {} ns, nextpnr {} ns",
        worst.delay_ns,
        cp.delay_ns
    );
    for unit in [
        "spikelm_controller",
        "spikelm_pe_array",
        "spikelm_out_stage",
    ] {
        assert!(paths.units.iter().any(|u| u.unit == unit), "{unit}");
    }
    assert!(r
        .render(true)
        .contains("## Worst path per unit [engine, out of context]"));
}

#[test]
fn every_placement_seed_is_placed_and_the_fastest_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = params(&[]);
    let opts = SynthOptions {
        seed: 3,
        seeds: 2,
        ..ooc_25k(dir.path())
    };
    let r = run(&p, &opts);
    let imp = &r.implementations[0];
    let tried: Vec<u64> = imp.seeds.iter().map(|s| s.seed).collect();
    assert_eq!(tried, [3, 4]);
    let fmax: Vec<f64> = imp
        .seeds
        .iter()
        .map(|s| s.fmax_mhz.expect("each placement routed"))
        .collect();
    let best = fmax.iter().copied().fold(f64::MIN, f64::max);
    let pnr = imp.pnr.as_ref().expect("routed");
    assert_eq!(pnr.fmax_mhz, Some(best), "the fastest placement is kept");
    let kept = imp.seeds[fmax.iter().position(|&f| f == best).expect("best")].seed;
    assert_eq!(r.seed, kept, "the report names the kept seed");
    for seed in [3, 4] {
        for f in [
            format!("engine.seed{seed}.sdf"),
            format!("engine_pnr_report.seed{seed}.json"),
        ] {
            assert!(dir.path().join(&f).is_file(), "{f}");
        }
    }
    let commands = std::fs::read_to_string(dir.path().join("commands.sh")).expect("commands");
    assert!(commands.contains("--seed 3") && commands.contains("--seed 4"));
    // The worst paths are the kept placement's: its SDF's slowest path is its critical path.
    let worst = imp.paths.as_ref().and_then(|p| p.worst()).expect("a path");
    let cp = pnr.critical_path.as_ref().expect("critical path");
    assert!((worst.delay_ns - cp.delay_ns).abs() < 0.005);
    assert!(r.render(true).contains("Fmax by placer seed"));
}

#[test]
fn fitted_tiny_places_on_the_up5k_package_through_the_io_wrapper() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = params(&UP5K_FIT);
    let opts = SynthOptions {
        units: false,
        ..SynthOptions::new(Target::Ice40Up5k, dir.path())
    };
    let r = run(&p, &opts);
    let io = r
        .implementations
        .iter()
        .find(|i| i.top == "spikelm_io_top")
        .expect("I/O top");
    let pnr = io.pnr.as_ref().expect("routed");
    let pins = pnr.used("SB_IO").expect("SB_IO");
    assert_eq!(pins.used, 5, "five pins");
    assert!(pins.available <= 48, "the SG48 package, not the die");
    let lc = pnr.used("ICESTORM_LC").expect("LCs");
    assert!(lc.used <= lc.available);
    assert!(pnr.fmax_mhz.expect("fmax") > 1.0);
    assert!(dir.path().join("io.asc").is_file(), "routed bitstream text");
}

#[test]
fn int8_baseline_generates_and_synthesizes_without_dsps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = params(&["array.pe=int8_mac"]);
    let opts = SynthOptions {
        dsp: false,
        place_and_route: false,
        ..SynthOptions::new(Target::Ecp5_25k, dir.path())
    };
    let r = run(&p, &opts);
    assert_eq!(r.config.pe, "int8_mac");
    assert_eq!(r.engine.dsp, 0, "-nodsp keeps the multipliers in LUTs");
    assert!(r.implementations.is_empty(), "no place and route asked");
    let pe = r
        .units
        .iter()
        .find(|u| u.instances == 64)
        .expect("one unit per PE");
    assert!(pe.per_instance.ffs > 0);
    // A multiply-accumulate in LUTs costs far more than an accumulator.
    assert!(pe.per_instance.lut4_equiv > 2 * r.config.acc_bits as u64);
}

#[test]
fn rtl_generated_for_another_configuration_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rtl = dir.path().join("rtl4x4");
    let other = params(&["array=4x4"]);
    let g = spikelm_hw::rtl::generate(&other).expect("generates");
    spikelm_hw::rtl::write_tree(&rtl, &g, false).expect("writes");
    let opts = SynthOptions {
        rtl_dir: Some(rtl),
        ..SynthOptions::new(Target::Gates, dir.path().join("out"))
    };
    let err = synth::synthesize(&params(&[]), &opts, &mut |_| {})
        .expect_err("mismatch")
        .to_string();
    assert!(err.contains("configuration hash"), "{err}");
}
