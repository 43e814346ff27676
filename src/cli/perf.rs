//! `perf` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct PerfArgs {}

pub fn run(_args: PerfArgs) -> anyhow::Result<()> {
    anyhow::bail!("`perf` is not implemented yet")
}
