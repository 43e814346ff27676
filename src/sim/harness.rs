//! Renders the C++ harness from `testbenches/harness.cpp.tera` for one configuration: the port
//! widths decide how each wide port is read or written (Verilator holds ≤ 32 bits in an integer,
//! ≤ 64 in a 64-bit integer, wider ports as arrays of 32-bit words).

use super::bits::{top_word_mask, words_for};
use super::vectors::{PortWords, VERSION};
use super::SimError;
use crate::config::Params;
use crate::rtl::regmap;

/// The harness template, compiled into the tool so an installed binary needs no source tree.
pub const TEMPLATE: &str = include_str!("../../testbenches/harness.cpp.tera");

/// How Verilator represents a port of `bits` bits.
fn port_kind(bits: u32) -> &'static str {
    match bits {
        0..=32 => "narrow",
        33..=64 => "quad",
        _ => "wide",
    }
}

/// C++ that copies `words` 32-bit words into input port `port`.
fn setter(func: &str, port: &str, bits: u32, words: usize) -> String {
    let body = match port_kind(bits) {
        "narrow" => format!("t.{port} = w[0];"),
        "quad" => format!("t.{port} = (uint64_t(w[1]) << 32) | w[0];"),
        _ => format!("for (int k = 0; k < {words}; ++k) t.{port}[k] = w[k];"),
    };
    format!("inline void {func}(Top& t, const uint32_t* w) {{ {body} }}")
}

/// C++ that copies output port `port` into `words` 32-bit words.
fn getter(func: &str, port: &str, bits: u32, words: usize) -> String {
    let body = match port_kind(bits) {
        "narrow" => format!("w[0] = uint32_t(t.{port});"),
        "quad" => {
            format!("const uint64_t v = t.{port}; w[0] = uint32_t(v); w[1] = uint32_t(v >> 32);")
        }
        _ => format!("for (int k = 0; k < {words}; ++k) w[k] = t.{port}[k];"),
    };
    format!("inline void {func}(Top& t, uint32_t* w) {{ {body} }}")
}

/// The harness source for `params`; `trace` compiles in FST waveform dumping.
pub fn render(params: &Params, trace: bool) -> Result<String, SimError> {
    let f = params.format();
    let d = &params.derived;
    let a = params.array();
    let w = PortWords::of(params);
    let wgt_bits = a.cols * f.weight_bits;
    let out_bits = a.cols * f.output_bits;
    let acc_bits = a.cols * d.acc_bits;
    // One dbg_spike pulse: a beat's pairs, the steps of each.
    let spikes = params.derived.encoder_lanes * params.input_steps() as u32;
    let act_bits = params.activation_beat_bits();
    let pulse_mem_bits = spikes * f.membrane_bits;
    if w.wgt.max(w.out).max(w.acc).max(w.mem).max(w.act) > 64 || words_for(pulse_mem_bits) > 64 {
        return Err(SimError::Unsupported(format!(
            "ports wider than 2048 bits (array.cols = {}) are beyond the harness's buffers",
            a.cols
        )));
    }
    let mut ctx = tera::Context::new();
    ctx.insert("config_hash", &d.config_hash);
    ctx.insert("rows", &a.rows);
    ctx.insert("cols", &a.cols);
    ctx.insert("time_steps", &params.model().time_steps);
    ctx.insert("xw", &f.input_bits);
    ctx.insert("mw", &f.membrane_bits);
    ctx.insert("accw", &d.acc_bits);
    ctx.insert("yw", &f.output_bits);
    ctx.insert("wb", &f.weight_bits);
    ctx.insert("csr_aw", &d.csr_addr_bits);
    ctx.insert("version", &VERSION);
    ctx.insert("ctrl_addr", &regmap::CTRL.addr);
    ctx.insert("ctrl_start", &regmap::CTRL.bit("START"));
    ctx.insert("status_addr", &regmap::STATUS.addr);
    ctx.insert("status_busy", &regmap::STATUS.bit("BUSY"));
    ctx.insert("status_done", &regmap::STATUS.bit("DONE"));
    ctx.insert("csr_read_latency", &crate::perf::pipeline::CSR_READ_LATENCY);
    ctx.insert("done_stages", &crate::perf::pipeline::DONE_STAGES);
    ctx.insert("trace", &trace);
    ctx.insert("act_words", &w.act);
    ctx.insert("wgt_words", &w.wgt);
    ctx.insert("pulse_spikes", &spikes);
    ctx.insert("pulse_spike_words", &words_for(2 * spikes));
    ctx.insert("pulse_mem_words", &words_for(pulse_mem_bits));
    ctx.insert("out_words", &w.out);
    ctx.insert("acc_words", &w.acc);
    ctx.insert("mem_words", &w.mem);
    ctx.insert("out_top_mask", &top_word_mask(out_bits));
    ctx.insert("acc_top_mask", &top_word_mask(acc_bits));
    ctx.insert("mem_top_mask", &top_word_mask(f.membrane_bits));
    ctx.insert(
        "put_act",
        &setter("put_act", "s_act_tdata", act_bits, w.act),
    );
    ctx.insert(
        "put_wgt",
        &setter("put_wgt", "s_wgt_tdata", wgt_bits, w.wgt),
    );
    ctx.insert(
        "get_out",
        &getter("get_out", "m_out_tdata", out_bits, w.out),
    );
    ctx.insert("get_acc", &getter("get_acc", "dbg_acc", acc_bits, w.acc));
    ctx.insert(
        "get_mem",
        &getter(
            "get_mem",
            "dbg_mem",
            pulse_mem_bits,
            words_for(pulse_mem_bits),
        ),
    );
    ctx.insert(
        "get_spike",
        &getter("get_spike", "dbg_spike", 2 * spikes, words_for(2 * spikes)),
    );
    tera::Tera::one_off(TEMPLATE, &ctx, false).map_err(|e| SimError::Template(format!("{e:?}")))
}
