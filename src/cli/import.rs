//! `import`: a trained checkpoint into a package of quantised sites.

use super::common::ConfigArgs;
use anyhow::{ensure, Context};
use clap::Args;
use spikelm_hw::import::calibrate::max_frac_in;
use spikelm_hw::import::text::truncation_note;
use spikelm_hw::import::{import, ImportOptions};
use spikelm_hw::model::encoder::site::WeightScale;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A safetensors checkpoint with Hugging Face BERT names (a file, or a directory holding it
    /// with config.json and tokenizer.json).
    #[arg(long, value_name = "DIR_OR_FILE")]
    pub checkpoint: PathBuf,
    /// The package directory to write (refused if it exists and is not empty, unless it is a
    /// package and --force is given).
    #[arg(long, value_name = "PKG")]
    pub out: PathBuf,
    /// Calibration text, one sequence per line (default: built-in English sentences).
    #[arg(long, conflicts_with = "text_file")]
    pub text: Option<String>,
    /// Calibration text from a file, one sequence per line.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// per-channel (a scale per output column) or per-tensor (one scale per matrix).
    #[arg(long, default_value = "per-channel", value_name = "MODE")]
    pub weight_scale: WeightScale,
    /// Time steps T when neither the checkpoint's config.json (`T`) nor its SpikeLM α tensors
    /// (one per step) give them [default: 4]; refused if they give another T.
    #[arg(long, value_name = "T")]
    pub time_steps: Option<usize>,
    /// Smallest and largest F_in tried per site, as MIN:MAX [default: 8:XW−1, 8:15 at the
    /// preset's 16-bit inputs; MAX may not exceed format.input_bits − 1].
    #[arg(long, value_name = "MIN:MAX")]
    pub frac_bits: Option<String>,
    /// Largest F_out of any site's outputs.
    #[arg(long, default_value_t = 14)]
    pub frac_out_max: u32,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Replace PKG if it is a package (holds package.toml); any other non-empty directory is
    /// refused even with --force.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Text of `--text` or `--text-file`, if any.
pub fn read_text(text: &Option<String>, file: &Option<PathBuf>) -> anyhow::Result<Option<String>> {
    match (text, file) {
        (Some(t), _) => Ok(Some(t.clone())),
        (None, Some(f)) => Ok(Some(
            std::fs::read_to_string(f).with_context(|| format!("--text-file {}", f.display()))?,
        )),
        (None, None) => Ok(None),
    }
}

pub fn run(a: ImportArgs) -> anyhow::Result<()> {
    let base = a.config.load()?;
    let top = max_frac_in(&base);
    let (lo, hi) = match &a.frac_bits {
        None => (8.min(top), top),
        Some(text) => text
            .split_once(':')
            .and_then(|(l, h)| Some((l.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
            .with_context(|| format!("--frac-bits {text}: expected MIN:MAX, e.g. 8:14"))?,
    };
    ensure!(
        lo <= hi && hi <= top,
        "--frac-bits {lo}:{hi}: needs MIN ≤ MAX ≤ format.input_bits − 1 = {top}"
    );
    if let Some(t) = a.time_steps {
        ensure!((1..=64).contains(&t), "--time-steps {t}: must be 1..=64");
    }
    let opts = ImportOptions {
        checkpoint: a.checkpoint.clone(),
        out: a.out.clone(),
        text: read_text(&a.text, &a.text_file)?,
        weight_scale: a.weight_scale,
        time_steps: a.time_steps,
        frac_in: lo..=hi,
        frac_out_max: a.frac_out_max.min(24),
        base,
        force: a.force,
    };
    let s =
        import(&opts).with_context(|| format!("import --checkpoint {}", a.checkpoint.display()))?;
    eprint!("{}", truncation_note(&s.truncated, s.max_positions));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(());
    }
    println!(
        "package {} from {} ({} α, {} calibration tokens) in {:.2} s",
        s.package, s.checkpoint, s.alpha_source, s.calibration_tokens, s.seconds
    );
    println!(
        "{:>5} {:<9} {:>4} {:>5} {:>3} {:>10}",
        "layer", "site", "F_in", "F_out", "S", "agreement"
    );
    for e in &s.sites {
        println!(
            "{:>5} {:<9} {:>4} {:>5} {:>3} {:>9.3}%",
            e.layer,
            e.site.name(),
            e.frac_in,
            e.frac_out,
            e.out_shift,
            100.0 * e.calibration_agreement
        );
    }
    Ok(())
}
