//! `generate` command: emit the Verilog engine, its parameter header, file list and manifest.

use super::common::ConfigArgs;
use anyhow::Context;
use clap::Args;
use spikelm_hw::rtl;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output directory (DIR/rtl/*.v, DIR/files.f, DIR/manifest.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Generate the engine for an imported package's configuration (`spikelm-hw import`).
    #[arg(long, value_name = "PKG")]
    pub package: Option<PathBuf>,
    /// Print the manifest as JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let params = match &args.package {
        Some(dir) => super::common::package_params(dir)?.params,
        None => args.config.load()?,
    };
    let generated = rtl::generate(&params).context("generating the RTL")?;
    rtl::write_tree(&args.out, &generated, args.force)
        .with_context(|| format!("writing {}", args.out.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&generated.manifest)?);
    } else {
        let a = params.array();
        println!(
            "generated {} ({} {}x{}, alpha_mode {}, config {}) into {}",
            rtl::TOP,
            params.config.preset,
            a.rows,
            a.cols,
            params.format().alpha_mode,
            params.derived.config_hash,
            args.out.display()
        );
        for (path, text) in &generated.files {
            println!("  {path:<32} {:>7} bytes", text.len());
        }
        println!("  manifest.json");
    }
    Ok(())
}
