//! Batches of independent work items (the points of a sweep, the seeds of a regression) kept in
//! one directory on a shared file system, run by either backend with the same per-item code:
//!
//! ```text
//! DIR/plan.json          what to run (written once, before any item runs)
//! DIR/results/NNN.json   one file per finished item, written atomically by whoever ran it
//! DIR/logs/T.log         output of Slurm array task T
//! DIR/slurm/*.sh         the batch scripts submitted
//! ```
//!
//! An item is done when its result file exists and says so; running a batch again runs only the
//! items that are not done. Collecting reads the result files, so the local backend and a Slurm
//! array produce the same summary from the same files.

pub mod seeds;
pub mod sweep;

use crate::slurm::{self, SlurmError, SlurmOptions};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Json { path: String, message: String },
    #[error(
        "{0} holds a different batch (its plan.json differs); give another directory or --force"
    )]
    OtherPlan(String),
    #[error("{0} is not empty and holds no plan.json; give another directory or --force")]
    NotEmpty(String),
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Slurm(#[from] SlurmError),
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> BatchError {
    BatchError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Which machinery runs the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Threads on this machine.
    Local,
    /// One Slurm array task per item (or per group of items).
    Slurm,
}

/// Read a JSON file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, BatchError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    serde_json::from_str(&text).map_err(|e| BatchError::Json {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Write a JSON file atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), BatchError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| BatchError::Json {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    crate::atomic::write(path, text + "\n").map_err(|e| io(path, e))
}

/// Make `dir` hold `plan`: a new or empty directory gets it; a directory holding the same plan is
/// resumed (its finished items stay); another plan or other files are refused unless `force`,
/// which empties the directory first. Returns the absolute directory.
pub fn prepare<P: Serialize + DeserializeOwned + PartialEq>(
    dir: &Path,
    plan: &P,
    force: bool,
) -> Result<PathBuf, BatchError> {
    let plan_path = dir.join("plan.json");
    let resumable = plan_path.is_file() && read_json::<P>(&plan_path).is_ok_and(|p| p == *plan);
    if !resumable && dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .next()
            .is_some();
        if non_empty && !force {
            return Err(if plan_path.is_file() {
                BatchError::OtherPlan(dir.display().to_string())
            } else {
                BatchError::NotEmpty(dir.display().to_string())
            });
        }
        if non_empty {
            std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
        }
    }
    for sub in ["results", "logs", "slurm"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| io(&d, e))?;
    }
    let dir = dir.canonicalize().map_err(|e| io(dir, e))?;
    if !resumable {
        write_json(&dir.join("plan.json"), plan)?;
    }
    Ok(dir)
}

/// Where item `i`'s result goes.
pub fn result_path(dir: &Path, i: usize) -> PathBuf {
    dir.join("results").join(format!("{i:03}.json"))
}

/// Item `i`'s result, if one was written.
pub fn read_result<T: DeserializeOwned>(dir: &Path, i: usize) -> Option<T> {
    read_json(&result_path(dir, i)).ok()
}

/// The output file of array task `task`.
pub fn task_log(dir: &Path, task: usize) -> PathBuf {
    dir.join("logs").join(format!("{task}.log"))
}

/// The last `n` lines of array task `task`'s output, or an empty string.
pub fn log_tail(dir: &Path, task: usize, n: usize) -> String {
    let text = std::fs::read_to_string(task_log(dir, task)).unwrap_or_default();
    crate::sim::build::tail(&text, n)
}

/// The items of `0..count` that are not done.
pub fn pending<T: DeserializeOwned>(
    dir: &Path,
    count: usize,
    done: impl Fn(&T) -> bool,
) -> Vec<usize> {
    (0..count)
        .filter(|&i| !read_result::<T>(dir, i).is_some_and(|r| done(&r)))
        .collect()
}

/// Run `item` for each of `items` on `jobs` threads.
pub fn run_local(items: &[usize], jobs: usize, item: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                while let Some(&i) = items.get(next.fetch_add(1, Ordering::SeqCst)) {
                    item(i);
                }
            });
        }
    });
}

/// The items array task `task` runs when each task takes `per_task` consecutive items.
pub fn task_items(task: usize, per_task: usize, count: usize) -> std::ops::Range<usize> {
    let per = per_task.max(1);
    (task * per).min(count)..((task + 1) * per).min(count)
}

/// A Slurm submission of a batch: the array of tasks and the collecting job after it.
#[derive(Debug, Clone)]
pub struct Submission {
    pub array_job: String,
    pub collect_job: String,
    pub tasks: usize,
}

/// What a batch's Slurm jobs run.
#[derive(Debug, Clone)]
pub struct BatchJobs {
    /// Job name (the collecting job adds `-collect`).
    pub name: String,
    /// Consecutive items per array task.
    pub per_task: usize,
    /// The command of every array task (it finds its index in `SLURM_ARRAY_TASK_ID`).
    pub task: Vec<String>,
    /// The command that merges the results.
    pub collect: Vec<String>,
}

/// Submit one array task per group of `per_task` items holding a pending item, then the
/// collecting command as a job that starts when the array has ended, whatever its tasks'
/// outcome (`--dependency=afterany`). With `wait`, return only when that job has ended.
pub fn submit(
    dir: &Path,
    pending: &[usize],
    jobs: &BatchJobs,
    opts: &SlurmOptions,
    wait: bool,
) -> Result<Submission, BatchError> {
    let name = &jobs.name;
    let mut tasks: Vec<usize> = pending.iter().map(|i| i / jobs.per_task.max(1)).collect();
    tasks.dedup();
    if tasks.is_empty() {
        return Err(BatchError::BadRequest(
            "nothing to submit: every item is done".into(),
        ));
    }
    let array_job = slurm::submit(
        &slurm::Job {
            name: name.clone(),
            script: dir.join("slurm").join("array.sh"),
            command: jobs.task.clone(),
            output: dir.join("logs").join("%a.log"),
            array: Some(slurm::array_spec(&tasks)),
            dependency: None,
        },
        opts,
    )?;
    // The collector is serial and small: it asks only for the partition and extra arguments.
    let collect_opts = SlurmOptions {
        partition: opts.partition.clone(),
        extra: opts.extra.clone(),
        ..SlurmOptions::default()
    };
    let collect_job = slurm::submit(
        &slurm::Job {
            name: format!("{name}-collect"),
            script: dir.join("slurm").join("collect.sh"),
            command: jobs.collect.clone(),
            output: dir.join("logs").join("collect.log"),
            array: None,
            dependency: Some(format!("afterany:{array_job}")),
        },
        &collect_opts,
    )?;
    if wait {
        slurm::wait_for(&collect_job)?;
    }
    Ok(Submission {
        array_job,
        collect_job,
        tasks: tasks.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_items_cover_every_item_once() {
        let all: Vec<usize> = (0..4).flat_map(|t| task_items(t, 3, 10)).collect();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert!(task_items(4, 3, 10).is_empty());
    }

    #[test]
    fn prepare_resumes_the_same_plan_and_refuses_another() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("b");
        let d = prepare(&dir, &vec![1, 2], false).unwrap();
        write_json(&result_path(&d, 0), &true).unwrap();
        prepare(&dir, &vec![1, 2], false).unwrap();
        assert_eq!(pending::<bool>(&d, 2, |b| *b), vec![1]);
        assert!(matches!(
            prepare(&dir, &vec![3], false),
            Err(BatchError::OtherPlan(_))
        ));
        prepare(&dir, &vec![3], true).unwrap();
        assert_eq!(pending::<bool>(&d, 2, |b| *b), vec![0, 1]);
    }
}
