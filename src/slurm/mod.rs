//! Slurm: submitting a job array (one task per work item) and the job that collects its results
//! once the array has ended, with `sbatch`. The tool schedules nothing itself; what a task does
//! is a `spikelm-hw` command line, run on whichever node Slurm picks, against a directory on the
//! shared file system.

use crate::sim::build::shell_word;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    #[error("sbatch could not be started ({0}); is Slurm installed and SLURM_CONF set?")]
    NoSbatch(String),
    #[error("sbatch refused the job ({status}):\n  {command}\n{stderr}")]
    Refused {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("sbatch printed no job id: `{0}`")]
    NoJobId(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The resource requests passed through to every `sbatch` of a submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlurmOptions {
    pub partition: Option<String>,
    /// Time limit per task, in any form `sbatch --time` takes (e.g. `30`, `2:00:00`).
    pub time: Option<String>,
    pub cpus_per_task: Option<u32>,
    /// Memory per task, in any form `sbatch --mem` takes (e.g. `4G`).
    pub mem: Option<String>,
    /// Further `sbatch` arguments, passed unchanged (e.g. `--account=hw`, `--qos=short`).
    pub extra: Vec<String>,
}

impl SlurmOptions {
    /// The `sbatch` arguments these options stand for.
    pub fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(p) = &self.partition {
            a.push(format!("--partition={p}"));
        }
        if let Some(t) = &self.time {
            a.push(format!("--time={t}"));
        }
        if let Some(c) = self.cpus_per_task {
            a.push(format!("--cpus-per-task={c}"));
        }
        if let Some(m) = &self.mem {
            a.push(format!("--mem={m}"));
        }
        a.extend(self.extra.iter().cloned());
        a
    }

    /// True when no option is set.
    pub fn is_empty(&self) -> bool {
        *self == SlurmOptions::default()
    }
}

/// `0-3,7,9-10`: the `--array` list of sorted, distinct indices.
pub fn array_spec(indices: &[usize]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        while i + 1 < indices.len() && indices[i + 1] == indices[i] + 1 {
            i += 1;
        }
        if !out.is_empty() {
            out.push(',');
        }
        if indices[i] == start {
            let _ = write!(out, "{start}");
        } else {
            let _ = write!(out, "{start}-{}", indices[i]);
        }
        i += 1;
    }
    out
}

/// One `sbatch` submission: a batch script that runs `command` (program and arguments).
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    /// Where the script is written (kept for the record and for rerunning by hand).
    pub script: PathBuf,
    pub command: Vec<String>,
    /// Output file pattern (`%a` = array index, `%j` = job id).
    pub output: PathBuf,
    /// `--array` list; `None` for a single job.
    pub array: Option<String>,
    /// `afterany:<id>` and the like.
    pub dependency: Option<String>,
}

/// The id of the job `sbatch` accepted.
pub fn submit(job: &Job, opts: &SlurmOptions) -> Result<String, SlurmError> {
    let line: Vec<String> = job.command.iter().map(|w| shell_word(w)).collect();
    let script = format!(
        "#!/bin/sh\n# Written by spikelm-hw; submitted with sbatch.\nexec {}\n",
        line.join(" ")
    );
    crate::atomic::write(&job.script, script).map_err(|e| io(&job.script, e))?;
    let mut args = vec![
        "--parsable".to_string(),
        format!("--job-name={}", job.name),
        format!("--output={}", job.output.display()),
    ];
    if let Some(a) = &job.array {
        args.push(format!("--array={a}"));
    }
    if let Some(d) = &job.dependency {
        args.push(format!("--dependency={d}"));
    }
    args.extend(opts.args());
    args.push(job.script.display().to_string());
    let command = std::iter::once("sbatch".to_string())
        .chain(args.iter().map(|a| shell_word(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("sbatch")
        .args(&args)
        .output()
        .map_err(|e| SlurmError::NoSbatch(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(SlurmError::Refused {
            command,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    // `--parsable` prints `id` or `id;cluster`.
    stdout
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .and_then(|l| l.split(';').next())
        .filter(|id| id.chars().all(|c| c.is_ascii_digit()) && !id.is_empty())
        .map(str::to_string)
        .ok_or_else(|| SlurmError::NoJobId(stdout.trim().to_string()))
}

/// Block until job `id` has ended, asking `squeue` every second (`sbatch --wait` polls with a
/// growing interval, which adds half a minute to short jobs).
pub fn wait_for(id: &str) -> Result<(), SlurmError> {
    loop {
        let out = Command::new("squeue")
            .args(["-h", "-j", id, "-o", "%T"])
            .args([
                "-t",
                "PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED",
            ])
            .output()
            .map_err(|e| SlurmError::NoSbatch(format!("squeue: {e}")))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        // A job gone from the queue is reported as an invalid id: it has ended too.
        if !out.status.success() && !stderr.contains("Invalid job id") {
            return Err(SlurmError::Refused {
                command: format!("squeue -h -j {id}"),
                status: out.status.to_string(),
                stderr: stderr.trim().to_string(),
            });
        }
        if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// The array index of the running task (`SLURM_ARRAY_TASK_ID`).
pub fn array_task_id() -> Option<usize> {
    std::env::var("SLURM_ARRAY_TASK_ID").ok()?.parse().ok()
}

fn io(path: &Path, source: std::io::Error) -> SlurmError {
    SlurmError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_spec_compresses_runs() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[0, 2, 3, 7]), "0,2-3,7");
        assert_eq!(array_spec(&[5]), "5");
        assert_eq!(array_spec(&[]), "");
    }

    #[test]
    fn options_become_sbatch_arguments() {
        let o = SlurmOptions {
            partition: Some("fpga".into()),
            time: Some("1:00:00".into()),
            cpus_per_task: Some(2),
            mem: Some("4G".into()),
            extra: vec!["--account=hw".into()],
        };
        assert_eq!(
            o.args(),
            [
                "--partition=fpga",
                "--time=1:00:00",
                "--cpus-per-task=2",
                "--mem=4G",
                "--account=hw"
            ]
        );
        assert!(SlurmOptions::default().is_empty() && !o.is_empty());
    }
}
