//! `flow` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct FlowArgs {}

pub fn run(_args: FlowArgs) -> anyhow::Result<()> {
    anyhow::bail!("`flow` is not implemented yet")
}
