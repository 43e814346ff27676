//! The worst-path-per-unit analysis (`synth::sta`) on SDF files: a hand-made one whose paths
//! are computed by hand below, and two real runs checked against the critical path nextpnr
//! reported on the same run: the tiny counter of tests/data/tiny_counter (Yosys `synth_ecp5`
//! of `tiny_counter`, `nextpnr-ecp5 --25k --out-of-context --freq 250`, 0.11, seed 1), cut
//! to the fan-in cone of nextpnr's critical endpoint by tests/data/sta/trim_cone.py (every
//! path into that endpoint is kept), and the whole SDF of an 8-bit counter on an iCE40 UP5K.

use spikelm_hw::synth::design::parse_manifest;
use spikelm_hw::synth::sta::{self, Hierarchy};
use spikelm_hw::synth::target::Family;
use spikelm_hw::synth::{parse, wrapper};

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/sta/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const WRAP: &str = "module wrap(input wire clk); eng u_core (.clk(clk)); endmodule";
const ENG: &str = "module eng(input wire clk);\n\
    ctrl u_ctrl (.clk(clk));\n\
    arr #(.N(4)) u_array (.clk(clk));\n\
    endmodule\n\
    module ctrl(input wire clk); endmodule\n\
    module arr #(parameter N = 1) (input wire clk); endmodule";

/// Three registers and three LUTs, times in ps:
/// - a: clock-to-Q 100 (given as `(posedge CLK)`), b: 120 (plain `CLK`, a clock because the
///   setup check names it), c: none;
/// - l1: A→Z (10:20:30) (40:50:60) = 60 (max field, worst transition), B→Z 25;
///   l2: A→Z 70, B→Z 10; l3: A→Z 1 with a net Z→A (a combinational loop);
/// - nets: a.Q→l1.A 200, b.Q→l1.B 300, l1.Z→l2.A 100, a.Q→l2.B 5, l2.Z→b.D 30,
///   l1.Z→c.D 10, a.Q→l3.A 2, l3.Z→c.D 5; setup b.D 50, c.D 40, a.D 60 (undriven).
///
/// l1.Z = max(100+200+60, 120+300+25) = 445; l2.Z = max(445+100+70, 100+5+10) = 615;
/// b.D = 615+30 = 645, + setup 50 = 695 ps, from b.Q through l1, l2: 2 levels, routing
/// 300+100+30 = 430. c.D = max(445+10, 100+2+1+5) = 455, + 40 = 495 ps, from b.Q through l1:
/// 1 level, routing 310.
const HAND: &str = r#"(DELAYFILE (SDFVERSION "3.0") (DIVIDER /) (TIMESCALE 1ps)
 (CELL (CELLTYPE "top") (INSTANCE )
  (DELAY (ABSOLUTE
   (INTERCONNECT u_core\.u_ctrl\.a/Q l1/A (200:200:200))
   (INTERCONNECT u_core\.u_array\.g_row\[3\]\.b/Q l1/B (1:2:300) (1:2:3))
   (INTERCONNECT l1/Z l2/A (100))
   (INTERCONNECT u_core\.u_ctrl\.a/Q l2/B (5:5:5))
   (INTERCONNECT l2/Z u_core\.u_array\.g_row\[3\]\.b/D (30:30:30))
   (INTERCONNECT l1/Z u_core\.c/D (10:10:10))
   (INTERCONNECT u_core\.u_ctrl\.a/Q l3/A (2:2:2))
   (INTERCONNECT l3/Z l3/A (1:1:1))
   (INTERCONNECT l3/Z u_core\.c/D (5:5:5)))))
 (CELL (CELLTYPE "FF") (INSTANCE u_core\.u_ctrl\.a)
  (DELAY (ABSOLUTE (IOPATH (posedge CLK) Q (100:100:100))))
  (TIMINGCHECK (SETUP D (posedge CLK) (60:60:60))))
 (CELL (CELLTYPE "FF") (INSTANCE u_core\.u_array\.g_row\[3\]\.b)
  (DELAY (ABSOLUTE (IOPATH CLK Q (120:120:120))))
  (TIMINGCHECK (SETUPHOLD (posedge D) (posedge CLK) (50:50:50) (7:7:7))))
 (CELL (CELLTYPE "FF") (INSTANCE u_core\.c)
  (TIMINGCHECK (SETUPHOLD (negedge D) (posedge CLK) (0:20:40) (0:0:0))))
 (CELL (CELLTYPE "LUT") (INSTANCE l1)
  (DELAY (ABSOLUTE (IOPATH A Z (10:20:30) (40:50:60)) (IOPATH B Z (25:25:25)))))
 (CELL (CELLTYPE "LUT") (INSTANCE l2)
  (DELAY (ABSOLUTE (IOPATH A Z (70:70:70)) (IOPATH B Z (10:10:10)))))
 (CELL (CELLTYPE "LUT") (INSTANCE l3)
  (DELAY (ABSOLUTE (IOPATH A Z (1:1:1)))))
)"#;

#[test]
fn hand_made_sdf_gives_the_paths_computed_by_hand() {
    let h = Hierarchy::from_sources([WRAP, ENG]);
    let t = sta::worst_per_unit(HAND, |c| h.unit_of(c, "wrap", "eng")).expect("analyses");
    assert_eq!(t.endpoints, 2, "a.D is reached by no register");
    assert_eq!(t.loops_cut, 1, "the l3 loop");
    let units: Vec<&str> = t.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ["arr", "eng"], "slowest first");
    let arr = &t.units[0];
    assert!((arr.delay_ns - 0.695).abs() < 1e-9, "{}", arr.delay_ns);
    assert!((arr.fmax_mhz - 1000.0 / 0.695).abs() < 1e-6);
    assert_eq!(arr.from, "u_core.u_array.g_row[3].b.Q");
    assert_eq!(arr.to, "u_core.u_array.g_row[3].b.D");
    assert_eq!((arr.levels, arr.carry_levels), (2, 0));
    assert!((arr.routing_ns - 0.430).abs() < 1e-9, "{}", arr.routing_ns);
    assert!((arr.routing_share - 430.0 / 695.0).abs() < 1e-9);
    let eng = &t.units[1];
    assert!((eng.delay_ns - 0.495).abs() < 1e-9, "{}", eng.delay_ns);
    assert_eq!(eng.to, "u_core.c.D");
    assert_eq!(eng.from, "u_core.u_array.g_row[3].b.Q");
    assert_eq!(eng.levels, 1);
    assert!((eng.routing_ns - 0.310).abs() < 1e-9);
    assert_eq!(t.worst(), Some(arr));
}

/// Our worst path over the SDF of a run against the critical path nextpnr reported on it.
fn agrees_with_nextpnr(sdf: &str, pnr_report: &str, family: Family) -> sta::UnitPath {
    let t = sta::worst_per_unit(&data(sdf), |_| "top".into()).expect("analyses");
    let report = parse::nextpnr_report(&data(pnr_report), family).expect("parses");
    let cp = report.critical_path.expect("nextpnr's critical path");
    let ours = t.worst().expect("a path").clone();
    assert_eq!(t.loops_cut, 0);
    // nextpnr's JSON keeps its delays as f32 sums: agreement to a few ps.
    assert!(
        (ours.delay_ns - cp.delay_ns).abs() < 0.005,
        "sta {} ns, nextpnr {} ns",
        ours.delay_ns,
        cp.delay_ns
    );
    assert!(
        (ours.routing_ns - cp.routing_ns).abs() < 0.005,
        "sta routing {} ns, nextpnr {} ns",
        ours.routing_ns,
        cp.routing_ns
    );
    assert_eq!((&ours.from, &ours.to), (&cp.from, &cp.to));
    let fmax = report.fmax_mhz.expect("fmax");
    assert!(
        (ours.fmax_mhz - fmax).abs() / fmax < 0.002,
        "{} vs {fmax}",
        ours.fmax_mhz
    );
    ours
}

#[test]
fn worst_path_of_an_ecp5_run_agrees_with_nextpnr() {
    let ours = agrees_with_nextpnr(
        "counter_ecp5-25k_nextpnr0.11.sdf",
        "counter_ecp5-25k_pnr_nextpnr0.11.json",
        Family::Ecp5,
    );
    // A 16-bit accumulator: most cells on the path are carry hops through CCU2C halves.
    assert!(ours.carry_levels > 0 && ours.carry_levels < ours.levels);
}

/// iCE40 packs LUT and flip-flop into one logic cell whose setup checks sit on the LUT
/// inputs; the 8-bit counter tests/data/sta/counter8.v, up5k sg48, nextpnr 0.11 defaults.
#[test]
fn worst_path_of_an_ice40_run_agrees_with_nextpnr() {
    let ours = agrees_with_nextpnr(
        "counter8_up5k_nextpnr0.11.sdf",
        "counter8_up5k_pnr_nextpnr0.11.json",
        Family::Ice40,
    );
    assert!(ours.carry_levels > 0, "{ours:?}");
}

#[test]
fn broken_files_are_errors_not_panics() {
    for bad in [
        "",
        "(DELAYFILE",
        "(CELL)",
        "(DELAYFILE (CELL (DELAY (ABSOLUTE (IOPATH A Z (x:y:z))))))",
    ] {
        assert!(
            sta::worst_per_unit(bad, |_| String::new()).is_err(),
            "{bad}"
        );
    }
}

/// The units of the generated engine (the tiny RTL snapshot inside the out-of-context wrapper),
/// with cell names as Yosys and nextpnr write them.
#[test]
fn engine_cells_map_to_their_units() {
    let dir = format!("{}/tests/snapshots/tiny", env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(format!("{dir}/manifest.json")).expect("manifest");
    let (top, ports) = parse_manifest(&manifest).expect("parses");
    let mut sources = vec![wrapper::ooc_wrapper(&top, &ports).expect("wrapper")];
    for entry in std::fs::read_dir(format!("{dir}/rtl")).expect("rtl") {
        let path = entry.expect("entry").path();
        sources.push(std::fs::read_to_string(&path).expect("source"));
    }
    let h = Hierarchy::from_sources(sources.iter().map(String::as_str));
    let unit = |cell: &str| h.unit_of(cell, wrapper::OOC_TOP, &top);
    for (inst, module) in [
        ("u_csr", "spikelm_csr"),
        ("u_ctrl", "spikelm_controller"),
        ("u_enc", "spikelm_encoder"),
        ("u_rates", "spikelm_rate_counters"),
        ("u_sbuf", "spikelm_sbuf"),
        ("u_array", "spikelm_pe_array"),
        ("u_bias", "spikelm_bias_mem"),
        ("u_out", "spikelm_out_stage"),
    ] {
        assert_eq!(unit(&format!("u_core.{inst}.x_TRELLIS_FF_Q")), module);
    }
    assert_eq!(
        unit("u_core.u_out.g_lane[7].u_scale.g_part[0].m_q_TRELLIS_FF_Q_DI_MULT18X18D_P33"),
        "spikelm_out_stage"
    );
    assert_eq!(
        unit("u_core.u_out.fifo_q.0.8$RAMW_SLICE"),
        "spikelm_out_stage"
    );
    assert_eq!(unit("u_core.go_TRELLIS_FF_Q"), "spikelm_engine");
    assert_eq!(unit("s_wgt_tready_TRELLIS_FF_Q"), wrapper::OOC_TOP);
}
