//! The rules a configuration must satisfy before anything is derived from it.

use super::{AdderKind, Config, ConfigError, Dataflow, PeKind, MAX_TIME_STEPS};

fn range(field: &str, value: u32, lo: u32, hi: u32) -> Result<(), ConfigError> {
    if value < lo || value > hi {
        return Err(ConfigError::invalid(
            field,
            value,
            format!("must be between {lo} and {hi}"),
        ));
    }
    Ok(())
}

pub(super) fn check(c: &Config) -> Result<(), ConfigError> {
    let m = &c.model;
    range("model.layers", m.layers, 1, 96)?;
    range("model.hidden", m.hidden, 1, 16384)?;
    range("model.heads", m.heads, 1, m.hidden)?;
    if m.hidden % m.heads != 0 {
        return Err(ConfigError::invalid(
            "model.heads",
            m.heads,
            format!("must divide model.hidden = {}", m.hidden),
        ));
    }
    range("model.ffn", m.ffn, 1, 65536)?;
    range("model.seq_len", m.seq_len, 1, 65536)?;
    range("model.time_steps", m.time_steps, 1, MAX_TIME_STEPS)?;

    let f = &c.format;
    range("format.input_bits", f.input_bits, 2, 32)?;
    range("format.frac_bits", f.frac_bits, 0, f.input_bits - 1)?;
    range("format.alpha_bits", f.alpha_bits, 2, 24)?;
    range("format.membrane_bits", f.membrane_bits, f.input_bits, 48)?;
    range("format.weight_bits", f.weight_bits, 2, 16)?;
    range("format.output_bits", f.output_bits, 2, 32)?;
    range("format.scale_bits", f.scale_bits, 2, 24)?;
    // The membrane product U·A is formed at full width; csd codes may round up to 2^AW.
    let product = f.membrane_bits + f.alpha_bits + 1;
    if product > 64 {
        return Err(ConfigError::invalid(
            "format.membrane_bits",
            f.membrane_bits,
            format!(
                "membrane_bits + alpha_bits + 1 = {product} exceeds 64, the widest product the \
                 model and testbenches carry"
            ),
        ));
    }

    let a = &c.array;
    range("array.rows", a.rows, 1, 256)?;
    range("array.cols", a.cols, 1, 256)?;
    if a.pe == PeKind::Ternary {
        if a.rows % m.time_steps != 0 {
            return Err(ConfigError::invalid(
                "array.rows",
                a.rows,
                format!(
                    "must be a multiple of model.time_steps = {} (a row block holds whole tokens, \
                     every time step of each)",
                    m.time_steps
                ),
            ));
        }
        let tokens = a.rows / m.time_steps;
        resident(
            "array.rows / model.time_steps",
            tokens,
            a.resident_tokens,
            m.seq_len,
        )?;
        if m.seq_len % tokens != 0 {
            return Err(ConfigError::invalid(
                "model.seq_len",
                m.seq_len,
                format!("must be a multiple of array.rows / model.time_steps = {tokens} tokens per row block"),
            ));
        }
    } else if f.membrane_bits < 8 {
        return Err(ConfigError::invalid(
            "format.membrane_bits",
            f.membrane_bits,
            "must be at least 8 with array.pe = int8_mac (the dbg_mem tap carries the int8 activation)",
        ));
    } else if m.seq_len % a.rows != 0 {
        return Err(ConfigError::invalid(
            "model.seq_len",
            m.seq_len,
            format!(
                "must be a multiple of array.rows = {} (one token per row for int8_mac)",
                a.rows
            ),
        ));
    } else {
        resident("array.rows", a.rows, a.resident_tokens, m.seq_len)?;
    }
    let tpr = super::derived::tokens_per_row_block(a.pe, a.rows, m.time_steps);
    let lanes = a.encoder_lanes;
    if lanes != 0 && !(lanes.is_power_of_two() && tpr % lanes == 0) {
        return Err(ConfigError::invalid(
            "array.encoder_lanes",
            lanes,
            format!(
                "must be 0 (as many as the layers need) or a power of two dividing the {tpr} \
                 tokens per row block (one lane per token of a beat)"
            ),
        ));
    }
    if a.adder == AdderKind::Ecp5Ccu2c && a.pe != PeKind::Ternary {
        return Err(ConfigError::invalid(
            "array.adder",
            a.adder,
            format!(
                "requires array.pe = ternary (the CCU2C chain is the sign-select adder; \
                 array.pe = {} has no sign-select adder)",
                a.pe
            ),
        ));
    }
    if a.dataflow == Dataflow::WeightStationary {
        if a.pe != PeKind::Ternary {
            return Err(ConfigError::invalid(
                "array.dataflow",
                a.dataflow,
                format!(
                    "requires array.pe = ternary (the weight-stationary PE is a sign-select \
                     adder; array.pe = {} is not)",
                    a.pe
                ),
            ));
        }
        if a.rows < 2 || !a.rows.is_power_of_two() {
            return Err(ConfigError::invalid(
                "array.rows",
                a.rows,
                "must be a power of two, at least 2, with array.dataflow = weight_stationary \
                 (an input's lane and a vector's token and time step are bit fields of the \
                 buffer's addresses)",
            ));
        }
    }
    for (field, dout) in [("model.hidden", m.hidden), ("model.ffn", m.ffn)] {
        if dout % a.cols != 0 {
            return Err(ConfigError::invalid(
                field,
                dout,
                format!("must be a multiple of array.cols = {} (every layer's output width is whole column blocks)", a.cols),
            ));
        }
    }
    Ok(())
}

/// `array.resident_tokens`: 0, or whole row blocks of `per_block` tokens, at most the sequence.
fn resident(
    block_rule: &str,
    per_block: u32,
    tokens: u32,
    seq_len: u32,
) -> Result<(), ConfigError> {
    if tokens != 0 && (tokens % per_block != 0 || tokens > seq_len) {
        return Err(ConfigError::invalid(
            "array.resident_tokens",
            tokens,
            format!(
                "must be 0 (one row block) or a multiple of {block_rule} = {per_block} tokens per \
                 row block, at most model.seq_len = {seq_len}"
            ),
        ));
    }
    Ok(())
}
