//! `generate` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct GenerateArgs {}

pub fn run(_args: GenerateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`generate` is not implemented yet")
}
