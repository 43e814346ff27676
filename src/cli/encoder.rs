//! `model encoder`: a package's integer encoder beside the float SpikeLM forward on real text.

use super::import::read_text;
use anyhow::Context;
use clap::Args;
use spikelm_hw::import::evaluate::evaluate;
use spikelm_hw::import::text::truncation_note;
use spikelm_hw::import::Package;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EncoderArgs {
    /// A package written by `spikelm-hw import`.
    #[arg(long, value_name = "PKG")]
    pub package: PathBuf,
    /// Text to run, one sequence per line.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    pub text: Option<String>,
    /// Text from a file, one sequence per line.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// Run only the first N layers.
    #[arg(long, value_name = "N")]
    pub layers: Option<usize>,
    /// The checkpoint, if it moved since the import (default: the path the package records).
    #[arg(long, value_name = "DIR_OR_FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Also run the float forward with every site weight perturbed by a relative EPS (e.g. 1e-5)
    /// and report its hidden-state cosine per layer: how robust the float reference itself is.
    #[arg(long, value_name = "EPS")]
    pub sensitivity: Option<f64>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: EncoderArgs) -> anyhow::Result<()> {
    let pkg =
        Package::read(&a.package).with_context(|| format!("--package {}", a.package.display()))?;
    let text = read_text(&a.text, &a.text_file)?.unwrap_or_default();
    if let Some(eps) = a.sensitivity {
        anyhow::ensure!(
            eps.is_finite() && eps > 0.0 && eps < 1.0,
            "--sensitivity {eps}: must be in (0, 1)"
        );
    }
    let r = evaluate(
        &pkg,
        a.checkpoint.as_deref(),
        &text,
        a.layers,
        a.sensitivity,
    )?;
    eprint!("{}", truncation_note(&r.truncated, r.max_positions));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "{} tokens; package {}; checkpoint {}",
        r.tokens, r.package, r.checkpoint
    );
    println!("\noperations:");
    for (op, how) in &r.ops {
        println!("  {op:<40} {how}");
    }
    println!(
        "\n{:>5} {:<9} {:>4} {:>5} {:<27} {:>10} {:>9} {:>10} {:>13}",
        "layer",
        "site",
        "F_in",
        "F_out",
        "firing rate per t",
        "agreement",
        "out err",
        "agree e2e",
        "sat in / out"
    );
    for l in &r.layers {
        for s in &l.sites {
            let rates: Vec<String> = s.firing_rate.iter().map(|v| format!("{v:.3}")).collect();
            println!(
                "{:>5} {:<9} {:>4} {:>5} {:<27} {:>9.3}% {:>8.2}% {:>9.3}% {:>6.2}% / {}",
                s.layer,
                s.site,
                s.frac_in,
                s.frac_out,
                rates.join(" "),
                100.0 * s.spike_agreement,
                100.0 * s.output_rel_error,
                100.0 * s.spike_agreement_e2e,
                100.0 * s.input_saturated as f64 / s.input_values.max(1) as f64,
                s.output_saturated
            );
        }
        println!(
            "{:>5} K/V quantisers agree e2e {:.3}% / {:.3}%; hidden-state cosine {:.5} (worst token {:.5})",
            l.layer,
            100.0 * l.key_agreement_e2e,
            100.0 * l.value_agreement_e2e,
            l.cosine,
            l.min_token_cosine
        );
        let g = &l.given_float_input;
        println!(
            "{:>5} given the float layer input: cosine {:.5} (weight quantisation alone {:.5}, \
             arithmetic alone {:.5})",
            l.layer, g.integer, g.weights_only, g.arithmetic_only
        );
    }
    println!(
        "\nworst: spike agreement {:.3}% (replay), {:.3}% (end to end); output error {:.2}%; final cosine {:.5}",
        100.0 * r.worst_spike_agreement,
        100.0 * r.worst_spike_agreement_e2e,
        100.0 * r.worst_output_rel_error,
        r.final_cosine
    );
    println!(
        "each layer given the float layer input: worst cosine {:.5}, last layer {:.5}; \
         saturated: {} input codes, {} output codes",
        r.worst_cosine_given_float_input,
        r.final_cosine_given_float_input,
        r.input_saturated,
        r.output_saturated
    );
    if let (Some(eps), Some(cos)) = (r.sensitivity_eps, &r.float_sensitivity) {
        let shown: Vec<String> = cos.iter().map(|c| format!("{c:.5}")).collect();
        println!(
            "float reference under a relative weight perturbation of {eps:e}: cosine per layer {}",
            shown.join(" ")
        );
    }
    Ok(())
}
