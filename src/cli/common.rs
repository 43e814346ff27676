//! Arguments shared by every command that works on a configuration.

use anyhow::Context;
use clap::Args;
use spikelm_hw::config::{Params, DEFAULT_PRESET};
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Named configuration to start from (see `spikelm-hw presets`).
    #[arg(long, default_value = DEFAULT_PRESET)]
    pub preset: String,
    /// TOML file laid over the preset (a partial table; unknown keys are refused).
    #[arg(long = "config", value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Override one field, e.g. `--set array.rows=16 --set alpha_mode=csd:2 --set array=8x8`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

impl ConfigArgs {
    pub fn load(&self) -> anyhow::Result<Params> {
        Params::load(&self.preset, self.config_file.as_deref(), &self.sets)
            .with_context(|| format!("invalid configuration (preset {})", self.preset))
    }
}

/// The configuration of an imported package (`spikelm-hw import`), for `--package PKG`.
pub fn package_params(dir: &std::path::Path) -> anyhow::Result<spikelm_hw::import::Package> {
    spikelm_hw::import::Package::read(dir).with_context(|| format!("--package {}", dir.display()))
}
