//! `sim` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct SimArgs {}

pub fn run(_args: SimArgs) -> anyhow::Result<()> {
    anyhow::bail!("`sim` is not implemented yet")
}
