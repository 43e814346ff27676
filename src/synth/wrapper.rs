//! Generated wrappers around the design's top: an out-of-context shell (all ports but the debug
//! taps) and a narrow serial I/O top that fits a real package, plus the pin constraint files.

use super::design::{Port, PortDir};
use super::error::{Result, SynthError};
use super::target::{Family, Target};
use serde::Serialize;

/// Module name of the out-of-context shell.
pub const OOC_TOP: &str = "spikelm_ooc_top";
/// Module name of the narrow I/O top.
pub const IO_TOP: &str = "spikelm_io_top";
/// Registers the narrow I/O top puts between its shift registers and the core, each way: two
/// on ECP5, one on iCE40, where every flip-flop of them takes a logic cell of its own and the
/// UP5K fit (`UP5K_FIT`, about 4,850 of 5,280 cells with one) has no room for a second. With
/// one, the input stage's multi-bit ports are the shift register's next bit, which synthesis
/// merges with it: a stage of their own (loaded on `sload`) took the fit to 5,196 cells, where
/// nextpnr found no legal placement.
pub fn io_stages(family: Family) -> u32 {
    match family {
        Family::Ice40 => 1,
        Family::Ecp5 | Family::Gates => 2,
    }
}
/// Pins of the narrow I/O top.
pub const IO_PINS: [&str; 5] = ["clk", "rst", "sin", "sload", "sout"];

const IO_TEMPLATE: &str = include_str!("../../constraints/io_wrapper.v.tera");
const OOC_TEMPLATE: &str = include_str!("../../constraints/ooc_wrapper.v.tera");
const ECP5_LPF: &str = include_str!("../../constraints/ecp5-cabga381.lpf");
const UP5K_PCF: &str = include_str!("../../constraints/ice40-up5k-sg48.pcf");
const HX8K_PCF: &str = include_str!("../../constraints/ice40-hx8k-ct256.pcf");

#[derive(Serialize)]
struct Connection {
    port: String,
    expr: String,
}

#[derive(Serialize)]
struct ShellPort {
    dir: &'static str,
    name: String,
    width: u32,
}

fn render(name: &str, template: &str, ctx: &tera::Context) -> Result<String> {
    tera::Tera::one_off(template, ctx, false).map_err(|e| SynthError::Template {
        name: name.to_string(),
        message: format!("{e:?}"),
    })
}

/// Bits the narrow wrapper shifts in and out for these ports.
pub fn serial_bits(ports: &[Port]) -> (u32, u32) {
    let sum = |dir| {
        ports
            .iter()
            .filter(|p| p.dir == dir && !p.is_clock() && !p.is_reset() && !p.is_debug())
            .map(|p| p.width)
            .sum()
    };
    (sum(PortDir::Input), sum(PortDir::Output))
}

/// The narrow serial I/O top around `core`, with `stages` registers between each shift
/// register and the core.
pub fn io_wrapper(core: &str, ports: &[Port], stages: u32) -> Result<String> {
    let (in_used, out_used) = serial_bits(ports);
    let mut connections = Vec::new();
    let (mut in_lsb, mut out_lsb) = (0u32, 0u32);
    // The one-bit inputs, most significant bit first as a Verilog binary literal.
    let mut strobes = vec!['0'; in_used.max(1) as usize];
    for p in ports {
        let slice = |lsb: u32, bus: &str| {
            if p.width == 1 {
                format!("{bus}[{lsb}]")
            } else {
                format!("{bus}[{}:{lsb}]", lsb + p.width - 1)
            }
        };
        let expr = if p.is_clock() {
            "clk".to_string()
        } else if p.is_reset() {
            if p.name == "rst_n" { "~rst" } else { "rst" }.to_string()
        } else if p.is_debug() {
            String::new()
        } else if p.dir == PortDir::Input {
            in_lsb += p.width;
            if p.width == 1 {
                let len = strobes.len();
                strobes[len - in_lsb as usize] = '1';
            }
            slice(in_lsb - p.width, "in_core")
        } else {
            out_lsb += p.width;
            slice(out_lsb - p.width, "out_bus")
        };
        connections.push(Connection {
            port: p.name.clone(),
            expr,
        });
    }
    let mut ctx = tera::Context::new();
    ctx.insert("name", IO_TOP);
    ctx.insert("core", core);
    ctx.insert("in_bits", &in_used.max(1));
    ctx.insert("out_bits", &out_used.max(1));
    ctx.insert("in_used", &in_used);
    ctx.insert("stages", &stages);
    ctx.insert("strobes", &strobes.into_iter().collect::<String>());
    ctx.insert("in_unused", &u32::from(in_used == 0));
    ctx.insert("out_used", &out_used);
    ctx.insert("out_unused", &u32::from(out_used == 0));
    ctx.insert("connections", &connections);
    render("io_wrapper.v", IO_TEMPLATE, &ctx)
}

/// The out-of-context shell around `core`: the same ports without the debug taps.
pub fn ooc_wrapper(core: &str, ports: &[Port]) -> Result<String> {
    let shell: Vec<ShellPort> = ports
        .iter()
        .filter(|p| !p.is_debug())
        .map(|p| ShellPort {
            dir: match p.dir {
                PortDir::Input => "input ",
                PortDir::Output => "output",
            },
            name: p.name.clone(),
            width: p.width,
        })
        .collect();
    let connections: Vec<Connection> = ports
        .iter()
        .map(|p| Connection {
            port: p.name.clone(),
            expr: if p.is_debug() {
                String::new()
            } else {
                p.name.clone()
            },
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("name", OOC_TOP);
    ctx.insert("core", core);
    ctx.insert("ports", &shell);
    ctx.insert("connections", &connections);
    render("ooc_wrapper.v", OOC_TEMPLATE, &ctx)
}

/// The pin constraint file for the narrow I/O top: (file name, contents).
pub fn pin_constraints(target: Target, clock_mhz: f64) -> Option<(&'static str, String)> {
    match (target.family(), target) {
        (Family::Ecp5, _) => Some((
            "io.lpf",
            ECP5_LPF.replace("{{ clock_mhz }}", &format!("{clock_mhz}")),
        )),
        (_, Target::Ice40Up5k) => Some(("io.pcf", UP5K_PCF.to_string())),
        (_, Target::Ice40Hx8k) => Some(("io.pcf", HX8K_PCF.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
