//! `perf`: the analytic cycle, throughput and energy model for a configuration.

use super::common::ConfigArgs;
use clap::Args;
use spikelm_hw::estimate::PerfEstimate;

/// SpikeLM's typical firing rate, when none is given or measured.
const DEFAULT_FIRING_RATE: f64 = 0.35;

#[derive(Debug, Args)]
pub struct PerfArgs {
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Clock in MHz for latency and throughput (use the Fmax `synth` reported).
    #[arg(long, default_value_t = 100.0)]
    pub fmax: f64,
    /// Non-zero spikes per neuron per time step (default 0.35; SpikeLM's typical rates are
    /// 0.3-0.45; `sim` measures it).
    #[arg(long)]
    pub firing_rate: Option<f64>,
    /// An imported package: its configuration, and (unless --firing-rate is given) the firing
    /// rate its integer model measures on the built-in English sentences.
    #[arg(long, value_name = "PKG")]
    pub package: Option<std::path::PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: PerfArgs) -> anyhow::Result<()> {
    let (params, rate) = match &args.package {
        Some(dir) => {
            let pkg = super::common::package_params(dir)?;
            let rate = match args.firing_rate {
                Some(r) => r,
                None => spikelm_hw::import::evaluate::real_firing_rates(
                    &pkg,
                    None,
                    spikelm_hw::import::text::DEFAULT_CALIBRATION,
                )?
                .overall()
                .unwrap_or(DEFAULT_FIRING_RATE),
            };
            (pkg.params, rate)
        }
        None => (
            args.cfg.load()?,
            args.firing_rate.unwrap_or(DEFAULT_FIRING_RATE),
        ),
    };
    let est = PerfEstimate::compute(&params, args.fmax, rate)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&est)?);
        return Ok(());
    }
    println!(
        "{} on a {} array at {:.1} MHz, firing rate {:.2}",
        est.preset, est.array, est.fmax_mhz, est.firing_rate
    );
    println!(
        "{:<9} {:>13} {:>14} {:>12} {:>8} {:>8} {:>12} {:>10}",
        "layer", "shape", "synaptic ops", "cycles", "util", "steady", "INT8 cycles", "off-chip MB"
    );
    for l in &est.layers {
        println!(
            "{:<9} {:>13} {:>14} {:>12} {:>7.1}% {:>7.1}% {:>12} {:>10.2}",
            l.layer,
            format!("{}->{}", l.din, l.dout),
            l.synaptic_ops,
            l.cycles,
            100.0 * l.utilisation,
            100.0 * l.steady_utilisation,
            l.int8_cycles.map_or("n/a".into(), |c| c.to_string()),
            l.traffic.off_chip as f64 / 8e6
        );
    }
    println!(
        "per sequence ({} layers): {} cycles, {:.3} ms, {:.1} tokens/s; {:.3e} additions vs {:.3e} INT8 MACs",
        est.encoder_layers,
        est.cycles_per_sequence,
        est.latency_ms,
        est.tokens_per_s,
        est.additions_per_sequence,
        est.int8_macs_per_sequence as f64
    );
    println!("energy per sequence (µJ)      SNN compute  SNN memory  INT8 compute  INT8 memory");
    for e in &est.energy {
        println!(
            "{:<29} {:>11.1} {:>11.1} {:>13.1} {:>12.1}",
            e.convention, e.snn_compute_uj, e.snn_memory_uj, e.int8_compute_uj, e.int8_memory_uj
        );
    }
    println!(
        "SNN energy per sequence (µJ, compute + memory) by firing rate; cycles do not change:"
    );
    for point in &est.energy_vs_firing_rate {
        let totals: Vec<String> = point
            .energy
            .iter()
            .map(|e| format!("{:.1}", e.snn_compute_uj + e.snn_memory_uj))
            .collect();
        println!("  rate {:.2}: {}", point.firing_rate, totals.join("  "));
    }
    println!(
        "non-linear units, one copy each (standalone RTL, not in the engine), per encoder layer without stalls:"
    );
    for u in &est.nonlinear_units {
        let work = if u.lanes {
            format!("{} beats of {}", u.rows, u.row_len)
        } else if u.row_len == 1 {
            format!("{} values", u.rows)
        } else {
            format!("{} rows of {}", u.rows, u.row_len)
        };
        println!(
            "  {:<13} {:>18}: {:>10}-{:>10} cycles, {:.3} × the layer's linear-site cycles",
            u.unit, work, u.cycles_min, u.cycles_max, u.of_linear_sites
        );
    }
    println!(
        "attention products per encoder layer on the array (an estimate of a schedule not yet in the RTL; not in the totals):"
    );
    for (engine, att) in est.attention_by_engine() {
        for p in &att.products {
            println!(
                "  {engine:<7} {:<5} {:>4} passes of {} x {} over {}: {:>9} cycles, utilisation {:.3}",
                p.product, p.passes, p.rows, p.cols, p.reduction, p.cycles, p.utilisation
            );
        }
        println!(
            "  {engine:<7} whole layer (linear sites + products): {} cycles, PE utilisation {:.3}",
            att.layer_cycles, att.layer_utilisation
        );
    }
    println!("scope: {}", est.scope);
    Ok(())
}
