//! `manifest.json`: what was generated, for the co-simulation and synthesis flows.

use super::{RtlContext, RtlError, Unit, TOP};
use crate::config::Params;
use serde_json::{json, Value};

fn port(name: &str, dir: &str, width: u32, protocol: &str, what: &str) -> Value {
    json!({ "name": name, "dir": dir, "width": width, "protocol": protocol, "description": what })
}

/// The ports of the top module, in declaration order.
pub fn ports(ctx: &RtlContext) -> Vec<Value> {
    vec![
        port("clk", "in", 1, "clock", "rising edge"),
        port("rst", "in", 1, "reset", "synchronous, active high"),
        port("csr_we", "in", 1, "csr", "register write strobe"),
        port("csr_re", "in", 1, "csr", "register read strobe"),
        port("csr_addr", "in", ctx.csr_aw, "csr", "word address"),
        port("csr_wdata", "in", 32, "csr", "write data"),
        port(
            "csr_rdata",
            "out",
            32,
            "csr",
            "read data, the cycle after csr_re",
        ),
        port("s_act_tvalid", "in", 1, "axis:s_act", "activation stream"),
        port("s_act_tready", "out", 1, "axis:s_act", "activation stream"),
        port(
            "s_act_tdata",
            "in",
            ctx.act_w,
            "axis:s_act",
            "activation code",
        ),
        port("s_wgt_tvalid", "in", 1, "axis:s_wgt", "weight stream"),
        port("s_wgt_tready", "out", 1, "axis:s_wgt", "weight stream"),
        port(
            "s_wgt_tdata",
            "in",
            ctx.c * ctx.wb,
            "axis:s_wgt",
            "lane c at [c*WB +: WB]",
        ),
        port("m_out_tvalid", "out", 1, "axis:m_out", "output stream"),
        port("m_out_tready", "in", 1, "axis:m_out", "output stream"),
        port(
            "m_out_tdata",
            "out",
            ctx.c * ctx.yw,
            "axis:m_out",
            "lane c at [c*YW +: YW]",
        ),
        port(
            "m_out_tlast",
            "out",
            1,
            "axis:m_out",
            "final beat of the run",
        ),
        port(
            "dbg_spike_valid",
            "out",
            1,
            "debug",
            "one pulse per encoded code",
        ),
        port("dbg_spike", "out", 2, "debug", "spike {non-zero, negative}"),
        port(
            "dbg_mem",
            "out",
            ctx.mw,
            "debug",
            "membrane after saturation",
        ),
        port(
            "dbg_acc_valid",
            "out",
            1,
            "debug",
            "one pulse per drained accumulator row",
        ),
        port(
            "dbg_acc",
            "out",
            ctx.c * ctx.accw,
            "debug",
            "lane c at [c*ACCW +: ACCW]",
        ),
    ]
}

pub fn build(
    p: &Params,
    ctx: &RtlContext,
    modules: &[Unit],
    files: &[(String, String)],
) -> Result<Value, RtlError> {
    let mods: Vec<Value> = modules
        .iter()
        .map(|u| json!({ "module": u.module, "file": format!("rtl/{}", u.file_name()), "role": u.role }))
        .collect();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    Ok(json!({
        "tool": "spikelm-hw",
        "tool_version": p.derived.tool_version,
        "preset": p.config.preset,
        "config_hash": p.derived.config_hash,
        "config": serde_json::to_value(&p.config)?,
        "derived": serde_json::to_value(&p.derived)?,
        "rtl": serde_json::to_value(ctx)?,
        "top": TOP,
        "clock": "clk",
        "reset": { "name": "rst", "kind": "synchronous", "active": "high" },
        "filelist": "files.f",
        "include_dirs": ["rtl"],
        "headers": [super::PARAMS_HEADER],
        "files": paths,
        "modules": mods,
        "ports": ports(ctx),
        "language": "Verilog-2005",
    }))
}
