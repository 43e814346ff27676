//! The ports of the top module, declared once: the engine template's port list and the
//! manifest's `ports` are both rendered from [`PORTS`].

use super::RtlContext;
use serde_json::{json, Value};

/// Port direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
}

/// Width of a port: the product of `SPIKELM_*` macros of the parameter header, or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Bits(u32),
    Macros(&'static [&'static str]),
}

/// One port of `spikelm_engine`.
#[derive(Debug, Clone, Copy)]
pub struct Port {
    pub name: &'static str,
    pub dir: Dir,
    pub width: Width,
    /// The interface the port belongs to (`clock`, `csr`, `axis:<name>`, `debug`).
    pub protocol: &'static str,
    pub description: &'static str,
    /// Comment line printed before the port in the Verilog (the first port of a group).
    pub group: Option<&'static str>,
}

const fn port(
    name: &'static str,
    dir: Dir,
    width: Width,
    protocol: &'static str,
    description: &'static str,
) -> Port {
    Port {
        name,
        dir,
        width,
        protocol,
        description,
        group: None,
    }
}

const ONE: Width = Width::Bits(1);
const WORD: Width = Width::Bits(32);

impl Port {
    const fn group(mut self, comment: &'static str) -> Self {
        self.group = Some(comment);
        self
    }

    /// The width in bits for one configuration.
    pub fn bits(&self, ctx: &RtlContext) -> u32 {
        match self.width {
            Width::Bits(b) => b,
            Width::Macros(names) => names.iter().map(|n| macro_value(ctx, n)).product(),
        }
    }

    /// The Verilog range, e.g. `` [`SPIKELM_C*`SPIKELM_WB-1:0] ``, empty for one bit.
    pub fn range(&self) -> String {
        match self.width {
            Width::Bits(1) => String::new(),
            Width::Bits(b) => format!("[{}:0]", b - 1),
            Width::Macros(names) => {
                let product: Vec<String> = names.iter().map(|n| format!("`SPIKELM_{n}")).collect();
                format!("[{}-1:0]", product.join("*"))
            }
        }
    }

    /// The port's declaration line in the module header, without the separator.
    pub fn verilog(&self) -> String {
        let dir = match self.dir {
            Dir::In => "input",
            Dir::Out => "output",
        };
        format!("{dir:<6} wire {:<34} {}", self.range(), self.name)
    }
}

/// The value of macro `SPIKELM_<name>` in the parameter header.
fn macro_value(ctx: &RtlContext, name: &str) -> u32 {
    ctx.macros()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .and_then(|(_, v, _)| v.parse().ok())
        .unwrap_or_else(|| panic!("port width names unknown numeric macro SPIKELM_{name}"))
}

/// The ports of the top module, in declaration order.
pub const PORTS: [Port; 22] = [
    port("clk", Dir::In, ONE, "clock", "rising edge"),
    port("rst", Dir::In, ONE, "reset", "synchronous, active high"),
    port("csr_we", Dir::In, ONE, "csr", "register write strobe").group("register bus"),
    port("csr_re", Dir::In, ONE, "csr", "register read strobe"),
    port(
        "csr_addr",
        Dir::In,
        Width::Macros(&["CSR_AW"]),
        "csr",
        "word address",
    ),
    port("csr_wdata", Dir::In, WORD, "csr", "write data"),
    port(
        "csr_rdata",
        Dir::Out,
        WORD,
        "csr",
        "read data, two cycles after csr_re (a bus stage, then the read register)",
    ),
    port(
        "s_act_tvalid",
        Dir::In,
        ONE,
        "axis:s_act",
        "activation stream",
    )
    .group("activation stream (AXI4-Stream)"),
    port(
        "s_act_tready",
        Dir::Out,
        ONE,
        "axis:s_act",
        "activation stream",
    ),
    port(
        "s_act_tdata",
        Dir::In,
        Width::Macros(&["ACT_W"]),
        "axis:s_act",
        "PL (token, input) pairs of ET codes, lane p's step t at [(p*ET+t)*XW +: XW]",
    ),
    port("s_wgt_tvalid", Dir::In, ONE, "axis:s_wgt", "weight stream")
        .group("weight stream (AXI4-Stream), lane c at [c*WB +: WB]"),
    port("s_wgt_tready", Dir::Out, ONE, "axis:s_wgt", "weight stream"),
    port(
        "s_wgt_tdata",
        Dir::In,
        Width::Macros(&["C", "WB"]),
        "axis:s_wgt",
        "lane c at [c*WB +: WB]",
    ),
    port("m_out_tvalid", Dir::Out, ONE, "axis:m_out", "output stream")
        .group("output stream (AXI4-Stream), lane c at [c*YW +: YW]"),
    port("m_out_tready", Dir::In, ONE, "axis:m_out", "output stream"),
    port(
        "m_out_tdata",
        Dir::Out,
        Width::Macros(&["C", "YW"]),
        "axis:m_out",
        "lane c at [c*YW +: YW]",
    ),
    port(
        "m_out_tlast",
        Dir::Out,
        ONE,
        "axis:m_out",
        "final beat of the run",
    ),
    port(
        "dbg_spike_valid",
        Dir::Out,
        ONE,
        "debug",
        "one pulse per activation beat's PL encoded (token, input) pairs",
    )
    .group("co-simulation taps"),
    port(
        "dbg_spike",
        Dir::Out,
        Width::Macros(&["PL", "ET", "SPW"]),
        "debug",
        "spike of lane p, step t {non-zero, negative} at [2*(p*ET+t) +: 2]",
    ),
    port(
        "dbg_mem",
        Dir::Out,
        Width::Macros(&["PL", "ET", "MW"]),
        "debug",
        "membrane of lane p, step t after saturation at [(p*ET+t)*MW +: MW]",
    ),
    port(
        "dbg_acc_valid",
        Dir::Out,
        ONE,
        "debug",
        "one pulse per drained accumulator row",
    ),
    port(
        "dbg_acc",
        Dir::Out,
        Width::Macros(&["C", "ACCW"]),
        "debug",
        "lane c at [c*ACCW +: ACCW]",
    ),
];

/// The port list of the engine's module header (the lines between `(` and `);`).
pub fn verilog_list() -> String {
    let mut out = String::new();
    for (i, p) in PORTS.iter().enumerate() {
        if let Some(g) = p.group {
            out.push_str(&format!("    // {g}\n"));
        }
        let sep = if i + 1 < PORTS.len() { "," } else { "" };
        out.push_str(&format!("    {}{sep}\n", p.verilog()));
    }
    out
}

/// The manifest's description of the ports for one configuration.
pub fn manifest(ctx: &RtlContext) -> Vec<Value> {
    PORTS
        .iter()
        .map(|p| {
            let dir = match p.dir {
                Dir::In => "in",
                Dir::Out => "out",
            };
            json!({ "name": p.name, "dir": dir, "width": p.bits(ctx), "protocol": p.protocol, "description": p.description })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;

    #[test]
    fn widths_follow_the_configuration() {
        let p = Params::load(
            "spikelm-bert-tiny",
            None,
            &["array=12x4".into(), "model.seq_len=96".into()],
        )
        .unwrap();
        let ctx = RtlContext::new(&p).unwrap();
        let width = |name: &str| {
            PORTS
                .iter()
                .find(|q| q.name == name)
                .map(|q| q.bits(&ctx))
                .unwrap()
        };
        assert_eq!(width("s_wgt_tdata"), 4 * p.format().weight_bits);
        assert_eq!(width("dbg_acc"), 4 * p.derived.acc_bits);
        assert_eq!(width("csr_addr"), p.derived.csr_addr_bits);
        assert_eq!(width("clk"), 1);
        let t = p.model().time_steps;
        assert_eq!(width("s_act_tdata"), t * p.format().input_bits);
        assert_eq!(width("dbg_spike"), 2 * t);
        assert_eq!(width("dbg_mem"), t * p.format().membrane_bits);
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = PORTS.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PORTS.len());
    }
}
