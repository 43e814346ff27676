//! A simulated board: the board top (pass-through PLL) around the generated engine, built with
//! Verilator into a program that carries the UART's bytes on its stdin and stdout
//! (`testbenches/board_harness.cpp`). The host driver talks to it through a
//! [`StreamTransport`] exactly as it talks to a serial port.

use super::error::{BoardError, Result};
use super::link::StreamTransport;
use super::rtl::{board_files, LinkTiming, Platform};
use crate::config::Params;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const HARNESS: &str = include_str!("../../testbenches/board_harness.cpp");

/// Link timing in simulation: 8 clocks per bit keeps a byte at 80 cycles.
pub const SIM_TIMING: LinkTiming = LinkTiming {
    clks_per_bit: 8,
    idle_bytes: 64,
    stall_clks: 255,
};

/// A built simulated board.
pub struct SimBoard {
    pub program: PathBuf,
    pub timing: LinkTiming,
}

/// Generate the engine and the board top into `dir` and build the simulator there.
pub fn build(params: &Params, dir: &Path) -> Result<SimBoard> {
    let gen = dir.join("design");
    let rtl = crate::rtl::generate(params)
        .map_err(|e| BoardError::Link(format!("RTL generation: {e}")))?;
    crate::rtl::write_tree(&gen, &rtl, true)
        .map_err(|e| BoardError::Link(format!("writing the RTL to {}: {e}", gen.display())))?;
    let design = crate::synth::design::read_in_place(&gen, dir, "design")?;
    let files = board_files(
        &Platform::Simulation { leds: 5 },
        &design.top,
        &design.ports,
        SIM_TIMING,
    )?;
    let mut sources = design.files.clone();
    for (name, text) in &files {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| BoardError::io(&p, e))?;
        sources.push(name.clone());
    }
    let h = dir.join("board_harness.cpp");
    std::fs::write(&h, HARNESS).map_err(|e| BoardError::io(&h, e))?;
    let verilator =
        std::env::var(crate::sim::build::VERILATOR_ENV).unwrap_or_else(|_| "verilator".into());
    let mut cmd = Command::new(&verilator);
    cmd.current_dir(dir)
        .args(crate::sim::build::verilator_build_args(
            super::rtl::BOARD_TOP,
            "board_sim",
        ));
    for inc in &design.include_dirs {
        cmd.arg(format!("-I{inc}"));
    }
    cmd.args(&sources).arg("board_harness.cpp");
    let out = cmd.output().map_err(|e| BoardError::io(&verilator, e))?;
    if !out.status.success() {
        let log = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        return Err(BoardError::Link(format!(
            "Verilator build of the simulated board failed in {}:\n{}",
            dir.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )));
    }
    Ok(SimBoard {
        program: dir.join("obj").join("board_sim"),
        timing: SIM_TIMING,
    })
}

/// A running simulated board and the transport to it. Dropping it ends the simulation.
pub struct SimSession {
    child: Child,
}

impl SimBoard {
    /// Start the simulator; `max_cycles` bounds it (0 = until the host closes the link).
    pub fn start(&self, max_cycles: u64) -> Result<(SimSession, StreamTransport)> {
        let mut child = Command::new(&self.program)
            .args([self.timing.clks_per_bit.to_string(), max_cycles.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| BoardError::io(&self.program, e))?;
        let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(i), Some(o)) => (i, o),
            _ => return Err(BoardError::Link("the simulator has no pipes".into())),
        };
        Ok((SimSession { child }, StreamTransport::new(stdout, stdin)))
    }
}

impl Drop for SimSession {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
