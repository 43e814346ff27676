//! `compare`: the ternary engine against the INT8 multiply-accumulate baseline, synthesized the
//! same way; `--pe-area` and `--goals` run the PE-area and Fmax benchmarks.

use super::common::ConfigArgs;
use super::synth::{run_flow, spinner};
use anyhow::Context;
use clap::Args;
use spikelm_hw::config::Params;
use spikelm_hw::synth::compare::{self, PeAreaReport};
use spikelm_hw::synth::headline;
use spikelm_hw::synth::{SynthOptions, Target, UP5K_FIT};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Target: ecp5-25k, ecp5-45k, ecp5-85k, ice40-up5k, ice40-hx8k or gates.
    #[arg(long, default_value = "ecp5-85k")]
    pub target: String,
    /// Clock asked of nextpnr in MHz (default: 250 on ECP5, 50 on iCE40).
    #[arg(long)]
    pub clock_mhz: Option<f64>,
    /// Output directory; each variant gets a subdirectory.
    #[arg(long, default_value = "build/compare")]
    pub out: PathBuf,
    /// Placer seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Use this generated ternary design (files.f, manifest.json) instead of generating.
    #[arg(long, value_name = "DIR")]
    pub rtl: Option<PathBuf>,
    /// Use this generated INT8 design instead of generating.
    #[arg(long, value_name = "DIR")]
    pub rtl_int8: Option<PathBuf>,
    /// Benchmark: synthesize a bare accumulator, the ternary PE and the INT8 PE (no place and
    /// route) and print their areas and ratios.
    #[arg(long, conflicts_with = "goals")]
    pub pe_area: bool,
    /// Benchmark the project's measured goals: PE-area ratios, Fmax of a 16×16 engine on
    /// ecp5-85k (out of context, grade 6; goal 200 MHz), Fmax on ice40-up5k (the preset with
    /// `synth::UP5K_FIT` alone, not the --set given for ECP5; goal 50 MHz).
    #[arg(long)]
    pub goals: bool,
    /// The headline: both engines placed and routed on the target, side by side with BERT
    /// tokens per second (compute-bound and bound by --mem-gbps), energy per token and
    /// off-chip bits per token. Give the ternary engine its weight reuse with
    /// `--set array.resident_tokens=N` (the INT8 twin holds at least as many tokens).
    #[arg(long, conflicts_with_all = ["goals", "pe_area"])]
    pub headline: bool,
    /// The INT8 twin's array, RxC, when it differs from the ternary engine's (each engine on
    /// the array that fits it best, e.g. from `spikelm-hw fit`). Default: the same array.
    #[arg(long, value_name = "RxC", conflicts_with_all = ["goals", "pe_area"])]
    pub int8_array: Option<String>,
    /// Off-chip memory bandwidth for --headline, Gbit/s (default: the ULX3S's SDRAM peak,
    /// 16 bit x 166 MHz = 2.656).
    #[arg(long, default_value_t = spikelm_hw::synth::headline::DEFAULT_MEM_GBPS)]
    pub mem_gbps: f64,
    /// Non-zero spikes per neuron per time step for --headline's energy (SpikeLM: 0.23-0.43).
    #[arg(long, default_value_t = 0.35)]
    pub firing_rate: f64,
}

fn pe_area(args: &CompareArgs, params: &Params, target: Target) -> anyhow::Result<PeAreaReport> {
    let pb = spinner("pe-area");
    let r = compare::pe_area(
        params,
        target,
        &args.out.join("pe_area"),
        (args.rtl.as_deref(), args.rtl_int8.as_deref()),
        &mut |s| pb.set_message(s.to_string()),
    );
    pb.finish_and_clear();
    r.context("PE-area benchmark failed")
}

fn goals(args: &CompareArgs, params: &Params) -> anyhow::Result<()> {
    let area = pe_area(args, params, Target::Ecp5_85k)?;
    print!("{}", area.render(false));
    let mut sets = args.config.sets.clone();
    sets.push("array=16x16".into());
    let big = Params::load(
        &args.config.preset,
        args.config.config_file.as_deref(),
        &sets,
    )
    .context("16x16 configuration")?;
    let ecp5 = SynthOptions {
        seed: args.seed,
        io_top: false,
        units: false,
        ..SynthOptions::new(Target::Ecp5_85k, args.out.join("goal_ecp5-85k_16x16"))
    };
    let r = run_flow(&big, &ecp5, "goal ecp5-85k 16x16")?;
    // The UP5K run takes the preset and UP5K_FIT alone: the ECP5 run's own settings (the
    // CCU2C adder, the weight-stationary engine) do not fit or do not exist on the iCE40.
    let small =
        Params::preset_with(&args.config.preset, &UP5K_FIT).context("UP5K configuration")?;
    let up5k = SynthOptions {
        seed: args.seed,
        units: false,
        ..SynthOptions::new(Target::Ice40Up5k, args.out.join("goal_ice40-up5k"))
    };
    let s = run_flow(&small, &up5k, "goal ice40-up5k")?;
    let line = |name: &str, f: Option<f64>, goal: f64, extra: String| {
        let v = f
            .map(|f| format!("{f:.1} MHz"))
            .unwrap_or_else(|| "-".into());
        let ok = if f.is_some_and(|f| f >= goal) {
            "met"
        } else {
            "MISSED"
        };
        println!("{name}: {v} (goal >= {goal} MHz: {ok}) {extra}");
    };
    let path = |r: &spikelm_hw::synth::SynthReport| {
        r.implementations
            .first()
            .and_then(|i| i.pnr.as_ref())
            .and_then(|p| p.critical_path.as_ref())
            .map(|c| {
                format!(
                    "critical path {} -> {} ({:.2} ns)",
                    c.from, c.to, c.delay_ns
                )
            })
            .unwrap_or_default()
    };
    line(
        "Fmax ecp5-85k 16x16 (out of context)",
        r.metrics.fmax_mhz,
        compare::FMAX_ECP5_GOAL_MHZ,
        path(&r),
    );
    line(
        &format!("Fmax ice40-up5k ({})", UP5K_FIT.join(" ")),
        s.metrics.fmax_mhz,
        compare::FMAX_UP5K_GOAL_MHZ,
        path(&s),
    );
    Ok(())
}

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let params = args.config.load()?;
    if args.goals {
        return goals(&args, &params);
    }
    let target: Target = args.target.parse()?;
    if args.pe_area {
        let r = pe_area(&args, &params, target)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            print!("{}", r.render(false));
        }
        return Ok(());
    }
    if args.headline {
        headline::check_inputs(args.firing_rate, args.mem_gbps)?;
    }
    // Area and Fmax are what is compared: ECP5 places the engine out of context only; iCE40
    // has no out-of-context mode, so it places the narrow I/O top.
    let base = SynthOptions {
        clock_mhz: args.clock_mhz,
        seed: args.seed,
        io_top: target.family() == spikelm_hw::synth::Family::Ice40,
        ..SynthOptions::new(target, &args.out)
    };
    let int8_from = match &args.int8_array {
        None => params.clone(),
        Some(array) => {
            let mut sets = args.config.sets.clone();
            sets.push(format!("array={array}"));
            Params::load(
                &args.config.preset,
                args.config.config_file.as_deref(),
                &sets,
            )
            .with_context(|| format!("--int8-array {array}"))?
        }
    };
    let pb = spinner("compare");
    let result = compare::compare(
        &params,
        &int8_from,
        &base,
        (args.rtl.as_deref(), args.rtl_int8.as_deref()),
        &mut |s| pb.set_message(s.to_string()),
    );
    pb.finish_and_clear();
    let cmp = result.context("comparison failed")?;
    if args.headline {
        let source = if args.mem_gbps == headline::DEFAULT_MEM_GBPS {
            headline::DEFAULT_MEM_SOURCE
        } else {
            "--mem-gbps"
        };
        let h = headline::headline(
            &params,
            &int8_from,
            &cmp,
            args.firing_rate,
            args.mem_gbps,
            source,
        )?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&h)?);
        } else {
            print!("{}", h.render());
        }
        return Ok(());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&cmp)?);
    } else {
        print!("{}", cmp.render(false));
    }
    Ok(())
}
