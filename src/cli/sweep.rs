//! `sweep` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct SweepArgs {}

pub fn run(_args: SweepArgs) -> anyhow::Result<()> {
    anyhow::bail!("`sweep` is not implemented yet")
}
