//! Every number and switch the templates use, computed once from [`Params`]. The same values
//! go into the parameter header (`spikelm_params.vh`) and the manifest, so the RTL, its header
//! and its description cannot disagree.

use super::RtlError;
use crate::config::{clog2, AdderKind, AlphaMode, Dataflow, Params, PeKind};
use serde::Serialize;

/// One row of the controller's layer-shape ROM.
#[derive(Debug, Clone, Serialize)]
pub struct ShapeRow {
    pub index: u32,
    pub name: &'static str,
    pub din: u32,
    pub dout: u32,
    /// Column blocks, dout / C.
    pub ncb: u32,
    pub din_lit: String,
    pub ncb_lit: String,
    pub dout_lit: String,
}

/// The template context. Field names match the `SPIKELM_*` macros of the parameter header.
#[derive(Debug, Clone, Serialize)]
pub struct RtlContext {
    pub r: u32,
    pub c: u32,
    pub t: u32,
    /// Encoded time steps per token: T (ternary) or 1 (int8_mac).
    pub et: u32,
    /// Encoder lanes: (token, input) pairs per activation beat.
    pub pl: u32,
    pub tpr: u32,
    /// Row blocks per spike-buffer bank, and its counter width.
    pub g: u32,
    pub gw: u32,
    /// 1: a weight buffer holds a column block for the bank's other row blocks.
    pub wbuf: u32,
    pub seq: u32,
    /// Input code width XW of the configuration.
    pub xw: u32,
    /// Activation stream width: XW (ternary) or 8 (int8_mac).
    pub act_w: u32,
    pub aw: u32,
    pub mw: u32,
    pub wb: u32,
    pub yw: u32,
    pub mbw: u32,
    pub f: u32,
    pub accw: u32,
    pub maxdin: u32,
    pub maxdout: u32,
    /// Row operand width in the buffer and the PEs: 2 (spike) or 8 (int8 code).
    pub xdw: u32,
    pub sb_depth: u32,
    pub sb_ab: u32,
    pub bias_depth: u32,
    pub bias_ab: u32,
    pub cb: u32,
    pub rb: u32,
    pub tb: u32,
    pub tokw: u32,
    pub dinw: u32,
    pub ncbw: u32,
    pub doutw: u32,
    /// Trailing zero bits of every layer's Dout (the additions counters' adders skip them).
    pub doutz: u32,
    /// Digits per α / scale code (1 for exact: the code itself).
    pub ak: u32,
    pub sk: u32,
    /// Bits of the digit index of a SCALE memory address (`derived.scale_digit_bits`).
    pub skb: u32,
    /// Bits per α / scale register word (the code, or one digit word).
    pub adw: u32,
    pub sdw: u32,
    pub acodew: u32,
    pub scodew: u32,
    pub ashw: u32,
    pub sshw: u32,
    pub osb: u32,
    pub csr_aw: u32,
    /// CYCLES and event counter width.
    pub cntw: u32,
    /// Output-stage product width ACCW + scale_bits + 1.
    pub opw: u32,
    /// Neuron leak product width MW + AW + 1.
    pub lpw: u32,
    /// Latency of the pipelined amplitude shifter (`perf::pipeline::amp_latency`).
    pub amp_lat: u32,
    /// Cycles from a drain beat to its row's bias read (`perf::pipeline::bias_read_delay`).
    pub bias_rd_lat: u32,
    /// Registers of the bias memory's read request per bank (`perf::pipeline::bias_read_link`).
    pub bias_rl: u32,
    /// Cycles per unrolled neuron time step (`perf::pipeline::neuron_step`).
    pub neuron_step: u32,
    /// Cycles the output stage waits for a row's scale codes (`perf::pipeline::scale_read_wait`).
    pub scale_wait: u32,
    /// Register stages of the output stage's shifter (`perf::pipeline::out_shift_stages`).
    pub out_shift_stages: u32,
    /// Latency of the PE's operand pipeline (`perf::pipeline::mac_latency`).
    pub mac_lat: u32,
    /// Latency of the neuron's comparator (`perf::pipeline::NEURON_CMP_LATENCY`).
    pub cmp_lat: u32,
    /// The fewest flip-flops a delay line saves to go into a block-RAM ring (0: never;
    /// `array.delay_lines_in_ram`).
    pub delay_ram_min: u32,
    pub info: u32,
    /// `array.landing_registers`: flip-flops spent for placement (landing registers, each output
    /// lane's own copy of its FIFO's write controls).
    pub landing: bool,
    pub csd: bool,
    pub int8: bool,
    pub alpha_mode: String,
    pub pe: String,
    /// The PE adder: `plain` or `ecp5_ccu2c`.
    pub adder: String,
    /// The ternary PE's adder is a chain of ECP5 `CCU2C` cells.
    pub ccu2c: bool,
    /// Output FIFO entries (`perf::pipeline::out_fifo_depth`).
    pub out_fd: u32,
    /// `array.dataflow = weight_stationary`, and that engine's numbers (else `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ws: Option<WsContext>,
    pub shapes: Vec<ShapeRow>,
    pub engine_what: &'static str,
    pub lane_what: &'static str,
    pub sbuf_what: &'static str,
}

/// The weight-stationary engine's widths and depths: the spike buffer by input (lane = an
/// input's index mod R, a word = the T codes of the PL tokens of an activation beat), the
/// array's partial sums and the column accumulators' entries (one per vector of a bank).
#[derive(Debug, Clone, Serialize)]
pub struct WsContext {
    /// Entries of a row block in the encode address space (a multiple of R).
    pub sb_block: u32,
    /// log2 of the tokens per row block.
    pub tprb: u32,
    /// Bits of a token group's index in its row block (TPR / PL groups, a power of two).
    pub grb: u32,
    /// Bits of a code's place in a buffer word (PL · T codes, a power of two).
    pub ptb: u32,
    /// log2 of the sub-words of a lane's word: a sub-word is at most
    /// [`WS_SUBWORD_CODES`] codes, one block RAM wide, with its own landing register and
    /// first select stage beside it.
    pub subb: u32,
    /// Words per lane (both banks) and their address bits.
    pub words: u32,
    pub wab: u32,
    /// Width of the array's column sums (`units::ws_array::ps_bits` of the bottom row).
    pub psw: u32,
    /// Column-accumulator entries (vectors of a bank, G · R) and their address bits.
    pub ca_depth: u32,
    pub ca_ab: u32,
    /// Cycles from a vector's issue to its spikes at the array (`perf::pipeline::WS_VECTOR_DELAY`).
    pub vec_delay: u32,
    /// Cycles from a vector's sums leaving the array to its drain beat
    /// (`units::col_acc::LATENCY` less `perf::pipeline::DRAIN_DELAY`).
    pub drain_lat: u32,
}

/// Codes in one sub-word of the weight-stationary spike buffer: 32 bits, the widest power of
/// two of 2-bit codes that one ECP5 DP16KD port (36 bits) reads in one access.
pub const WS_SUBWORD_CODES: u32 = 16;

impl WsContext {
    fn new(p: &Params) -> Self {
        let (a, d) = (p.array(), &p.derived);
        let sb_block = d.spike_buf_depth / d.blocks_per_bank;
        let rb = clog2(a.rows as u64);
        // Exact logarithms (powers of two, config::validate), 0 for one group.
        let grb = (d.tokens_per_row_block / d.encoder_lanes).trailing_zeros();
        let ca_depth = d.blocks_per_bank * a.rows;
        let ptb = (d.encoder_lanes * p.model().time_steps).trailing_zeros();
        WsContext {
            sb_block,
            tprb: d.tokens_per_row_block.trailing_zeros(),
            grb,
            ptb,
            subb: ptb.saturating_sub(WS_SUBWORD_CODES.trailing_zeros()),
            words: (2 * d.blocks_per_bank * (sb_block / a.rows)) << grb,
            wab: d.spike_addr_bits - rb + grb,
            psw: crate::units::ws_array::ps_bits(a.rows as usize - 1, p.format().weight_bits),
            ca_depth,
            ca_ab: clog2(ca_depth as u64).max(1),
            vec_delay: crate::perf::pipeline::WS_VECTOR_DELAY as u32,
            drain_lat: (crate::units::col_acc::LATENCY as u64 - crate::perf::pipeline::DRAIN_DELAY)
                as u32,
        }
    }
}

fn unsupported(field: &str, value: impl ToString, rule: &str) -> RtlError {
    RtlError::Unsupported {
        field: field.to_string(),
        value: value.to_string(),
        rule: rule.to_string(),
    }
}

impl RtlContext {
    pub fn new(p: &Params) -> Result<Self, RtlError> {
        let m = p.model();
        let f = p.format();
        let a = p.array();
        let d = &p.derived;
        let int8 = a.pe == PeKind::Int8Mac;
        let (csd, k) = match f.alpha_mode.digits() {
            Some(k) => (true, k),
            None => (false, 1),
        };
        if d.acc_bits <= f.weight_bits {
            return Err(unsupported(
                "format.weight_bits",
                f.weight_bits,
                "the accumulator must be wider than a weight (a reduction of at least 2)",
            ));
        }
        if int8 && f.membrane_bits < 8 {
            return Err(unsupported(
                "format.membrane_bits",
                f.membrane_bits,
                "int8_mac shows the int8 code on the MW-bit dbg_mem tap: needs at least 8",
            ));
        }
        let (ashw, sshw) = (d.alpha_shift_bits, d.scale_shift_bits);
        let adw = if csd { ashw + 2 } else { f.alpha_bits };
        let (sk, sdw) = super::regmap::scale_words(p);
        let dinw = clog2(d.max_din as u64 + 1);
        let ncbw = clog2((d.max_dout / a.cols) as u64 + 1);
        let doutw = clog2(d.max_dout as u64 + 1);
        let doutz = d
            .layer_shapes
            .iter()
            .map(|s| s.dout.trailing_zeros())
            .min()
            .unwrap_or(0)
            .min(doutw.saturating_sub(1));
        let shapes = d
            .layer_shapes
            .iter()
            .map(|s| {
                let ncb = s.dout / a.cols;
                ShapeRow {
                    index: s.index,
                    name: s.kind.name(),
                    din: s.din,
                    dout: s.dout,
                    ncb,
                    din_lit: format!("{dinw}'d{}", s.din),
                    ncb_lit: format!("{ncbw}'d{ncb}"),
                    dout_lit: format!("{doutw}'d{}", s.dout),
                }
            })
            .collect();
        let pe_code = if int8 { 1 } else { 0 };
        let info =
            (a.rows & 0xff) | (a.cols & 0xff) << 8 | (m.time_steps & 0xff) << 16 | pe_code << 24;
        let alpha_mode = match f.alpha_mode {
            AlphaMode::Exact => "exact".to_string(),
            other => other.to_string(),
        };
        Ok(RtlContext {
            r: a.rows,
            c: a.cols,
            t: m.time_steps,
            et: p.input_steps() as u32,
            pl: d.encoder_lanes,
            tpr: d.tokens_per_row_block,
            g: d.blocks_per_bank,
            gw: clog2(d.blocks_per_bank as u64),
            wbuf: u32::from(d.weight_buf_depth > 0),
            seq: m.seq_len,
            xw: f.input_bits,
            act_w: p.activation_beat_bits(),
            aw: f.alpha_bits,
            mw: f.membrane_bits,
            wb: f.weight_bits,
            yw: f.output_bits,
            mbw: f.scale_bits,
            f: f.frac_bits,
            accw: d.acc_bits,
            maxdin: d.max_din,
            maxdout: d.max_dout,
            xdw: d.code_bits,
            sb_depth: 2 * d.spike_buf_depth,
            sb_ab: d.spike_addr_bits,
            bias_depth: d.bias_depth,
            bias_ab: d.bias_addr_bits,
            cb: clog2(a.cols as u64),
            rb: clog2(a.rows as u64),
            tb: d.time_bits,
            tokw: d.token_bits,
            dinw,
            ncbw,
            doutw,
            doutz,
            ak: k,
            sk,
            skb: d.scale_digit_bits,
            adw,
            sdw,
            acodew: k * adw,
            scodew: sk * sdw,
            ashw,
            sshw,
            osb: d.out_shift_bits,
            csr_aw: d.csr_addr_bits,
            cntw: d.counter_bits,
            opw: d.acc_bits + f.scale_bits + 1,
            lpw: f.membrane_bits + f.alpha_bits + 1,
            amp_lat: crate::perf::pipeline::amp_latency(p) as u32,
            bias_rd_lat: crate::perf::pipeline::bias_read_delay(p) as u32,
            bias_rl: crate::perf::pipeline::bias_read_link(p) as u32,
            neuron_step: crate::perf::pipeline::neuron_step(p) as u32,
            scale_wait: crate::perf::pipeline::scale_read_wait(p) as u32,
            out_shift_stages: crate::perf::pipeline::out_shift_stages(p) as u32,
            mac_lat: crate::perf::pipeline::mac_latency(p) as u32,
            cmp_lat: crate::perf::pipeline::NEURON_CMP_LATENCY as u32,
            delay_ram_min: if a.delay_lines_in_ram {
                crate::config::DELAY_RAM_MIN_SAVED
            } else {
                0
            },
            info,
            landing: p.array().landing_registers,
            csd,
            int8,
            alpha_mode,
            pe: a.pe.to_string(),
            adder: a.adder.to_string(),
            ccu2c: a.adder == AdderKind::Ecp5Ccu2c && !int8,
            out_fd: crate::perf::pipeline::out_fifo_depth(p),
            ws: (a.dataflow == Dataflow::WeightStationary).then(|| WsContext::new(p)),
            shapes,
            engine_what: if int8 {
                "INT8 multiply-accumulate baseline engine"
            } else {
                "ternary-spike SpikeLinear engine"
            },
            lane_what: if int8 {
                "int8 codes"
            } else {
                "spike encoder lane"
            },
            sbuf_what: if int8 { "activation" } else { "spike" },
        })
    }

    /// The context the templates render with: every field, plus the engine's port list and the
    /// register map.
    pub fn tera(&self) -> Result<tera::Context, RtlError> {
        let mut t = tera::Context::from_serialize(self).map_err(|e| RtlError::Template {
            template: "context".into(),
            message: e.to_string(),
        })?;
        t.insert("port_list", &super::ports::verilog_list());
        t.insert("regs", &super::regmap::rows());
        t.insert("regs_offset_bits", &super::regmap::OFFSET_BITS);
        t.insert("csr_bus_stages", &crate::perf::pipeline::CSR_BUS_STAGES);
        t.insert("csr_read_latency", &crate::perf::pipeline::CSR_READ_LATENCY);
        t.insert("gelu", &crate::units::gelu::template_values());
        t.insert("softmax", &crate::units::softmax::template_values());
        t.insert("layernorm", &crate::units::layernorm::template_values());
        Ok(t)
    }

    /// The `define lines of the parameter header, name and value and meaning.
    pub fn macros(&self) -> Vec<(&'static str, String, &'static str)> {
        let n = |v: u32| v.to_string();
        let mut macros = vec![
            ("R", n(self.r), "array rows"),
            ("C", n(self.c), "array columns"),
            ("T", n(self.t), "time steps"),
            (
                "ET",
                n(self.et),
                "codes per activation beat and rows per token (T; 1 for int8_mac)",
            ),
            (
                "PL",
                n(self.pl),
                "encoder lanes: (token, input) pairs per activation beat",
            ),
            ("TPR", n(self.tpr), "tokens per row block"),
            ("G", n(self.g), "row blocks per spike buffer bank"),
            ("GW", n(self.gw), "row-block-in-bank counter width"),
            (
                "WBUF",
                n(self.wbuf),
                "1: weight buffer for a bank's other row blocks",
            ),
            ("SEQ", n(self.seq), "sequence length (largest TOKENS)"),
            ("XW", n(self.xw), "input code width"),
            (
                "ACT_W",
                n(self.act_w),
                "activation beat width: PL pairs of ET codes",
            ),
            ("AW", n(self.aw), "alpha code width"),
            ("MW", n(self.mw), "membrane width"),
            ("WB", n(self.wb), "weight width"),
            ("YW", n(self.yw), "output width"),
            ("MBW", n(self.mbw), "output scale code width"),
            ("F", n(self.f), "fractional bits"),
            ("ACCW", n(self.accw), "accumulator width"),
            ("MAXDIN", n(self.maxdin), "largest reduction length"),
            ("MAXDOUT", n(self.maxdout), "largest output width"),
            ("XDW", n(self.xdw), "row operand width (spike 2, int8 8)"),
            ("SPW", n(2), "spike code width {non-zero, negative}"),
            (
                "SB_DEPTH",
                n(self.sb_depth),
                "spike buffer depth per row (2 banks of G row blocks)",
            ),
            ("SB_AB", n(self.sb_ab), "spike buffer address bits"),
            (
                "BIAS_DEPTH",
                n(self.bias_depth),
                "bias entries per column bank",
            ),
            ("BIAS_AB", n(self.bias_ab), "bias address bits"),
            (
                "SCALE_DEPTH",
                n(self.bias_depth << self.tb),
                "scale code entries per column bank ({column block, t})",
            ),
            (
                "SCALE_AB",
                n(self.bias_ab + self.tb),
                "scale memory entry address bits",
            ),
            ("CB", n(self.cb), "column index bits"),
            ("RB", n(self.rb), "row index bits"),
            ("TB", n(self.tb), "time step bits"),
            ("TOKW", n(self.tokw), "TOKENS register width"),
            ("DINW", n(self.dinw), "reduction counter width"),
            ("NCBW", n(self.ncbw), "column block counter width"),
            ("DOUTW", n(self.doutw), "Dout width"),
            (
                "DOUTZ",
                n(self.doutz),
                "trailing zero bits of every layer's Dout",
            ),
            ("AK", n(self.ak), "alpha words per time step"),
            ("SK", n(self.sk), "scale words per code"),
            ("SKB", n(self.skb), "scale word index bits"),
            ("ADW", n(self.adw), "bits per alpha word"),
            ("SDW", n(self.sdw), "bits per scale word"),
            ("ACODEW", n(self.acodew), "bits of one alpha code"),
            ("SCODEW", n(self.scodew), "bits of one scale code"),
            ("ASHW", n(self.ashw), "alpha digit shift bits"),
            ("SSHW", n(self.sshw), "scale digit shift bits"),
            ("OSB", n(self.osb), "OUT_SHIFT width"),
            ("CSR_AW", n(self.csr_aw), "CSR word address bits"),
            ("CNTW", n(self.cntw), "CYCLES and event counter width"),
            ("OPW", n(self.opw), "output stage product width"),
            ("LPW", n(self.lpw), "neuron leak product width"),
            ("AMP_LAT", n(self.amp_lat), "amplitude shifter latency"),
            (
                "BIAS_RD_LAT",
                n(self.bias_rd_lat),
                "cycles from a drain beat to its row's bias read",
            ),
            (
                "BIAS_RL",
                n(self.bias_rl),
                "registers of the bias memory's read request per bank",
            ),
            ("CMP_LAT", n(self.cmp_lat), "neuron comparator latency"),
            (
                "DELAY_RAM_MIN",
                n(self.delay_ram_min),
                "flip-flops a delay line saves to go into a block-RAM ring (0: never)",
            ),
            (
                "TILE",
                n(crate::perf::pipeline::BROADCAST_TILE),
                "PEs / buffer rows per broadcast copy",
            ),
            (
                "START_LAT",
                n(crate::perf::pipeline::START_STAGES as u32),
                "cycles from the START write to the run's first cycle",
            ),
            (
                "DONE_LAT",
                n(crate::perf::pipeline::DONE_STAGES as u32),
                "cycles from the final output beat to DONE",
            ),
            (
                "SB_RL",
                n(crate::perf::pipeline::SBUF_READ_LATENCY as u32),
                "spike buffer read latency",
            ),
            (
                "MAC_LAT",
                n(self.mac_lat),
                "PE operand latency (ternary: the sign-selected weight's register; int8: the multiplier)",
            ),
            (
                "OUT_FD",
                n(self.out_fd),
                "output FIFO entries",
            ),
            (
                "OUT_FB",
                n(self.out_fd.trailing_zeros()),
                "output FIFO pointer bits",
            ),
            ("INFO", format!("32'h{:08x}", self.info), "INFO register"),
        ];
        if let Some(w) = &self.ws {
            macros.extend([
                (
                    "WS_SB_BLOCK",
                    n(w.sb_block),
                    "weight-stationary: row block entries in the encode address space",
                ),
                ("WS_GRB", n(w.grb), "weight-stationary: token group bits"),
                ("WS_PTB", n(w.ptb), "weight-stationary: code place bits"),
                (
                    "WS_SUBB",
                    n(w.subb),
                    "weight-stationary: log2 sub-words (block RAMs) per lane word",
                ),
                (
                    "WS_WORDS",
                    n(w.words),
                    "weight-stationary: spike buffer words per lane",
                ),
                (
                    "WS_WAB",
                    n(w.wab),
                    "weight-stationary: spike buffer word address bits",
                ),
                ("WS_PSW", n(w.psw), "weight-stationary: column sum width"),
                (
                    "WS_CA_DEPTH",
                    n(w.ca_depth),
                    "weight-stationary: column accumulator entries (vectors per bank)",
                ),
                (
                    "WS_CA_AB",
                    n(w.ca_ab),
                    "weight-stationary: column accumulator address bits",
                ),
                (
                    "WS_VEC_DELAY",
                    n(w.vec_delay),
                    "weight-stationary: cycles from a vector's issue to the array",
                ),
                (
                    "WS_DRAIN_LAT",
                    n(w.drain_lat),
                    "weight-stationary: cycles from the array's sums to the drain beat",
                ),
            ]);
        }
        macros
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_widths() {
        let p = Params::load("spikelm-bert-tiny", None, &[]).unwrap();
        let c = RtlContext::new(&p).unwrap();
        assert_eq!((c.r, c.c, c.t, c.tpr), (8, 8, 4, 2));
        assert_eq!(c.sb_depth, 1024);
        assert_eq!(c.sb_ab, 10);
        assert_eq!(c.opw, c.accw + 17);
        assert_eq!(c.shapes.len(), 4);
        assert_eq!(c.shapes[0].ncb, 48);
        assert_eq!(c.info, 8 | 8 << 8 | 4 << 16);
    }

    #[test]
    fn csd_uses_digit_words() {
        let p = Params::load("spikelm-bert-tiny", None, &["alpha_mode=csd:2".into()]).unwrap();
        let c = RtlContext::new(&p).unwrap();
        assert!(c.csd);
        assert_eq!(c.acodew, 2 * (c.ashw + 2));
    }
}
