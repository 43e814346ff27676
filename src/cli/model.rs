//! `model` commands (placeholder until the reference model lands).

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Placeholder.
    SpikeLinear,
}

pub fn run(_cmd: ModelCommand) -> anyhow::Result<()> {
    anyhow::bail!("`model` is not implemented yet")
}
