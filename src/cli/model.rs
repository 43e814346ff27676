//! `model` commands: run the bit-accurate reference model on NumPy data, and measure the spike
//! fidelity of the alpha modes.

use super::common::ConfigArgs;
use anyhow::{bail, ensure, Context};
use clap::{Args, Subcommand};
use ndarray::{Array3, ArrayD, Dimension, Ix1, Ix2, Ix3};
use serde::Serialize;
use serde_json::json;
use spikelm_hw::config::{AlphaMode, NumericFormat, Params};
use spikelm_hw::model::calibrate::{
    alphas_from_data, dequantise, fidelity, max_out_shift, quantise_layer, with_mode, Fidelity,
};
use spikelm_hw::model::csd::mode_digits;
use spikelm_hw::model::gauss::Gauss;
use spikelm_hw::model::SpikeLinearTrace;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Run one SpikeLinear layer (neuron, ternary accumulate, amplitude stage) bit-accurately on
    /// float32 NumPy data and write spikes, accumulators, outputs, α codes and firing counts.
    SpikeLinear(SpikeLinearArgs),
    /// Spike agreement of each alpha mode (exact, csd:3, csd:2, pow2) with exact codes and with
    /// the float model, on Gaussian inputs.
    Fidelity(FidelityArgs),
    /// Whole encoder layers of an imported package on real text, integer beside float SpikeLM.
    Encoder(super::encoder::EncoderArgs),
}

#[derive(Debug, Args)]
pub struct SpikeLinearArgs {
    /// Input activations: float32 .npy of shape [T, N, Din] (time steps, tokens, inputs).
    #[arg(long, value_name = "X.npy")]
    pub input: PathBuf,
    /// Weights: float32 .npy of shape [Dout, Din]; quantised to symmetric WB-bit codes (max-abs).
    #[arg(long, value_name = "W.npy")]
    pub weight: PathBuf,
    /// Bias: float32 .npy of shape [Dout] (zero if absent).
    #[arg(long, value_name = "B.npy")]
    pub bias: Option<PathBuf>,
    /// α per time step: a JSON array of T positive floats. Without it α is calibrated from the
    /// input as SpikeLM does (α_t = 2·mean|u_t|).
    #[arg(long, value_name = "A.json", conflicts_with = "calibrate")]
    pub alphas: Option<PathBuf>,
    /// Calibrate α from the input (the default when --alphas is absent).
    #[arg(long)]
    pub calibrate: bool,
    /// Fractional bits F of inputs, membranes, α codes and outputs (overrides the preset).
    #[arg(long, value_name = "F")]
    pub frac_bits: Option<u32>,
    /// Weight bits WB (overrides the preset).
    #[arg(long, value_name = "WB")]
    pub weight_bits: Option<u32>,
    /// How α and the output scale are multiplied: exact, csd:K (K signed power-of-two digits)
    /// or pow2 (overrides the preset).
    #[arg(long, value_name = "MODE")]
    pub alpha_mode: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output directory: spikes.npy (int8 [T,N,Din]), acc.npy (int32 [T,N,Dout]), output.npy
    /// (float32 [T,N,Dout]), alphas.json, stats.json. Written completely or not at all.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace DIR if it exists and is not empty.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FidelityArgs {
    /// Tokens N of the Gaussian input.
    #[arg(long, default_value_t = 128)]
    pub tokens: usize,
    /// Inputs Din of the Gaussian input.
    #[arg(long, default_value_t = 768)]
    pub din: usize,
    /// Seed of the input.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fractional bits F (overrides the preset).
    #[arg(long, value_name = "F")]
    pub frac_bits: Option<u32>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(cmd: ModelCommand) -> anyhow::Result<()> {
    match cmd {
        ModelCommand::SpikeLinear(a) => spike_linear(a),
        ModelCommand::Fidelity(a) => fidelity_table(a),
        ModelCommand::Encoder(a) => super::encoder::run(a),
    }
}

/// The configuration with the command's format flags laid over `--set`.
fn load_params(
    config: &ConfigArgs,
    frac_bits: Option<u32>,
    weight_bits: Option<u32>,
    alpha_mode: Option<&str>,
) -> anyhow::Result<Params> {
    let mut config = config.clone();
    if let Some(f) = frac_bits {
        config.sets.push(format!("format.frac_bits={f}"));
    }
    if let Some(wb) = weight_bits {
        config.sets.push(format!("format.weight_bits={wb}"));
    }
    if let Some(m) = alpha_mode {
        config.sets.push(format!("format.alpha_mode={m}"));
    }
    config.load()
}

/// Read a float32 .npy of `ndim` dimensions, none empty, every value finite.
fn read_f32(flag: &str, path: &Path, ndim: usize, dims: &str) -> anyhow::Result<ArrayD<f64>> {
    let shown = path.display();
    ensure!(path.is_file(), "{flag} {shown}: no such file");
    let a: ArrayD<f32> = ndarray_npy::read_npy(path)
        .with_context(|| format!("{flag} {shown}: cannot read a float32 .npy array {dims}"))?;
    ensure!(
        a.ndim() == ndim,
        "{flag} {shown}: shape {:?} has {} dimensions; expected {ndim}: {dims}",
        a.shape(),
        a.ndim()
    );
    ensure!(
        !a.shape().contains(&0),
        "{flag} {shown}: shape {:?} is empty; every dimension of {dims} must be at least 1",
        a.shape()
    );
    if let Some((index, v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        bail!(
            "{flag} {shown}: value {v} at index {:?} is not finite; NaN and Inf are refused",
            index.slice()
        );
    }
    Ok(a.mapv(f64::from))
}

fn read_alphas(path: &Path, steps: usize) -> anyhow::Result<Vec<f64>> {
    let shown = path.display();
    ensure!(path.is_file(), "--alphas {shown}: no such file");
    let text =
        std::fs::read_to_string(path).with_context(|| format!("--alphas {shown}: cannot read"))?;
    let alphas: Vec<f64> = serde_json::from_str(&text).with_context(|| {
        format!("--alphas {shown}: expected a JSON array of {steps} numbers (one α per time step)")
    })?;
    ensure!(
        alphas.len() == steps,
        "--alphas {shown}: {} values; expected one α per time step, T = {steps} (from --input)",
        alphas.len()
    );
    if let Some((t, a)) = alphas
        .iter()
        .enumerate()
        .find(|(_, a)| !(a.is_finite() && **a > 0.0))
    {
        bail!("--alphas {shown}: α[{t}] = {a}; every α must be finite and greater than 0");
    }
    Ok(alphas)
}

/// Refuse to touch `out` if it holds something, unless forced. Returns whether it exists.
fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<bool> {
    match std::fs::metadata(out) {
        Err(_) => Ok(false),
        Ok(m) if !m.is_dir() => bail!("--out {}: exists and is not a directory", out.display()),
        Ok(_) => {
            let empty = std::fs::read_dir(out)
                .with_context(|| format!("--out {}: cannot list", out.display()))?
                .next()
                .is_none();
            ensure!(
                empty || force,
                "--out {}: exists and is not empty; pass --force to replace it",
                out.display()
            );
            Ok(true)
        }
    }
}

#[derive(Debug, Serialize)]
struct StepStats {
    t: usize,
    pos: u32,
    neg: u32,
    adds: u32,
    firing_rate: f64,
}

fn spike_linear(a: SpikeLinearArgs) -> anyhow::Result<()> {
    let params = load_params(
        &a.config,
        a.frac_bits,
        a.weight_bits,
        a.alpha_mode.as_deref(),
    )?;
    let format = params.format().clone();
    let out_exists = check_out_dir(&a.out, a.force)?;

    let x = read_f32("--input", &a.input, 3, "[T, N, Din]")?.into_dimensionality::<Ix3>()?;
    let w = read_f32("--weight", &a.weight, 2, "[Dout, Din]")?.into_dimensionality::<Ix2>()?;
    let (steps, tokens, din) = x.dim();
    let dout = w.nrows();
    ensure!(
        w.ncols() == din,
        "--weight {}: shape {:?}; expected [Dout, Din = {din}] (Din from --input)",
        a.weight.display(),
        w.shape()
    );
    let bias = match &a.bias {
        Some(path) => {
            let b = read_f32("--bias", path, 1, "[Dout]")?.into_dimensionality::<Ix1>()?;
            ensure!(
                b.len() == dout,
                "--bias {}: shape {:?}; expected [Dout = {dout}] (Dout from --weight)",
                path.display(),
                b.shape()
            );
            Some(b)
        }
        None => None,
    };
    let given = a
        .alphas
        .as_deref()
        .map(|p| read_alphas(p, steps))
        .transpose()?;

    let layer = quantise_layer(
        x.view(),
        w.view(),
        bias.as_ref().map(|b| b.view()),
        given.as_deref(),
        &format,
        max_out_shift(&params),
    )
    .context("quantising the layer")?;
    let trace = layer
        .spike_linear(&format)
        .and_then(|sl| sl.run(layer.x.view()))
        .context("running the reference model")?;
    let fid =
        fidelity(x.view(), &layer.calibration.alphas, &format).context("measuring fidelity")?;

    let per_step: Vec<StepStats> = trace
        .counters
        .per_step
        .iter()
        .enumerate()
        .map(|(t, c)| StepStats {
            t,
            pos: c.pos,
            neg: c.neg,
            adds: c.adds,
            firing_rate: (c.pos as f64 + c.neg as f64) / (tokens * din) as f64,
        })
        .collect();
    let firing_rate = per_step.iter().map(|s| s.firing_rate).sum::<f64>() / steps as f64;
    let stats = json!({
        "shape": {"time_steps": steps, "tokens": tokens, "din": din, "dout": dout},
        "alpha_mode": format.alpha_mode,
        "frac_bits": format.frac_bits,
        "per_step": per_step,
        "firing_rate": firing_rate,
        "nonzero_spikes_per_neuron": firing_rate * steps as f64,
        "fidelity": fid,
    });
    let cal = &layer.calibration;
    let alphas_json = json!({
        "source": if given.is_some() { "file" } else { "calibrated" },
        "frac_bits": format.frac_bits,
        "alpha_bits": format.alpha_bits,
        "scale_bits": format.scale_bits,
        "alpha_mode": cal.alpha_mode,
        "alphas": cal.alphas,
        "alpha_codes": cal.alpha_codes,
        "alpha_effective": cal.alpha_effective,
        "alpha_digits": cal.alpha_codes.iter().map(|&c| mode_digits(c, cal.alpha_mode)).collect::<Vec<_>>(),
        "weight_scale": cal.weight_scale,
        "scale_codes": cal.scale_codes,
        "scale_effective": cal.scale_effective,
        "scale_digits": cal.scale_codes.iter().map(|&c| mode_digits(c, cal.alpha_mode)).collect::<Vec<_>>(),
        "out_shift": cal.out_shift,
    });

    write_outputs(&a.out, out_exists, &trace, &format, &alphas_json, &stats)?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"out": a.out, "stats": stats, "alphas": alphas_json})
            )?
        );
    } else {
        println!(
            "spike-linear T={steps} N={tokens} Din={din} Dout={dout}, F={}, {}: firing rate {:.4}, \
             spikes identical to the float model {:.4} %, to exact codes {:.4} %",
            format.frac_bits,
            format.alpha_mode,
            firing_rate,
            100.0 * fid.mode_vs_float,
            100.0 * fid.mode_vs_exact
        );
        println!("wrote {}", a.out.display());
    }
    Ok(())
}

/// Writes one output file at the given path.
type Writer<'a> = dyn Fn(&Path) -> anyhow::Result<()> + 'a;

/// Write every output into a temporary directory beside `out`, then move it into place, so a
/// failure leaves no partial output.
fn write_outputs(
    out: &Path,
    out_exists: bool,
    trace: &SpikeLinearTrace,
    format: &NumericFormat,
    alphas: &serde_json::Value,
    stats: &serde_json::Value,
) -> anyhow::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("--out: cannot create {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".spikelm-model-")
        .tempdir_in(&parent)
        .with_context(|| {
            format!(
                "--out: cannot create a temporary directory in {}",
                parent.display()
            )
        })?;
    let acc: Array3<i32> = trace.acc.mapv(|v| v as i32); // |ACC| < 2^31 is checked by the model
    let y: Array3<f32> = trace.y.mapv(|v| dequantise(v, format) as f32);
    let files: [(&str, &Writer); 5] = [
        ("spikes.npy", &|p| Ok(ndarray_npy::write_npy(p, &trace.q)?)),
        ("acc.npy", &|p| Ok(ndarray_npy::write_npy(p, &acc)?)),
        ("output.npy", &|p| Ok(ndarray_npy::write_npy(p, &y)?)),
        ("alphas.json", &|p| {
            Ok(std::fs::write(
                p,
                serde_json::to_string_pretty(alphas)? + "\n",
            )?)
        }),
        ("stats.json", &|p| {
            Ok(std::fs::write(
                p,
                serde_json::to_string_pretty(stats)? + "\n",
            )?)
        }),
    ];
    for (name, write) in files {
        let path = tmp.path().join(name);
        write(&path).with_context(|| format!("writing {}", path.display()))?;
    }
    if out_exists {
        std::fs::remove_dir_all(out)
            .with_context(|| format!("--out {}: cannot replace", out.display()))?;
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, out).with_context(|| {
        let _ = std::fs::remove_dir_all(&kept);
        format!(
            "--out {}: cannot move the finished outputs into place",
            out.display()
        )
    })?;
    Ok(())
}

fn fidelity_table(a: FidelityArgs) -> anyhow::Result<()> {
    ensure!(
        a.tokens >= 1 && a.din >= 1,
        "--tokens and --din must be at least 1"
    );
    let params = load_params(&a.config, a.frac_bits, None, None)?;
    let format = params.format();
    let steps = params.model().time_steps as usize;
    let mut g = Gauss::new(a.seed);
    let x = Array3::from_shape_fn((steps, a.tokens, a.din), |_| g.normal());
    let alphas = alphas_from_data(x.view(), format.frac_bits)?;
    let modes = [
        AlphaMode::Exact,
        AlphaMode::Csd(4),
        AlphaMode::Csd(3),
        AlphaMode::Csd(2),
        AlphaMode::Pow2,
    ];
    let rows: Vec<Fidelity> = modes
        .iter()
        .map(|&m| fidelity(x.view(), &alphas, &with_mode(format, m)))
        .collect::<Result<_, _>>()?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "time_steps": steps, "tokens": a.tokens, "din": a.din, "seed": a.seed,
                "frac_bits": format.frac_bits, "alphas": alphas, "modes": rows,
            }))?
        );
    } else {
        println!(
            "Gaussian input T={steps} N={} Din={} seed {}, F={}: identical spikes (%)",
            a.tokens, a.din, a.seed, format.frac_bits
        );
        println!("{:8} {:>10} {:>10}", "mode", "vs exact", "vs float");
        for r in rows {
            println!(
                "{:8} {:10.4} {:10.4}",
                r.alpha_mode.to_string(),
                100.0 * r.mode_vs_exact,
                100.0 * r.mode_vs_float
            );
        }
    }
    Ok(())
}
