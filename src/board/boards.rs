//! The boards as data (`boards.toml`): pins, clock, PLL settings, programming command, each
//! with its public source. A board that names another with `like` takes its fields and
//! overrides some (the ULX3S sizes differ only in the part).

use super::error::{BoardError, Result};
use crate::synth::Family;
use serde::{Deserialize, Serialize};

const BOARDS_TOML: &str = include_str!("boards.toml");

/// PLL settings from the pinned tools' `ecppll` (ECP5) or `icepll` (iCE40).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pll {
    /// Output clock, MHz: the clock of the link and the engine.
    pub mhz: f64,
    pub vco_mhz: f64,
    // ECP5 EHXPLLL
    pub clki_div: Option<u32>,
    pub clkfb_div: Option<u32>,
    pub clkop_div: Option<u32>,
    pub clkop_cphase: Option<u32>,
    // iCE40 SB_PLL40
    pub divr: Option<u32>,
    pub divf: Option<u32>,
    pub divq: Option<u32>,
    pub filter_range: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BoardFamily {
    Ecp5,
    Ice40,
}

impl BoardFamily {
    pub fn family(self) -> Family {
        match self {
            BoardFamily::Ecp5 => Family::Ecp5,
            BoardFamily::Ice40 => Family::Ice40,
        }
    }
}

/// One board, as `boards.toml` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    pub name: String,
    pub title: String,
    pub family: BoardFamily,
    /// Full part number (device, speed grade, package).
    pub part: String,
    /// nextpnr's device flag (`--85k`, `--up5k`).
    pub nextpnr_device: String,
    pub package: String,
    /// ECP5 speed grade.
    #[serde(default)]
    pub speed: Option<u8>,
    pub clock_pin: String,
    pub clock_mhz: f64,
    /// The FPGA's receive pin (the bridge's TX) and transmit pin.
    pub uart_rx: String,
    pub uart_tx: String,
    /// What carries the UART to the host.
    pub bridge: String,
    pub reset_pin: String,
    pub reset_active_low: bool,
    /// I/O standard of the reset button's pin (ECP5; its bank may not be 3.3 V).
    #[serde(default)]
    pub reset_io: Option<String>,
    /// Pull of the reset pin (ECP5 PULLMODE), when the board needs one.
    #[serde(default)]
    pub reset_pull: Option<String>,
    pub leds: Vec<String>,
    pub leds_active_low: bool,
    /// Programming command; `{bitstream}` is the bitstream's file name, `{stem}` without extension.
    pub program: String,
    /// Bitstream file extension (`bit`, `bin`).
    pub bitstream: String,
    /// Where the pins come from.
    pub source: String,
    pub pll: Pll,
}

impl Board {
    pub fn family(&self) -> Family {
        self.family.family()
    }

    /// The programming command for a bitstream file name in the output directory.
    pub fn program_command(&self, bitstream: &str) -> String {
        let stem = bitstream
            .rsplit_once('.')
            .map_or(bitstream, |(stem, _)| stem);
        self.program
            .replace("{bitstream}", bitstream)
            .replace("{stem}", stem)
    }

    /// UART clock cycles per bit at `baud`, rounded to the nearest, with the rate error.
    pub fn clocks_per_bit(&self, baud: u32) -> (u32, f64) {
        let exact = self.pll.mhz * 1e6 / f64::from(baud);
        let n = exact.round().max(1.0) as u32;
        (n, (exact - f64::from(n)).abs() / exact)
    }
}

/// Every board, in file order.
pub fn all() -> Result<Vec<Board>> {
    let doc: toml::Table =
        toml::from_str(BOARDS_TOML).map_err(|e| BoardError::Data(e.to_string()))?;
    let tables = doc
        .get("board")
        .and_then(|b| b.as_array())
        .ok_or_else(|| BoardError::Data("no [[board]] tables".into()))?;
    let mut resolved: Vec<toml::Table> = Vec::new();
    for t in tables {
        let t = t
            .as_table()
            .ok_or_else(|| BoardError::Data("a [[board]] entry is not a table".into()))?;
        let mut table = match t.get("like").and_then(|l| l.as_str()) {
            Some(base) => resolved
                .iter()
                .find(|r| r.get("name").and_then(|n| n.as_str()) == Some(base))
                .cloned()
                .ok_or_else(|| {
                    BoardError::Data(format!("`like = \"{base}\"` names no earlier board"))
                })?,
            None => toml::Table::new(),
        };
        for (k, v) in t {
            if k != "like" {
                table.insert(k.clone(), v.clone());
            }
        }
        resolved.push(table);
    }
    resolved
        .into_iter()
        .map(|t| {
            let name = t
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("?")
                .to_string();
            toml::Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| BoardError::Data(format!("board {name}: {e}")))
        })
        .collect()
}

/// The board called `name`, or an error listing the known ones.
pub fn find(name: &str) -> Result<Board> {
    let boards = all()?;
    let known = boards
        .iter()
        .map(|b| b.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    boards
        .iter()
        .find(|b| b.name == name)
        .cloned()
        .ok_or_else(|| BoardError::UnknownBoard(name.to_string(), known))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_board_is_complete_and_its_pll_fits_its_family() {
        let boards = all().expect("boards.toml");
        let names: Vec<&str> = boards.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ulx3s-85f",
                "ulx3s-45f",
                "ulx3s-25f",
                "orangecrab-25f",
                "icebreaker"
            ]
        );
        for b in &boards {
            let p = &b.pll;
            let ecp5 = [p.clki_div, p.clkfb_div, p.clkop_div, p.clkop_cphase];
            let ice40 = [p.divr, p.divf, p.divq, p.filter_range];
            match b.family {
                BoardFamily::Ecp5 => {
                    assert!(ecp5.iter().all(Option::is_some), "{}", b.name);
                    assert!(b.speed.is_some(), "{}", b.name);
                    // f_out = f_in / CLKI_DIV * CLKFB_DIV (feedback from CLKOP).
                    let f = b.clock_mhz / f64::from(p.clki_div.unwrap_or(1))
                        * f64::from(p.clkfb_div.unwrap_or(0));
                    assert!((f - p.mhz).abs() < 1e-6, "{}: {f} MHz", b.name);
                }
                BoardFamily::Ice40 => {
                    assert!(ice40.iter().all(Option::is_some), "{}", b.name);
                    // f_out = f_in * (DIVF + 1) / (DIVR + 1) / 2^DIVQ (simple feedback).
                    let f = b.clock_mhz * f64::from(p.divf.unwrap_or(0) + 1)
                        / f64::from(p.divr.unwrap_or(0) + 1)
                        / f64::from(1u32 << p.divq.unwrap_or(0));
                    assert!((f - p.mhz).abs() < 1e-6, "{}: {f} MHz", b.name);
                }
            }
            assert!(!b.leds.is_empty() && b.source.len() > 20, "{}", b.name);
        }
        let small = find("ulx3s-25f").expect("variant");
        assert_eq!(small.clock_pin, "G2");
        assert_eq!(small.nextpnr_device, "--25k");
    }

    #[test]
    fn unknown_board_lists_the_known_ones() {
        let e = find("ulx3s-12f").expect_err("not a board").to_string();
        assert!(e.contains("ulx3s-12f") && e.contains("icebreaker"), "{e}");
    }

    #[test]
    fn program_command_names_the_bitstream() {
        let crab = find("orangecrab-25f").expect("board");
        let c = crab.program_command("board.bit");
        assert!(c.contains("dfu-suffix -v 1209 -p 5af0 -a board.dfu"), "{c}");
        let ice = find("icebreaker").expect("board");
        assert_eq!(ice.program_command("board.bin"), "iceprog board.bin");
        // The divider rounds to the nearest count: 120 MHz / 115200 = 1041.67 up, 130 MHz /
        // 115200 = 1128.47 down.
        let mut ulx = find("ulx3s-85f").expect("board");
        for (mhz, count) in [(120.0, 1042), (130.0, 1128)] {
            ulx.pll.mhz = mhz;
            let (n, err) = ulx.clocks_per_bit(115_200);
            assert_eq!(n, count, "{mhz} MHz");
            assert!(err < 0.001, "{mhz} MHz: {err}");
        }
    }

    #[test]
    fn every_board_keeps_its_uart_rate_within_two_percent() {
        // A UART receiver samples mid-bit: over the ten bits of a frame a rate error of a few
        // per cent moves the last sample off its bit; 2 % keeps both ends' errors clear of it.
        for b in all().expect("boards.toml") {
            let (n, err) = b.clocks_per_bit(crate::board::rtl::BAUD);
            let actual_baud = b.pll.mhz * 1e6 / f64::from(n);
            let off = (actual_baud - f64::from(crate::board::rtl::BAUD)).abs()
                / f64::from(crate::board::rtl::BAUD);
            assert!(
                err < 0.02 && off < 0.02,
                "{}: {n} clocks per bit, {off}",
                b.name
            );
        }
    }
}
