//! Named configurations. Each sets every field; the tests validate and generate all of them.

use super::{
    AdderKind, AlphaMode, ArrayConfig, Config, ConfigError, Dataflow, ModelDims, NumericFormat,
    PeKind,
};

/// The configuration the main command and the tests use when none is named.
pub const DEFAULT_PRESET: &str = "spikelm-bert-tiny";

/// (name, layers, hidden, heads, ffn, array side) of the SpikeLM BERT family, all T = 4,
/// sequence length 128. Base is the paper's model.
const FAMILY: [(&str, u32, u32, u32, u32, u32); 6] = [
    ("spikelm-bert-tiny", 2, 128, 2, 512, 8),
    ("spikelm-bert-mini", 4, 256, 4, 1024, 16),
    ("spikelm-bert-small", 4, 512, 8, 2048, 16),
    ("spikelm-bert-medium", 8, 512, 8, 2048, 16),
    ("spikelm-bert-base", 12, 768, 12, 3072, 16),
    ("spikelm-bert-large", 24, 1024, 16, 4096, 16),
];

/// All preset names, in size order.
pub fn preset_names() -> Vec<&'static str> {
    FAMILY.iter().map(|f| f.0).collect()
}

/// The named preset, or an error listing the known names.
pub fn preset(name: &str) -> Result<Config, ConfigError> {
    let &(name, layers, hidden, heads, ffn, side) = FAMILY
        .iter()
        .find(|f| f.0 == name)
        .ok_or_else(|| ConfigError::UnknownPreset(name.to_string(), preset_names().join(", ")))?;
    Ok(Config {
        preset: name.to_string(),
        model: ModelDims {
            layers,
            hidden,
            heads,
            ffn,
            seq_len: 128,
            time_steps: 4,
        },
        format: NumericFormat {
            frac_bits: 10,
            input_bits: 16,
            alpha_bits: 16,
            membrane_bits: 32,
            weight_bits: 8,
            output_bits: 16,
            scale_bits: 16,
            alpha_mode: AlphaMode::Exact,
        },
        array: ArrayConfig {
            rows: side,
            cols: side,
            pe: PeKind::Ternary,
            adder: AdderKind::Plain,
            resident_tokens: 0,
            encoder_lanes: 0,
            landing_registers: true,
            delay_lines_in_ram: false,
            dataflow: Dataflow::OutputStationary,
        },
    })
}
