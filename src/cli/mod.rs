//! Command-line front end: argument structs and dispatch. Library code does the work.

mod backend;
mod board;
mod common;
mod compare;
mod config_cmd;
mod encoder;
mod fit;
mod flow;
mod generate;
mod import;
mod model;
mod perf;
mod run_board;
mod seeds;
mod sim;
mod sweep;
mod synth;
mod synth_unit;

use clap::{Parser, Subcommand};

/// Generate, co-simulate and synthesize ternary-spike accelerators for SpikeLM.
///
/// Start with `spikelm-hw presets`, then `spikelm-hw flow --out build/` for the whole job.
#[derive(Debug, Parser)]
#[command(name = "spikelm-hw", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the named configurations.
    Presets(config_cmd::PresetsArgs),
    /// Print the validated configuration and every derived parameter.
    Config(config_cmd::ConfigCmdArgs),
    /// Run the bit-accurate reference model on NumPy data.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Import a trained BERT/SpikeLM checkpoint into a package of quantised sites.
    Import(import::ImportArgs),
    /// Emit the Verilog engine for a configuration.
    Generate(generate::GenerateArgs),
    /// Co-simulate the RTL under Verilator against the reference model, bit for bit.
    Sim(sim::SimArgs),
    /// Synthesize and place-and-route on an FPGA target, or estimate gates.
    Synth(synth::SynthArgs),
    /// Synthesize and place one standalone unit (softmax, LayerNorm, GELU, …) out of context.
    SynthUnit(synth_unit::SynthUnitArgs),
    /// Compare the ternary engine against the INT8 multiply-accumulate baseline.
    Compare(compare::CompareArgs),
    /// Find the largest array and token residency that place and route on a target at a clock.
    Fit(fit::FitArgs),
    /// Analytic cycle, throughput and energy model.
    Perf(perf::PerfArgs),
    /// Generate, co-simulate, synthesize and report in one command.
    Flow(flow::FlowArgs),
    /// Run many configurations and plot area against throughput.
    Sweep(sweep::SweepArgs),
    /// Build a bitstream with the host link for a real board (ULX3S, OrangeCrab, iCEBreaker).
    Board(board::BoardArgs),
    /// Run one layer on a board (or the simulated board) over the host link, checked bit for bit.
    Run(run_board::RunArgs),
}

/// The error and its causes, each once. The library's errors spell their cause inside their own
/// message (so `to_string` is complete), which the cause chain would then repeat: a cause whose
/// text the message before it already contains is left out.
pub fn error_message(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|prev| prev.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Presets(a) => config_cmd::presets(a),
        Command::Config(a) => config_cmd::config(a),
        Command::Model(a) => model::run(a),
        Command::Import(a) => import::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Sim(a) => sim::run(a),
        Command::Synth(a) => synth::run(a),
        Command::SynthUnit(a) => synth_unit::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Perf(a) => perf::run(a),
        Command::Flow(a) => flow::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Board(a) => board::run(a),
        Command::Run(a) => run_board::run(a),
    }
}
