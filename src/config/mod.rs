//! One validated configuration: model dimensions, numeric format and array shape, read from a
//! preset, an optional TOML file and `--set key=value` overrides, checked once and turned into
//! [`Params`], which every other part of the tool (model, RTL, testbenches, flows, reports) uses.

mod derived;
mod limits;
mod overrides;
mod presets;
mod validate;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use derived::{Derived, LayerKind, LayerShape};
pub use limits::{clog2, MAX_TIME_STEPS};
pub use presets::{preset, preset_names, DEFAULT_PRESET};

/// Errors from reading or validating a configuration. Each names the field, the value and the rule.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown preset `{0}`; known presets: {1}")]
    UnknownPreset(String, String),
    #[error("{field} = {value}: {rule}")]
    Invalid {
        field: String,
        value: String,
        rule: String,
    },
    #[error("cannot read configuration file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("configuration file {path}: {message}")]
    Toml { path: String, message: String },
    #[error("--set {0}: expected key=value (for example array.rows=16)")]
    BadOverride(String),
    #[error("--set {key}: unknown key; known keys: {known}")]
    UnknownKey { key: String, known: String },
}

impl ConfigError {
    pub(crate) fn invalid(field: &str, value: impl fmt::Display, rule: impl Into<String>) -> Self {
        ConfigError::Invalid {
            field: field.to_string(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }
}

/// SpikeLM model dimensions (BERT-style encoder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDims {
    pub layers: u32,
    pub hidden: u32,
    pub heads: u32,
    pub ffn: u32,
    pub seq_len: u32,
    pub time_steps: u32,
}

/// How the two multiplies by α (membrane leak U·A, output scale ACC·M) are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlphaMode {
    /// A true multiplier.
    Exact,
    /// Codes rounded to at most K non-zero signed power-of-two digits; K shifted terms.
    Csd(u32),
    /// One shifter (= csd:1).
    Pow2,
}

impl AlphaMode {
    /// Number of signed digits the hardware holds per code, `None` for a true multiplier.
    pub fn digits(self) -> Option<u32> {
        match self {
            AlphaMode::Exact => None,
            AlphaMode::Csd(k) => Some(k),
            AlphaMode::Pow2 => Some(1),
        }
    }
}

impl fmt::Display for AlphaMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlphaMode::Exact => write!(f, "exact"),
            AlphaMode::Csd(k) => write!(f, "csd:{k}"),
            AlphaMode::Pow2 => write!(f, "pow2"),
        }
    }
}

impl FromStr for AlphaMode {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rule = "expected `exact`, `pow2` or `csd:K` with K from 1 to 8";
        match s {
            "exact" => Ok(AlphaMode::Exact),
            "pow2" => Ok(AlphaMode::Pow2),
            _ => {
                let k = s
                    .strip_prefix("csd:")
                    .and_then(|k| k.parse::<u32>().ok())
                    .filter(|k| (1..=8).contains(k))
                    .ok_or_else(|| ConfigError::invalid("format.alpha_mode", s, rule))?;
                Ok(AlphaMode::Csd(k))
            }
        }
    }
}

impl Serialize for AlphaMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for AlphaMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Fixed-point format of docs/arithmetic.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumericFormat {
    /// F: fractional bits of activations, membranes, α codes and outputs.
    pub frac_bits: u32,
    /// XW: signed input code width.
    pub input_bits: u32,
    /// AW: unsigned α code width.
    pub alpha_bits: u32,
    /// MW: signed saturating membrane width.
    pub membrane_bits: u32,
    /// WB: signed weight width, symmetric range ±(2^(WB-1) - 1).
    pub weight_bits: u32,
    /// YW: signed saturating output width (F fractional bits).
    pub output_bits: u32,
    /// Unsigned width of the per-time-step output scale code M_t.
    pub scale_bits: u32,
    pub alpha_mode: AlphaMode,
}

/// Kind of processing element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeKind {
    /// Ternary spike in, sign-select add (the SpikeLM engine).
    Ternary,
    /// INT8 activation in, multiply-accumulate (the ANN baseline).
    Int8Mac,
}

impl fmt::Display for PeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PeKind::Ternary => "ternary",
            PeKind::Int8Mac => "int8_mac",
        })
    }
}

/// How the ternary PE's sign-select adder is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdderKind {
    /// Plain Verilog `x + operand + carry`: every target, and the reference.
    #[default]
    Plain,
    /// A chain of Lattice ECP5 `CCU2C` carry cells (ternary PE only).
    Ecp5Ccu2c,
}

impl fmt::Display for AdderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AdderKind::Plain => "plain",
            AdderKind::Ecp5Ccu2c => "ecp5_ccu2c",
        })
    }
}

/// Which operand stays in the PEs while the other streams past (docs/engine.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataflow {
    /// Each PE accumulates one (row, column) output over the reduction; rows are drained
    /// through the column. The reference, and the only form for `int8_mac`.
    #[default]
    OutputStationary,
    /// Each PE holds one weight of an R × C block while the bank's spike vectors stream
    /// through; column sums are added over the blocks in block RAM (`spikelm_ws_array`,
    /// `spikelm_col_acc`). Ternary only.
    WeightStationary,
}

impl Dataflow {
    pub fn is_output_stationary(&self) -> bool {
        *self == Dataflow::OutputStationary
    }
}

impl fmt::Display for Dataflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dataflow::OutputStationary => "output_stationary",
            Dataflow::WeightStationary => "weight_stationary",
        })
    }
}

/// The processing-element array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrayConfig {
    pub rows: u32,
    pub cols: u32,
    pub pe: PeKind,
    /// The PE adder: `plain` (default) or `ecp5_ccu2c` (technology cells, ternary only).
    #[serde(default)]
    pub adder: AdderKind,
    /// Tokens whose spikes (int8 codes) stay on chip while one column block of weights, held
    /// in block RAM, serves them all (each weight leaves off-chip memory once per this many
    /// tokens). A multiple of the tokens per row block; 0 = one row block, no weight buffer.
    #[serde(default)]
    pub resident_tokens: u32,
    /// (Token, input) pairs the encoder takes per cycle, from one activation beat: a power of
    /// two dividing the tokens per row block. 0 (default) = the fewest that keep encoding off the
    /// critical path (`Derived::encoder_lanes`).
    #[serde(default)]
    pub encoder_lanes: u32,
    /// Landing registers where a value crosses the die: each multiplier's partial products
    /// beside their adders, the scale word beside each output lane (one cycle each,
    /// `perf::pipeline`), and a copy of the FIFO's write controls per output lane. (The ternary
    /// PE's sign-selected weight is registered either way, `perf::pipeline::mac_latency`.) On
    /// (default) for ECP5, where those routes took most of a cycle; off for a small iCE40 fit
    /// (`synth::UP5K_FIT`), where every flip-flop takes a logic cell of its own.
    #[serde(default = "landing_default")]
    pub landing_registers: bool,
    /// Long delay lines without reset (the encoder's input and tag lines, above all) as rings
    /// in block RAM instead of chains of flip-flops, where a ring saves at least
    /// `DELAY_RAM_MIN_SAVED` flip-flops. Off (default) for ECP5, where flip-flops are plentiful;
    /// on for a small iCE40 fit (`synth::UP5K_FIT`), where every flip-flop takes a logic cell of
    /// its own and block RAMs are left over.
    #[serde(default)]
    pub delay_lines_in_ram: bool,
    /// `output_stationary` (default) or `weight_stationary` (ternary only). Left out of the
    /// configuration's JSON when default, so the hashes of existing configurations stand.
    #[serde(default, skip_serializing_if = "Dataflow::is_output_stationary")]
    pub dataflow: Dataflow,
}

/// The fewest flip-flops a delay line must save to go into a block-RAM ring
/// (`array.delay_lines_in_ram`): W·(N − 1) minus the ring's two address counters.
pub const DELAY_RAM_MIN_SAVED: u32 = 64;

fn landing_default() -> bool {
    true
}

impl Config {
    /// The INT8 twin of this configuration: the same model and array with multiply-accumulate
    /// PEs (plain adders), holding at least as many tokens on chip (rounded up to its own row
    /// blocks, at most the sequence), so both engines get the same weight reuse.
    pub fn int8_twin(&self) -> Config {
        let mut c = self.clone();
        if c.array.dataflow == Dataflow::WeightStationary && c.array.resident_tokens == 0 {
            // The tokens the weight-stationary engine holds by default.
            let tpr =
                derived::tokens_per_row_block(c.array.pe, c.array.rows, c.model.time_steps).max(1);
            let blocks = derived::ws_default_blocks(c.array.rows, c.model.seq_len / tpr);
            c.array.resident_tokens = blocks * tpr;
        }
        c.array.pe = PeKind::Int8Mac;
        c.array.adder = AdderKind::Plain;
        c.array.dataflow = Dataflow::OutputStationary;
        c.array.encoder_lanes = 0;
        if c.array.resident_tokens != 0 {
            let rows = c.array.rows.max(1);
            c.array.resident_tokens = c
                .array
                .resident_tokens
                .div_ceil(rows)
                .saturating_mul(rows)
                .min(c.model.seq_len / rows * rows)
                .max(rows);
        }
        c
    }
}

/// A complete configuration, before validation. Every field is set by a preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Name of the preset this configuration started from.
    pub preset: String,
    pub model: ModelDims,
    pub format: NumericFormat,
    pub array: ArrayConfig,
}

/// A validated configuration with everything derived from it, computed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Params {
    pub config: Config,
    pub derived: Derived,
}

impl Params {
    /// Validate a configuration and derive all sizes from it.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        validate::check(&config)?;
        let derived = Derived::compute(&config)?;
        Ok(Params { config, derived })
    }

    /// Build from a preset, an optional TOML file (a partial table laid over the preset, unknown
    /// keys refused) and `key=value` overrides (dotted keys, applied in order).
    pub fn load(
        preset_name: &str,
        file: Option<&std::path::Path>,
        sets: &[String],
    ) -> Result<Self, ConfigError> {
        let base = preset(preset_name)?;
        let config = overrides::apply(base, file, sets)?;
        Params::new(config)
    }

    /// A preset with `key=value` overrides, no configuration file (tests, examples).
    pub fn preset_with(preset_name: &str, sets: &[&str]) -> Result<Self, ConfigError> {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        Params::load(preset_name, None, &sets)
    }

    pub fn model(&self) -> &ModelDims {
        &self.config.model
    }
    pub fn format(&self) -> &NumericFormat {
        &self.config.format
    }
    pub fn array(&self) -> &ArrayConfig {
        &self.config.array
    }

    /// Rows of the input per token: T time steps for the ternary engine, one INT8 vector for
    /// the int8_mac baseline. Also the codes of one activation beat and the rows of one token.
    pub fn input_steps(&self) -> usize {
        match self.array().pe {
            PeKind::Ternary => self.model().time_steps as usize,
            PeKind::Int8Mac => 1,
        }
    }

    /// Width of one activation code: XW, or 8 for the int8_mac baseline.
    pub fn activation_bits(&self) -> u32 {
        match self.array().pe {
            PeKind::Ternary => self.format().input_bits,
            PeKind::Int8Mac => 8,
        }
    }

    /// Width of one activation beat: [`Derived::encoder_lanes`] (token, input) pairs of
    /// [`Self::input_steps`] codes each, lane p's step t at code (p·steps + t), so the encoder
    /// takes whole pairs every cycle.
    pub fn activation_beat_bits(&self) -> u32 {
        self.derived.encoder_lanes * self.input_steps() as u32 * self.activation_bits()
    }
}

#[cfg(test)]
mod tests;
