//! `spikelm-hw board`: generate the engine, wrap it in the board top, synthesize, place and
//! route at the PLL clock on the board's package, pack the bitstream, and write the
//! constraints, the timing report and the programming command. Reuses the synthesis flow's
//! design import, scripts, tool runner and report parsers (`crate::synth`).

use super::boards::{Board, BoardFamily};
use super::constraints;
use super::error::{BoardError, Result};
use super::rtl::{board_files, LinkTiming, Platform, BAUD, BOARD_TOP};
use crate::config::Params;
use crate::synth::report::{CellCounts, CriticalPath, PnrResult, Utilisation};
use crate::synth::tools::{self, Runner, Tool, ToolKind};
use crate::synth::{flow, parse, script, Family, SynthError, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What one board build produced.
#[derive(Debug, Clone, Serialize)]
pub struct BoardBuild {
    pub board: String,
    pub part: String,
    pub preset: String,
    pub config_hash: String,
    /// The PLL clock the link and the engine run at, MHz.
    pub clock_mhz: f64,
    pub baud: u32,
    pub clks_per_bit: u32,
    /// Every clock nextpnr timed: (name, achieved MHz, constraint MHz).
    pub clocks: Vec<(String, f64, f64)>,
    /// Every placer seed tried, in order, with its slowest clock's Fmax (MHz); the build kept
    /// the last one (the first that met timing).
    pub seeds_tried: Vec<(u64, f64)>,
    pub critical_path: Option<CriticalPath>,
    pub cells: CellCounts,
    pub utilisation: Vec<Utilisation>,
    /// Files in the output directory.
    pub bitstream: String,
    pub bitstream_bytes: u64,
    pub constraints: String,
    pub timing_report: String,
    pub program: String,
    pub tools: Vec<Tool>,
    pub out_dir: String,
}

impl BoardBuild {
    /// The slowest clock's achieved Fmax.
    pub fn fmax_mhz(&self) -> Option<f64> {
        slowest(&self.clocks)
    }

    /// A short Markdown summary (the file `board.md`).
    pub fn render(&self) -> String {
        let mut s = format!(
            "# {} — spikelm-hw board build\n\n\
             | field | value |\n|---|---|\n\
             | part | {} |\n| configuration | {} ({}) |\n| PLL clock | {} MHz |\n\
             | host link | UART {} baud, {} clocks per bit |\n| bitstream | `{}` ({} bytes) |\n\
             | constraints | `{}` |\n| timing report | `{}` |\n| program | `{}` |\n\n\
             ## Timing\n\n| clock | achieved MHz | constraint MHz |\n|---|---|---|\n",
            self.board,
            self.part,
            self.preset,
            self.config_hash,
            self.clock_mhz,
            self.baud,
            self.clks_per_bit,
            self.bitstream,
            self.bitstream_bytes,
            self.constraints,
            self.timing_report,
            self.program
        );
        for (name, achieved, constraint) in &self.clocks {
            s.push_str(&format!("| {name} | {achieved:.1} | {constraint:.1} |\n"));
        }
        s.push_str(&format!(
            "\nPlacer seeds tried: {}\n",
            seeds_text(&self.seeds_tried)
        ));
        if let Some(p) = &self.critical_path {
            s.push_str(&format!(
                "\nCritical path: {} → {}, {:.2} ns ({:.2} logic, {:.2} routing, {} segments)\n",
                p.from, p.to, p.delay_ns, p.logic_ns, p.routing_ns, p.segments
            ));
        }
        s.push_str("\n## Resources (after place and route)\n\n| resource | used | available |\n|---|---|---|\n");
        for u in &self.utilisation {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                u.resource, u.used, u.available
            ));
        }
        s
    }
}

/// The synthesis target whose device budget a board's part has.
pub fn budget_target(board: &Board) -> Result<Target> {
    match board.nextpnr_device.as_str() {
        "--25k" => Ok(Target::Ecp5_25k),
        "--45k" => Ok(Target::Ecp5_45k),
        "--85k" => Ok(Target::Ecp5_85k),
        "--up5k" => Ok(Target::Ice40Up5k),
        other => Err(BoardError::Data(format!(
            "board {}: nextpnr device `{other}` has no resource table",
            board.name
        ))),
    }
}

/// Refuse a synthesized design that cannot fit the board: name the resource and the budget.
pub fn check_fit(board: &Board, cells: &CellCounts) -> Result<()> {
    let device = budget_target(board)?
        .device()
        .ok_or_else(|| BoardError::Data(format!("board {}: no device", board.name)))?;
    let logic = match board.family {
        BoardFamily::Ecp5 => ("LUT4-equivalents (LUT4 + 2 per CCU2C)", cells.lut4_equiv),
        BoardFamily::Ice40 => ("logic cells (SB_LUT4)", cells.lut4),
    };
    match device.overuse(logic, cells.ffs, cells.dsp, cells.bram) {
        Some(o) => Err(does_not_fit(board, o.resource, o.needed, o.budget)),
        None => Ok(()),
    }
}

/// The array of the iCE40 board build: `UP5K_FIT`'s 4 × 4 engine and the host link together
/// need ~6,500 logic cells of the UP5K's 5,280, so the board keeps its other settings with two
/// columns.
pub const ICE40_BOARD_ARRAY: &str = "array=4x2";

/// The `--set` options of the configuration that fits the iCE40 board with its link.
pub fn ice40_board_fit() -> Vec<String> {
    crate::synth::UP5K_FIT
        .iter()
        .map(|s| {
            if s.starts_with("array=") {
                ICE40_BOARD_ARRAY
            } else {
                s
            }
        })
        .map(String::from)
        .collect()
}

fn does_not_fit(board: &Board, resource: &str, needed: u64, budget: u64) -> BoardError {
    let hint = if board.family == BoardFamily::Ice40 {
        format!(
            "; the configuration that fits the board is --set {}",
            ice40_board_fit().join(" --set ")
        )
    } else {
        "; choose a smaller array (--set array=RxC) or a larger board".to_string()
    };
    BoardError::DoesNotFit {
        board: board.name.clone(),
        part: board.part.clone(),
        resource: resource.to_string(),
        needed,
        budget,
        hint,
    }
}

/// The first resource nextpnr's device utilisation lists above the device's count
/// (`Info: \t ICESTORM_LC: 6472/ 5280 122%`): the placer's verdict on a design that the
/// synthesis counts could not rule out (on the iCE40 a flip-flop and a LUT share a logic cell
/// only when the LUT drives it).
pub fn overfull(pnr_log: &str) -> Option<(String, u64, u64)> {
    pnr_log.lines().find_map(|line| {
        let (name, rest) = line.trim_start_matches("Info:").trim().split_once(':')?;
        let (used, rest) = rest.split_once('/')?;
        let avail = rest.split_whitespace().next()?;
        let (used, avail) = (used.trim().parse().ok()?, avail.parse().ok()?);
        (used > avail && !name.contains(' ')).then(|| (name.to_string(), used, avail))
    })
}

#[derive(Deserialize)]
struct ReportClocks {
    fmax: BTreeMap<String, ClockFmax>,
}

#[derive(Deserialize)]
struct ClockFmax {
    achieved: f64,
    constraint: f64,
}

/// Every clock of a nextpnr `--report` JSON: (name, achieved, constraint) in MHz.
pub fn report_clocks(text: &str) -> std::result::Result<Vec<(String, f64, f64)>, String> {
    let r: ReportClocks = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(r.fmax
        .into_iter()
        .map(|(k, v)| (k, v.achieved, v.constraint))
        .collect())
}

/// The clock that misses its constraint by the most, if any.
pub fn worst_miss(clocks: &[(String, f64, f64)]) -> Option<&(String, f64, f64)> {
    clocks
        .iter()
        .filter(|c| c.1 < c.2)
        .max_by(|a, b| (1.0 / a.1 - 1.0 / a.2).total_cmp(&(1.0 / b.1 - 1.0 / b.2)))
}

fn write(path: &Path, text: &str) -> Result<()> {
    crate::atomic::write(path, text).map_err(|e| BoardError::io(path, e))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| BoardError::io(path, e))
}

fn parse_error(what: &str, path: &Path, message: String) -> BoardError {
    BoardError::Synth(SynthError::Parse {
        what: what.to_string(),
        path: path.to_path_buf(),
        message,
    })
}

/// Every clock nextpnr timed: (name, achieved MHz, constraint MHz).
pub type Clocks = Vec<(String, f64, f64)>;

/// The slowest clock's achieved Fmax, MHz.
fn slowest(clocks: &[(String, f64, f64)]) -> Option<f64> {
    clocks.iter().map(|c| c.1).min_by(|a, b| a.total_cmp(b))
}

/// Placer seeds `board` tries by default: placement alone moves Fmax by several per cent.
pub const DEFAULT_SEEDS: u64 = 3;

/// The placer seeds a board build tries, in order, until one meets timing.
#[derive(Debug, Clone, Copy)]
pub struct Seeds {
    pub first: u64,
    pub count: u64,
}

impl Seeds {
    pub fn seeds(&self) -> impl Iterator<Item = u64> {
        self.first..self.first.saturating_add(self.count.max(1))
    }
}

/// "127.6 MHz at seed 1, 134.8 MHz at seed 2": each seed tried with its slowest clock's Fmax.
fn seeds_text(tried: &[(u64, f64)]) -> String {
    tried
        .iter()
        .map(|(seed, fmax)| format!("{fmax:.1} MHz at seed {seed}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How far the slowest clock misses its constraint, in ns (0 when every clock meets it).
fn shortfall_ns(clocks: &[(String, f64, f64)]) -> f64 {
    worst_miss(clocks).map_or(0.0, |c| 1000.0 / c.1 - 1000.0 / c.2)
}

/// One place and route of the synthesized board top at the PLL clock: the timed clocks, the
/// parsed report and its text (nextpnr writes `board_pnr_report.json`, the routed design
/// `routed`).
fn place_and_route(
    board: &Board,
    runner: &mut Runner,
    nextpnr: &Tool,
    pin_name: &str,
    routed: &str,
    seed: u64,
) -> Result<(Clocks, PnrResult, String)> {
    let family = board.family();
    let mut args: Vec<String> = vec![
        board.nextpnr_device.clone(),
        "--package".into(),
        board.package.clone(),
    ];
    if let Some(speed) = board.speed {
        args.extend(["--speed".into(), speed.to_string()]);
    }
    args.extend(budget_target(board)?.nextpnr_placer_args());
    let (pin_flag, cfg_flag) = if family == Family::Ice40 {
        ("--pcf", "--asc")
    } else {
        ("--lpf", "--textcfg")
    };
    args.extend(
        [
            "--json",
            "board_netlist.json",
            pin_flag,
            pin_name,
            "--freq",
            &format!("{}", board.pll.mhz),
            "--seed",
            &seed.to_string(),
            "--timing-allow-fail",
            "--report",
            "board_pnr_report.json",
            cfg_flag,
            routed,
        ]
        .map(String::from),
    );
    runner
        .run(&format!("pnr-board-seed{seed}"), nextpnr, &args)
        .map_err(|e| {
            let full = match &e {
                SynthError::ToolFailed(f) => std::fs::read_to_string(&f.log)
                    .ok()
                    .and_then(|l| overfull(&l)),
                _ => None,
            };
            match full {
                Some((resource, needed, budget)) => does_not_fit(board, &resource, needed, budget),
                None => e.into(),
            }
        })?;
    let report_path = runner.dir.join("board_pnr_report.json");
    let text = read(&report_path)?;
    let clocks =
        report_clocks(&text).map_err(|m| parse_error("nextpnr report", &report_path, m))?;
    let pnr = parse::nextpnr_report(&text, family)
        .map_err(|m| parse_error("nextpnr report", &report_path, m))?;
    Ok((clocks, pnr, text))
}

/// Build the bitstream of `params`' engine for `board` into `out`.
pub fn build(
    params: &Params,
    board: &Board,
    out: &Path,
    seeds: Seeds,
    progress: &mut dyn FnMut(&str),
) -> Result<BoardBuild> {
    std::fs::create_dir_all(out).map_err(|e| BoardError::io(out, e))?;
    let _lock = crate::atomic::DirLock::acquire(out).map_err(|e| BoardError::io(out, e))?;
    let family = board.family();
    let (pnr_kind, pack_kind) = match family {
        Family::Ice40 => (ToolKind::NextpnrIce40, ToolKind::Icepack),
        _ => (ToolKind::NextpnrEcp5, ToolKind::Ecppack),
    };
    let yosys = tools::find(ToolKind::Yosys)?;
    let nextpnr = tools::find(pnr_kind)?;
    let pack = tools::find(pack_kind)?;

    progress("generating the engine and the board top");
    let design = flow::obtain_design(params, None, out)?;
    let timing = LinkTiming::for_board(board);
    let files = board_files(&Platform::Board(board), &design.top, &design.ports, timing)?;
    let bdir = out.join("board");
    std::fs::create_dir_all(&bdir).map_err(|e| BoardError::io(&bdir, e))?;
    let mut extra = Vec::new();
    for (name, text) in &files {
        write(&bdir.join(name), text)?;
        extra.push(format!("board/{name}"));
    }
    let (pin_name, pin_text) = constraints::pin_file(board);
    write(&out.join(pin_name), &pin_text)?;

    progress("synthesis of the board top");
    let mut ys = String::new();
    // The iCE40 PLL primitive, as a blackbox for `hierarchy -check` (flat_script already reads
    // the ECP5 cell libraries, EHXPLLL included).
    if family == Family::Ice40 {
        ys.push_str("read_verilog -lib +/ice40/cells_sim.v\n");
    }
    ys.push_str(&script::flat_script(
        &design.sources_with(&extra),
        family,
        BOARD_TOP,
        true,
        Some("board_netlist.json"),
        "board_stat.json",
        "board_stat.txt",
    ));
    write(&out.join("board.ys"), &ys)?;
    let mut runner = Runner::new(out)?;
    runner.run("synth-board", &yosys, &["-s".into(), "board.ys".into()])?;
    let stat_path = out.join("board_stat.json");
    let cells = parse::design_cells(&read(&stat_path)?, family)
        .map_err(|m| parse_error("board statistics", &stat_path, m))?;
    check_fit(board, &cells)?;

    let routed = if family == Family::Ice40 {
        "board.asc"
    } else {
        "board.config"
    };
    let report_path = out.join("board_pnr_report.json");
    let mut attempts: Vec<(u64, f64)> = Vec::new();
    let mut placed = None;
    for seed in seeds.seeds() {
        progress(&format!(
            "place and route on the board's package (seed {seed}, {} of {})",
            attempts.len() + 1,
            seeds.seeds().count()
        ));
        let (clocks, pnr, text) =
            place_and_route(board, &mut runner, &nextpnr, pin_name, routed, seed)?;
        attempts.push((seed, slowest(&clocks).unwrap_or(0.0)));
        if clocks.is_empty() {
            return Err(BoardError::Link(format!(
                "nextpnr timed no clock (see {}): the PLL clock did not reach the design",
                report_path.display()
            )));
        }
        let met = worst_miss(&clocks).is_none();
        // Keep the met placement, else the one that missed by the least (reported below).
        let better = placed
            .as_ref()
            .is_none_or(|(c, _, _): &(Clocks, _, _)| shortfall_ns(&clocks) < shortfall_ns(c));
        if met || better {
            placed = Some((clocks, pnr, text));
        }
        if met {
            break;
        }
    }
    let (clocks, pnr, report_text) =
        placed.ok_or_else(|| BoardError::Data("no placer seed to try".into()))?;

    let bitstream = format!("board.{}", board.bitstream);
    let mut build = BoardBuild {
        board: board.name.clone(),
        part: board.part.clone(),
        preset: params.config.preset.clone(),
        config_hash: params.derived.config_hash.clone(),
        clock_mhz: board.pll.mhz,
        baud: BAUD,
        clks_per_bit: timing.clks_per_bit,
        clocks,
        seeds_tried: attempts,
        critical_path: pnr.critical_path.clone(),
        cells,
        utilisation: pnr.utilisation.clone(),
        bitstream: bitstream.clone(),
        bitstream_bytes: 0,
        constraints: pin_name.to_string(),
        timing_report: "board_pnr_report.json".into(),
        program: board.program_command(&bitstream),
        tools: vec![yosys, nextpnr, pack.clone()],
        out_dir: out.display().to_string(),
    };
    // The report on disk is the kept placement's; so is the routed design when timing is met
    // (the loop stopped at it), and nothing is packed otherwise.
    write(&report_path, &report_text)?;
    write(&out.join("board.md"), &build.render())?;
    if let Some((_, achieved, constraint)) = worst_miss(&build.clocks) {
        return Err(BoardError::Timing {
            board: board.name.clone(),
            clock: *constraint,
            achieved: *achieved,
            short: constraint - achieved,
            slack_ns: 1000.0 / constraint - 1000.0 / achieved,
            seeds: seeds_text(&build.seeds_tried),
            path: build
                .critical_path
                .as_ref()
                .map(|p| format!("{} → {}, {:.2} ns", p.from, p.to, p.delay_ns))
                .unwrap_or_else(|| "not reported".into()),
        });
    }

    progress("packing the bitstream");
    let pack_args: Vec<String> = match family {
        Family::Ice40 => vec![routed.into(), bitstream.clone()],
        _ => vec![
            "--compress".into(),
            "--input".into(),
            routed.into(),
            "--bit".into(),
            bitstream.clone(),
        ],
    };
    runner.run("pack", &pack, &pack_args)?;
    let bit_path = out.join(&bitstream);
    build.bitstream_bytes = std::fs::metadata(&bit_path)
        .map_err(|e| BoardError::io(&bit_path, e))?
        .len();
    write(
        &out.join("program.sh"),
        &format!(
            "#!/usr/bin/env bash\n# Load {} onto the {} ({}).\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n{}\n",
            bitstream, board.title, board.bridge, build.program
        ),
    )?;
    write(&out.join("board.md"), &build.render())?;
    let json = serde_json::to_string_pretty(&build)
        .map_err(|e| parse_error("board report", &out.join("board.json"), e.to_string()))?;
    write(&out.join("board.json"), &json)?;
    Ok(build)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::boards::find;

    #[test]
    fn a_missed_clock_is_named_with_its_shortfall() {
        let text = r#"{"fmax": {"clk": {"achieved": 61.5, "constraint": 75.0},
                                "clk_in": {"achieved": 300.0, "constraint": 25.0}}}"#;
        let clocks = report_clocks(text).expect("parse");
        assert_eq!(clocks.len(), 2);
        let miss = worst_miss(&clocks).expect("one clock misses");
        assert_eq!(miss.0, "clk");
        let met = [("clk".to_string(), 80.0, 75.0)];
        assert!(worst_miss(&met).is_none());
        assert_eq!(shortfall_ns(&met), 0.0);
        // 61.5 MHz against 75: 16.26 - 13.33 ns.
        assert!((shortfall_ns(&clocks) - (1000.0 / 61.5 - 1000.0 / 75.0)).abs() < 1e-9);
    }

    #[test]
    fn placer_seeds_run_from_the_first_and_at_least_one_is_tried() {
        let three = Seeds { first: 4, count: 3 };
        assert_eq!(three.seeds().collect::<Vec<_>>(), vec![4, 5, 6]);
        let none = Seeds { first: 2, count: 0 };
        assert_eq!(none.seeds().collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn an_engine_too_large_names_board_resource_and_budget() {
        let board = find("icebreaker").expect("board");
        let cells = CellCounts {
            lut4: 7_182,
            ..Default::default()
        };
        let e = check_fit(&board, &cells)
            .expect_err("too large")
            .to_string();
        assert!(
            e.contains("icebreaker") && e.contains("7182") && e.contains("5280"),
            "{e}"
        );
        assert!(
            e.contains(ICE40_BOARD_ARRAY) && !e.contains("array=4x4"),
            "{e}"
        );
        let ulx = find("ulx3s-85f").expect("board");
        let dsp = CellCounts {
            dsp: 157,
            ..Default::default()
        };
        let e = check_fit(&ulx, &dsp)
            .expect_err("too many multipliers")
            .to_string();
        assert!(
            e.contains("MULT18X18D") && e.contains("157") && e.contains("156"),
            "{e}"
        );
        assert!(check_fit(&ulx, &CellCounts::default()).is_ok());
    }

    #[test]
    fn the_placers_overfull_resource_is_found_in_its_log() {
        let log = "Info: Device utilisation:\n\
                   Info: \t         ICESTORM_LC:    6472/   5280   122%\n\
                   Info: \t        ICESTORM_RAM:      19/     30    63%\n\
                   ERROR: Unable to place cell 'x', no BELs remaining\n";
        assert_eq!(overfull(log), Some(("ICESTORM_LC".to_string(), 6472, 5280)));
        let fits = "Info: \t         ICESTORM_LC:    4600/   5280    87%\n\
                    Info: Max frequency for clock 'clk': 36.92 MHz (PASS at 33.00 MHz)\n";
        assert_eq!(overfull(fits), None);
    }
}
