//! The board top's Verilog: the UART, the link, the PLL (the board's, or a pass-through for
//! simulation) and the top around the unchanged engine, rendered from `src/board/templates/`.

use super::boards::{Board, BoardFamily};
use super::error::{BoardError, Result};
use super::shape::{bits_above, LinkShape};
use crate::synth::design::{Port, PortDir};
use serde::Serialize;

macro_rules! template {
    ($file:literal) => {
        include_str!(concat!("templates/", $file))
    };
}

/// Module name of the board top.
pub const BOARD_TOP: &str = "spikelm_board_top";

const UART_RX: &str = template!("spikelm_uart_rx.v.tera");
const UART_TX: &str = template!("spikelm_uart_tx.v.tera");
const LINK: &str = template!("spikelm_link.v.tera");
const LINK_BUF: &str = template!("spikelm_link_buf.v.tera");
const SLICE: &str = template!("spikelm_axis_slice.v.tera");
const TOP: &str = template!("spikelm_board_top.v.tera");
const PLL_ECP5: &str = template!("spikelm_board_pll_ecp5.v.tera");
const PLL_ICE40: &str = template!("spikelm_board_pll_ice40.v.tera");
const PLL_SIM: &str = template!("spikelm_board_pll_sim.v.tera");

/// The link's standard UART rate on every board.
pub const BAUD: u32 = 115_200;

/// Timing of the link in clock cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkTiming {
    pub clks_per_bit: u32,
    /// Silence, in byte times, after which a partial request frame is abandoned.
    pub idle_bytes: u32,
    /// Cycles a stream beat waits for its handshake before the request ends early.
    pub stall_clks: u32,
}

impl LinkTiming {
    /// The timing on a board: 115200 baud at the PLL clock.
    pub fn for_board(board: &Board) -> Self {
        LinkTiming {
            clks_per_bit: board.clocks_per_bit(BAUD).0,
            idle_bytes: 64,
            stall_clks: 4095,
        }
    }
    fn idle_clks(&self) -> u32 {
        self.idle_bytes * 10 * self.clks_per_bit
    }
}

/// What the board top is built for: a real board, or simulation (pass-through PLL).
pub enum Platform<'a> {
    Board(&'a Board),
    Simulation { leds: u32 },
}

#[derive(Serialize)]
struct Connection {
    port: String,
    expr: String,
}

#[derive(Serialize)]
struct Debug {
    name: String,
    width: u32,
}

fn render(name: &str, template: &str, ctx: &tera::Context) -> Result<String> {
    tera::Tera::one_off(template, ctx, false).map_err(|e| BoardError::Template {
        name: name.to_string(),
        message: format!("{e:?}"),
    })
}

/// Ports the board top wires to the link through its registers and slices, as `e_<port>`.
const LINK_PORTS: [&str; 15] = [
    "csr_we",
    "csr_re",
    "csr_addr",
    "csr_wdata",
    "csr_rdata",
    "s_act_tvalid",
    "s_act_tready",
    "s_act_tdata",
    "s_wgt_tvalid",
    "s_wgt_tready",
    "s_wgt_tdata",
    "m_out_tvalid",
    "m_out_tready",
    "m_out_tdata",
    "m_out_tlast",
];

/// The board top's files `(file name, Verilog)` around the engine `core` with `ports`.
pub fn board_files(
    platform: &Platform,
    core: &str,
    ports: &[Port],
    timing: LinkTiming,
) -> Result<Vec<(String, String)>> {
    let shape = LinkShape::of_ports(ports)
        .ok_or_else(|| BoardError::UnknownPort("csr_addr / s_*_tdata / m_out_tdata".into()))?;
    shape.check().map_err(BoardError::Link)?;
    let mut connections = Vec::new();
    let mut debug = Vec::new();
    for p in ports {
        let expr = if p.is_clock() || p.name == "rst" {
            p.name.clone()
        } else if LINK_PORTS.contains(&p.name.as_str()) {
            format!("e_{}", p.name)
        } else if p.is_debug() && p.dir == PortDir::Output {
            debug.push(Debug {
                name: p.name.clone(),
                width: p.width,
            });
            p.name.clone()
        } else {
            return Err(BoardError::UnknownPort(p.name.clone()));
        };
        connections.push(Connection {
            port: p.name.clone(),
            expr,
        });
    }
    let (board, device, clk_in, clk, nled, btn_low, led_low) = match platform {
        Platform::Board(b) => (
            b.name.as_str(),
            b.part.as_str(),
            b.clock_mhz,
            b.pll.mhz,
            b.leds.len() as u32,
            b.reset_active_low,
            b.leds_active_low,
        ),
        Platform::Simulation { leds } => ("simulation", "Verilator", 0.0, 0.0, *leds, false, false),
    };
    let status_bits = 5u32;
    let led_expr = if nled >= status_bits {
        if nled == status_bits {
            "status".to_string()
        } else {
            format!("{{{{{}{{1'b0}}}}, status}}", nled - status_bits)
        }
    } else {
        format!("status[{}:0]", nled - 1)
    };
    let mut unused: Vec<String> = debug.iter().map(|d| d.name.clone()).collect();
    if nled < status_bits {
        unused.push(format!("status[{}:{nled}]", status_bits - 1));
    }
    let mut ctx = tera::Context::new();
    ctx.insert("board", board);
    ctx.insert("device", device);
    ctx.insert("clk_in_mhz", &clk_in);
    ctx.insert("clk_mhz", &clk);
    ctx.insert("baud", &BAUD);
    ctx.insert("clks_per_bit", &timing.clks_per_bit);
    ctx.insert("cw", &bits_above(u64::from(timing.clks_per_bit)));
    ctx.insert("nled", &nled);
    ctx.insert("btn_active_low", &btn_low);
    ctx.insert("led_active_low", &led_low);
    ctx.insert("csr_aw", &shape.csr_aw);
    ctx.insert("xw", &shape.xw);
    ctx.insert("ww", &shape.ww);
    ctx.insert("ow", &shape.ow);
    ctx.insert("xb", &shape.act_bytes());
    ctx.insert("wby", &shape.wgt_bytes());
    ctx.insert("ob", &shape.out_bytes());
    ctx.insert("lb", &shape.load_bytes());
    ctx.insert("kw", &bits_above(u64::from(shape.load_bytes() - 1)));
    ctx.insert("sb", &shape.store_bytes());
    ctx.insert("out_max", &shape.out_max());
    ctx.insert("idle_clks", &timing.idle_clks());
    ctx.insert("iw", &bits_above(u64::from(timing.idle_clks())));
    ctx.insert("stall_clks", &timing.stall_clks);
    ctx.insert("csr_read_latency", &crate::perf::pipeline::CSR_READ_LATENCY);
    ctx.insert("sw", &bits_above(u64::from(timing.stall_clks)));
    ctx.insert("core", core);
    ctx.insert("connections", &connections);
    ctx.insert("debug", &debug);
    ctx.insert("led_expr", &led_expr);
    ctx.insert("unused", &unused.join(", "));
    // The heartbeat's top bit toggles at about 1 Hz on the board; a visible flash is ~50 ms.
    let hz = if clk > 0.0 { clk * 1e6 } else { 1e6 };
    ctx.insert("heartbeat_bits", &bits_above(hz as u64));
    ctx.insert("stretch_bits", &bits_above((hz / 20.0) as u64).max(2));

    let pll = match platform {
        Platform::Board(b) => {
            let mut pctx = tera::Context::new();
            pctx.insert("board", &b.name);
            pctx.insert("fin_mhz", &b.clock_mhz);
            pctx.insert("fout_mhz", &b.pll.mhz);
            pctx.insert("vco_mhz", &b.pll.vco_mhz);
            pctx.insert("clki_div", &b.pll.clki_div);
            pctx.insert("clkfb_div", &b.pll.clkfb_div);
            pctx.insert("clkop_div", &b.pll.clkop_div);
            pctx.insert("clkop_cphase", &b.pll.clkop_cphase);
            pctx.insert("divr", &b.pll.divr);
            pctx.insert("divf", &b.pll.divf);
            pctx.insert("divq", &b.pll.divq);
            pctx.insert("filter_range", &b.pll.filter_range);
            match b.family {
                BoardFamily::Ecp5 => render("spikelm_board_pll_ecp5.v", PLL_ECP5, &pctx)?,
                BoardFamily::Ice40 => render("spikelm_board_pll_ice40.v", PLL_ICE40, &pctx)?,
            }
        }
        Platform::Simulation { .. } => render("spikelm_board_pll_sim.v", PLL_SIM, &ctx)?,
    };
    // The UART, the link, its buffers and the slice are plain Verilog (parameters only): no rendering.
    Ok(vec![
        ("spikelm_board_pll.v".into(), pll),
        ("spikelm_uart_rx.v".into(), UART_RX.to_string()),
        ("spikelm_uart_tx.v".into(), UART_TX.to_string()),
        ("spikelm_link.v".into(), LINK.to_string()),
        ("spikelm_link_buf.v".into(), LINK_BUF.to_string()),
        ("spikelm_axis_slice.v".into(), SLICE.to_string()),
        (
            format!("{BOARD_TOP}.v"),
            render("spikelm_board_top.v", TOP, &ctx)?,
        ),
    ])
}
