//! `synth-unit`: one standalone unit (softmax, LayerNorm, GELU, …) synthesized and placed out
//! of context on ECP5 with some of its parameters set.

use super::synth::{check_clock_mhz, spinner};
use anyhow::Context;
use clap::Args;
use spikelm_hw::synth::report::seed_spread;
use spikelm_hw::synth::standalone::{self, UnitOptions, UnitReport};
use spikelm_hw::synth::{SpeedGrade, Target};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SynthUnitArgs {
    /// The unit's module, e.g. spikelm_softmax, spikelm_layernorm, spikelm_gelu (every unit
    /// under `standalone/` of a generated tree; a wrong name lists them).
    #[arg(long)]
    pub unit: String,
    /// Set one of the module's parameters, e.g. `--param N=512 --param AB=9` (the module's
    /// default where not set; all are printed).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, i64)>,
    /// Set a configuration field of the generated tree the unit is taken from, e.g. `--set
    /// array.adder=ecp5_ccu2c` for the CCU2C form of the weight-stationary PE (repeatable; the
    /// default preset's tree otherwise).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Target: ecp5-25k, ecp5-45k or ecp5-85k (out-of-context placement is ECP5's).
    #[arg(long, default_value = "ecp5-85k")]
    pub target: String,
    /// ECP5 speed grade for nextpnr: 6 (ULX3S), 7 or 8.
    #[arg(long, default_value_t = 6)]
    pub speed: u8,
    /// Placer seed (the first, with --seeds).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Place this many times, with seeds --seed, --seed + 1, …: every seed's Fmax and their
    /// median are printed, the fastest placement in full. Placement alone moves Fmax by about
    /// ±5 %, so compare units by a few seeds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub seeds: u32,
    /// Clock asked of nextpnr in MHz (default 250).
    #[arg(long)]
    pub clock_mhz: Option<f64>,
    /// Output directory (the sources, netlist, logs, commands.sh).
    #[arg(long, default_value = "build/synth-unit")]
    pub out: PathBuf,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_param(s: &str) -> Result<(String, i64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected NAME=VALUE, e.g. N=128"))?;
    let value = value
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: the value of {name} must be an integer"))?;
    Ok((name.trim().to_string(), value))
}

pub fn run(args: SynthUnitArgs) -> anyhow::Result<()> {
    let target: Target = args.target.parse()?;
    check_clock_mhz(args.clock_mhz)?;
    let opts = UnitOptions {
        target,
        speed: SpeedGrade::new(args.speed)?,
        seed: args.seed,
        seeds: args.seeds,
        clock_mhz: args.clock_mhz,
        out_dir: args.out.clone(),
        sets: args.sets.clone(),
    };
    let pb = spinner(&format!("synth-unit {}", args.unit));
    let result = standalone::synthesize_unit(&args.unit, &args.params, &opts, &mut |step| {
        pb.set_message(step.to_string())
    });
    pb.finish_and_clear();
    let report = result.with_context(|| format!("synthesis of {} failed", args.unit))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
        eprintln!(
            "rerun the tools with: bash {}/commands.sh",
            args.out.display()
        );
    }
    Ok(())
}

fn render(r: &UnitReport) -> String {
    let params: Vec<String> = r.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let c = &r.cells;
    let mut s = format!(
        "{} ({}), {} grade {}, out of context, seed {}{}\n\
         LUT4 {}, CCU2C {}: {} LUT4-equivalents; {} flip-flops, {} DP16KD, {} MULT18X18D, {} distributed-RAM cells\n",
        r.module,
        params.join(", "),
        r.target,
        r.speed_grade,
        r.seed,
        if r.seeds.len() > 1 {
            format!(" (the fastest of {})", r.seeds.len())
        } else {
            String::new()
        },
        c.lut4,
        c.carry,
        c.lut4_equiv,
        c.ffs,
        c.bram,
        c.dsp,
        c.lutram
    );
    match r.pnr.fmax_mhz {
        Some(f) => {
            s.push_str(&format!("Fmax {f:.1} MHz"));
            // nextpnr does not check the block RAM's minimum clock pulse width.
            match r.bram_limit_mhz.filter(|_| c.bram > 0) {
                Some(limit) if f > limit => s.push_str(&format!(
                    "; the block RAM caps the clock at {limit:.0} MHz at this grade"
                )),
                Some(limit) => s.push_str(&format!(" (block RAM limit {limit:.0} MHz)")),
                None => {}
            }
            s.push('\n');
        }
        None => s.push_str("Fmax: not reported by nextpnr\n"),
    }
    if r.seeds.len() > 1 {
        s.push_str(&format!("seeds: {}\n", seed_spread(&r.seeds)));
    }
    if let Some(p) = &r.pnr.critical_path {
        s.push_str(&format!(
            "critical path {:.2} ns ({:.2} logic, {:.2} routing): {} -> {}\n",
            p.delay_ns, p.logic_ns, p.routing_ns, p.from, p.to
        ));
    }
    s
}
