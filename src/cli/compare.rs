//! `compare` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct CompareArgs {}

pub fn run(_args: CompareArgs) -> anyhow::Result<()> {
    anyhow::bail!("`compare` is not implemented yet")
}
