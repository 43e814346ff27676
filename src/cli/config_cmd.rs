//! `presets` and `config`: what configurations exist and what one of them resolves to.

use super::common::ConfigArgs;
use clap::Args;
use spikelm_hw::config::{preset, preset_names, Params};

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfigCmdArgs {
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn presets(args: PresetsArgs) -> anyhow::Result<()> {
    let all: Vec<Params> = preset_names()
        .into_iter()
        .map(|n| Params::new(preset(n)?))
        .collect::<Result<_, _>>()?;
    if args.json {
        let configs: Vec<_> = all.iter().map(|p| &p.config).collect();
        println!("{}", serde_json::to_string_pretty(&configs)?);
        return Ok(());
    }
    println!(
        "{:<22} {:>6} {:>6} {:>5} {:>6} {:>4} {:>4} {:>7}",
        "preset", "layers", "hidden", "heads", "ffn", "seq", "T", "array"
    );
    for p in &all {
        let (m, a) = (p.model(), p.array());
        println!(
            "{:<22} {:>6} {:>6} {:>5} {:>6} {:>4} {:>4} {:>7}",
            p.config.preset,
            m.layers,
            m.hidden,
            m.heads,
            m.ffn,
            m.seq_len,
            m.time_steps,
            format!("{}x{}", a.rows, a.cols)
        );
    }
    Ok(())
}

pub fn config(args: ConfigCmdArgs) -> anyhow::Result<()> {
    let p = args.cfg.load()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(());
    }
    println!("{}", toml::to_string(&p.config)?);
    println!("# derived");
    let derived = serde_json::to_value(&p.derived)?;
    if let serde_json::Value::Object(map) = derived {
        for (k, v) in map {
            if k == "layer_shapes" {
                continue;
            }
            println!("{k:<22} {v}");
        }
    }
    println!("\n# layer shapes (din -> dout)");
    for s in &p.derived.layer_shapes {
        println!("{:<10} {:>6} -> {:<6}", s.kind.name(), s.din, s.dout);
    }
    Ok(())
}
