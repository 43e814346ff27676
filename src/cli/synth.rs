//! `synth` command (placeholder until its issue lands).

use clap::Args;

#[derive(Debug, Args)]
pub struct SynthArgs {}

pub fn run(_args: SynthArgs) -> anyhow::Result<()> {
    anyhow::bail!("`synth` is not implemented yet")
}
