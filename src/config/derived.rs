//! Everything the hardware and the model need that follows from a configuration: layer shapes,
//! accumulator width, buffer depths, address and counter widths, the configuration hash.

use super::{clog2, Config, ConfigError, Dataflow, PeKind};
use crate::rtl::regmap;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The four SpikeLinear sites of a BERT layer, in the order the controller numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// Fused Q/K/V projection: hidden -> 3·hidden.
    Qkv,
    /// Attention output dense: hidden -> hidden.
    AttnOut,
    /// FFN in: hidden -> ffn.
    FfnIn,
    /// FFN out: ffn -> hidden.
    FfnOut,
}

impl LayerKind {
    pub const ALL: [LayerKind; 4] = [
        LayerKind::Qkv,
        LayerKind::AttnOut,
        LayerKind::FfnIn,
        LayerKind::FfnOut,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Qkv => "qkv",
            LayerKind::AttnOut => "attn_out",
            LayerKind::FfnIn => "ffn_in",
            LayerKind::FfnOut => "ffn_out",
        }
    }

    /// Parse a layer name as printed by [`LayerKind::name`].
    pub fn from_name(s: &str) -> Option<LayerKind> {
        LayerKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// One layer shape of the chosen model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LayerShape {
    pub kind: LayerKind,
    /// Index the controller's layer-select register takes.
    pub index: u32,
    /// Reduction length (input features).
    pub din: u32,
    /// Output features.
    pub dout: u32,
}

/// Values derived once from a validated configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    pub tool_version: String,
    /// First 16 hex digits of the SHA-256 of the configuration's canonical JSON.
    pub config_hash: String,
    pub layer_shapes: Vec<LayerShape>,
    pub max_din: u32,
    pub max_dout: u32,
    /// Signed accumulator width: holds the largest reduction without overflow.
    pub acc_bits: u32,
    /// Rows of the array are (token, time step) pairs; tokens per row block.
    pub tokens_per_row_block: u32,
    pub row_blocks: u32,
    pub pes: u32,
    /// Row blocks per spike-buffer bank (`array.resident_tokens` / tokens per row block, at
    /// least 1): the compute process runs every block of a bank through one column block of
    /// weights before the next, the blocks after the first reading the weights back from the
    /// weight buffer.
    pub blocks_per_bank: u32,
    /// (Token, input) pairs per activation beat and per cycle of the encoder:
    /// `array.encoder_lanes`, or (0) the fewest lanes L, a power of two dividing the tokens per
    /// row block TPR, with TPR / L ≤ Dout / C for every layer, so encoding a row block
    /// (TPR·Din / L cycles) never takes longer than computing it (Dout / C column blocks of at
    /// least Din cycles each); the largest such divisor when none is enough.
    pub encoder_lanes: u32,
    /// Bits of one buffered row operand: a 2-bit spike code, or an 8-bit int8 code.
    pub code_bits: u32,
    /// Depth of one bank of the (double-buffered) spike buffer, per array row (entries of one
    /// code; the weight-stationary buffer holds the same bits as words of a beat's codes).
    pub spike_buf_depth: u32,
    /// Entries of the weight buffer (one column block: C weights each): max_din when a bank
    /// holds more than one row block, else 0 (no weight buffer; the weight-stationary array
    /// holds its weights in the PEs).
    pub weight_buf_depth: u32,
    /// Address bits of the spike buffer (both banks).
    pub spike_addr_bits: u32,
    /// Depth of each column's bias bank.
    pub bias_depth: u32,
    pub bias_addr_bits: u32,
    pub col_block_bits: u32,
    pub token_bits: u32,
    pub time_bits: u32,
    pub layer_sel_bits: u32,
    /// Width of the digit shift field of α codes and of output-scale codes (csd/pow2 modes).
    pub alpha_shift_bits: u32,
    pub scale_shift_bits: u32,
    /// Width of the output shift register S.
    pub out_shift_bits: u32,
    pub csr_addr_bits: u32,
    /// Bits of the digit index k of a SCALE memory address (clog2 of the digits per code).
    pub scale_digit_bits: u32,
    pub counter_bits: u32,
}

/// Bits of a two's-complement number holding every value in ±max.
pub fn signed_bits(max: u64) -> u32 {
    clog2(max + 1) + 1
}

/// The fewest encoder lanes L (a power of two dividing `tpr`) with `tpr / L <= col_blocks`;
/// the largest power-of-two divisor of `tpr` when none is enough.
pub fn auto_lanes(tpr: u32, col_blocks: u32) -> u32 {
    let mut lanes = 1;
    while tpr / lanes > col_blocks && tpr % (2 * lanes) == 0 {
        lanes *= 2;
    }
    lanes
}

/// Tokens per row block: a ternary row is one (token, time step) pair, so R / T tokens; an
/// INT8 row is one token.
pub fn tokens_per_row_block(pe: PeKind, rows: u32, time_steps: u32) -> u32 {
    match pe {
        PeKind::Ternary => rows / time_steps.max(1),
        PeKind::Int8Mac => rows,
    }
}

/// Row blocks per bank of the weight-stationary engine when `array.resident_tokens` is 0: the
/// fewest whose vectors (R each) fill a weight block's slot
/// (`perf::pipeline::ws_min_slot`) and divide the sequence's `seq_blocks` row blocks, so a full
/// sequence has no short bank (the whole sequence if none does).
pub fn ws_default_blocks(rows: u32, seq_blocks: u32) -> u32 {
    let slot = crate::perf::pipeline::ws_min_slot(rows as u64) as u32;
    (slot.div_ceil(rows)..=seq_blocks)
        .find(|g| seq_blocks % g == 0)
        .unwrap_or(seq_blocks)
        .max(1)
}

/// Largest accumulator width the co-simulation and the .npy outputs (int32) carry.
const MAX_ACC_BITS: u32 = 32;

impl Derived {
    pub fn compute(c: &Config) -> Result<Self, ConfigError> {
        let m = &c.model;
        let f = &c.format;
        let a = &c.array;
        let shapes: Vec<LayerShape> = [
            (LayerKind::Qkv, m.hidden, 3 * m.hidden),
            (LayerKind::AttnOut, m.hidden, m.hidden),
            (LayerKind::FfnIn, m.hidden, m.ffn),
            (LayerKind::FfnOut, m.ffn, m.hidden),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (kind, din, dout))| LayerShape {
            kind,
            index: i as u32,
            din,
            dout,
        })
        .collect();
        let max_din = shapes.iter().map(|s| s.din).max().unwrap_or(1);
        let max_dout = shapes.iter().map(|s| s.dout).max().unwrap_or(1);
        let wmax = (1u64 << (f.weight_bits - 1)) - 1;
        let per_term = match a.pe {
            PeKind::Ternary => wmax,
            PeKind::Int8Mac => 128 * wmax,
        };
        let acc_bits = signed_bits(max_din as u64 * per_term);
        if acc_bits > MAX_ACC_BITS {
            return Err(ConfigError::invalid(
                "format.weight_bits",
                f.weight_bits,
                format!(
                    "the accumulator for a reduction of {max_din} needs {acc_bits} bits, more than \
                     {MAX_ACC_BITS}; use fewer weight bits or a smaller model"
                ),
            ));
        }
        let product = acc_bits + f.scale_bits + 1;
        if product > 64 {
            return Err(ConfigError::invalid(
                "format.scale_bits",
                f.scale_bits,
                format!("accumulator ({acc_bits}) + scale_bits + 1 = {product} exceeds 64"),
            ));
        }
        let tokens_per_row_block = tokens_per_row_block(a.pe, a.rows, m.time_steps);
        // Row blocks per spike-buffer bank: the tokens held on chip while a column block of
        // weights serves them all.
        let ws = a.dataflow == Dataflow::WeightStationary;
        let blocks_per_bank = match a.resident_tokens {
            0 if ws => ws_default_blocks(a.rows, m.seq_len / tokens_per_row_block),
            n => (n / tokens_per_row_block).max(1),
        };
        // Entries of a row block in the buffer's address space: for the weight-stationary
        // buffer whole weight blocks of R inputs (an input's lane is its address's low bits).
        let block_entries = if ws {
            max_din.div_ceil(a.rows) * a.rows
        } else {
            max_din
        };
        let encoder_lanes = match a.encoder_lanes {
            0 => {
                let min_dout = shapes.iter().map(|s| s.dout).min().unwrap_or(a.cols);
                auto_lanes(tokens_per_row_block, min_dout / a.cols)
            }
            set => set,
        };
        let bias_depth = max_dout / a.cols;
        let bias_addr_bits = clog2(bias_depth as u64);
        let col_bits = clog2(a.cols as u64);
        // Registers live in the lower half of the CSR space (the register map's own offset
        // width), the BIAS and SCALE memories in the
        // upper half (rtl::regmap::UpperHalf): a select bit, then SCALE's t and digit k above
        // the column offset (j / cols) << clog2(cols) | (j % cols).
        let time_bits = clog2(m.time_steps as u64);
        let scale_digit_bits = clog2(u64::from(f.alpha_mode.digits().unwrap_or(1)));
        let csr_addr_bits = (1 + time_bits + scale_digit_bits + bias_addr_bits + col_bits)
            .max(regmap::OFFSET_BITS)
            + 1;
        let json = serde_json::to_string(c)
            .map_err(|e| ConfigError::invalid("config", "?", e.to_string()))?;
        let hash = Sha256::digest(json.as_bytes());
        let config_hash: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Ok(Derived {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            config_hash,
            layer_shapes: shapes,
            max_din,
            max_dout,
            acc_bits,
            tokens_per_row_block,
            row_blocks: m.seq_len / tokens_per_row_block,
            pes: a.rows * a.cols,
            blocks_per_bank,
            encoder_lanes,
            code_bits: match a.pe {
                PeKind::Ternary => 2,
                PeKind::Int8Mac => 8,
            },
            spike_buf_depth: blocks_per_bank * block_entries,
            weight_buf_depth: if blocks_per_bank > 1 && !ws {
                max_din
            } else {
                0
            },
            spike_addr_bits: clog2(2 * (blocks_per_bank * block_entries) as u64),
            bias_depth,
            bias_addr_bits,
            col_block_bits: clog2(bias_depth as u64),
            token_bits: clog2(m.seq_len as u64 + 1),
            time_bits,
            scale_digit_bits,
            layer_sel_bits: 2,
            alpha_shift_bits: clog2(f.alpha_bits as u64 + 1),
            scale_shift_bits: clog2(f.scale_bits as u64 + 1),
            out_shift_bits: clog2((acc_bits + f.scale_bits + 1) as u64),
            csr_addr_bits,
            counter_bits: 32,
        })
    }

    /// The shape of one layer kind.
    pub fn shape(&self, kind: LayerKind) -> LayerShape {
        self.layer_shapes[kind as usize]
    }
}
