//! Options of the commands that run a batch (sweep points, regression seeds) locally or as a
//! Slurm job array, and the submission both share.

use anyhow::Context;
use clap::{Args, ValueEnum};
use spikelm_hw::batch;
use spikelm_hw::slurm::SlurmOptions;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendKind {
    /// Threads on this machine (`-j`).
    Local,
    /// One Slurm job array, one task per item, submitted with sbatch; a dependent job collects.
    Slurm,
}

#[derive(Debug, Clone, Args)]
pub struct BackendArgs {
    /// Where the items run.
    #[arg(long, value_enum, default_value = "local")]
    pub backend: BackendKind,
    /// Slurm partition (sbatch --partition).
    #[arg(long, help_heading = "Slurm")]
    pub partition: Option<String>,
    /// Time limit per array task (sbatch --time), e.g. 30 or 2:00:00.
    #[arg(long, help_heading = "Slurm")]
    pub time: Option<String>,
    /// CPUs per array task (sbatch --cpus-per-task).
    #[arg(long, help_heading = "Slurm")]
    pub cpus_per_task: Option<u32>,
    /// Memory per array task (sbatch --mem), e.g. 4G.
    #[arg(long, help_heading = "Slurm")]
    pub mem: Option<String>,
    /// A further sbatch argument, passed unchanged (repeatable), e.g. --sbatch-arg=--account=hw.
    #[arg(
        long = "sbatch-arg",
        value_name = "ARG",
        allow_hyphen_values = true,
        help_heading = "Slurm"
    )]
    pub sbatch_args: Vec<String>,
    /// Wait until the collecting job has run, then print the collected result.
    #[arg(long, help_heading = "Slurm")]
    pub wait: bool,
}

impl BackendArgs {
    pub fn slurm_options(&self) -> SlurmOptions {
        SlurmOptions {
            partition: self.partition.clone(),
            time: self.time.clone(),
            cpus_per_task: self.cpus_per_task,
            mem: self.mem.clone(),
            extra: self.sbatch_args.clone(),
        }
    }
}

/// This executable, for the tasks' command lines (on a cluster it sits on the shared file system).
pub fn this_program() -> anyhow::Result<String> {
    Ok(std::env::current_exe()
        .context("locating the spikelm-hw executable for the Slurm tasks")?
        .display()
        .to_string())
}

/// Submit the pending items of the batch in `dir` and report the job ids. `task` and `collect`
/// are the subcommand words after the program name, e.g. `["sweep", "task"]`.
pub fn submit(
    dir: &Path,
    name: &str,
    pending: &[usize],
    per_task: usize,
    task: &[&str],
    collect: &[&str],
    args: &BackendArgs,
) -> anyhow::Result<batch::Submission> {
    let program = this_program()?;
    let command = |words: &[&str]| {
        std::iter::once(program.clone())
            .chain(words.iter().map(|w| w.to_string()))
            .chain(std::iter::once(dir.display().to_string()))
            .collect::<Vec<_>>()
    };
    // A resubmission without sbatch options reuses those of the first submission.
    let stored = dir.join("slurm").join("options.json");
    let mut opts = args.slurm_options();
    if opts.is_empty() && stored.is_file() {
        opts = batch::read_json(&stored)?;
    } else {
        batch::write_json(&stored, &opts)?;
    }
    let jobs = batch::BatchJobs {
        name: name.to_string(),
        per_task,
        task: command(task),
        collect: command(collect),
    };
    let sub = batch::submit(dir, pending, &jobs, &opts, args.wait)?;
    eprintln!(
        "{name}: submitted array job {} ({} tasks) and collecting job {} (after it ends); logs in {}",
        sub.array_job,
        sub.tasks,
        sub.collect_job,
        dir.join("logs").display()
    );
    Ok(sub)
}

/// Submit the pending items (see [`submit`]); with `--wait`, run `collect` once the collecting
/// job has run, otherwise say where `result_file` will appear.
#[allow(clippy::too_many_arguments)]
pub fn submit_then_collect(
    dir: &Path,
    name: &str,
    pending: &[usize],
    per_task: usize,
    task: &[&str],
    collect_words: &[&str],
    args: &BackendArgs,
    result_file: &str,
    collect: impl FnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let sub = submit(dir, name, pending, per_task, task, collect_words, args)?;
    if args.wait {
        return collect();
    }
    eprintln!(
        "{name}: {result_file} appears in {} when job {} has run (or: spikelm-hw {} {})",
        dir.display(),
        sub.collect_job,
        collect_words.join(" "),
        dir.display()
    );
    Ok(())
}

/// The command that reruns the items of the batch in `dir` that are not done, on the backend
/// that ran it (a directory with a submitted array script ran on Slurm; its sbatch options are
/// reused).
pub fn resume_command(command: &str, dir: &Path) -> String {
    let slurm = dir.join("slurm").join("array.sh").is_file();
    format!(
        "spikelm-hw {command} resume {}{}",
        spikelm_hw::sim::build::shell_word(&dir.display().to_string()),
        if slurm { " --backend slurm" } else { "" }
    )
}
