//! Sweeps and seed regressions through a real Slurm: `scripts/slurm_local.sh` starts a
//! single-node cluster (munge, slurmctld, slurmd) with its own configuration in a temporary
//! directory; the test submits with `sbatch` exactly as on a cluster and checks that the
//! collected results equal the local backend's, that a resubmission runs only what is not
//! done, and that failed points are listed with the command that reruns them. The daemons are
//! stopped afterwards, also when the test fails.
//!
//! Without Slurm daemons (Debian `slurm-wlm` and `munge`, see `scripts/setup.sh`) the test says
//! so loudly and skips; `SPIKELM_HW_REQUIRE_SLURM=1` turns that into a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A running single-node Slurm; stopped on drop.
struct Cluster {
    dir: tempfile::TempDir,
    conf: String,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let dir = tempfile::Builder::new()
            .prefix("spikelm-slurm-")
            .tempdir()
            .expect("tempdir");
        let out = Command::new("bash")
            .arg(Path::new(ROOT).join("scripts/slurm_local.sh"))
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.trim().strip_prefix("export SLURM_CONF=") {
            Some(conf) if out.status.success() => Some(Cluster {
                conf: conf.to_string(),
                dir,
            }),
            _ => {
                let why = String::from_utf8_lossy(&out.stderr);
                let msg = format!(
                    "\n\n#################### SLURM TEST SKIPPED ####################\n\
                     the local Slurm daemons did not start, so nothing was tested:\n{why}\n\
                     ##############################################################\n"
                );
                assert!(
                    std::env::var_os("SPIKELM_HW_REQUIRE_SLURM").is_none(),
                    "{msg}"
                );
                eprintln!("{msg}");
                None
            }
        }
    }

    fn spikelm(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
            .args(args)
            .env("SLURM_CONF", &self.conf)
            .current_dir(ROOT)
            .output()
            .expect("spikelm-hw runs");
        eprintln!(
            "$ spikelm-hw {}\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(Path::new(ROOT).join("scripts/slurm_local.sh"))
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Four points that synthesize (smallest arrays, synthesis only) and two that fail at once.
const SWEEP: &[&str] = &[
    "sweep",
    "--preset",
    "spikelm-bert-tiny",
    "--vary",
    "array=4x1,4x2,2x2",
    "--vary",
    "alpha_mode=exact,csd:2",
    "--target",
    "ice40-up5k",
    "--synth-only",
];

const SEEDS: &[&str] = &[
    "sim",
    "--preset",
    "spikelm-bert-tiny",
    "--set",
    "array=4x4",
    "--layer",
    "qkv",
    "--tokens",
    "8",
    "--seeds",
    "1..5",
    "--json",
];

#[test]
fn slurm_sweep_and_seed_regression_equal_the_local_backend() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let (local, remote): (PathBuf, PathBuf) = (tmp.path().join("local"), tmp.path().join("slurm"));

    // The sweep, locally and as a job array.
    let with = |base: &[&str], extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|a| a.to_string()).collect()
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        cluster.spikelm(&refs)
    };
    let l = run(with(SWEEP, &["--out", &s(&local), "-j", "2"]));
    let slurm_args = [
        "--out",
        &s(&remote),
        "--backend",
        "slurm",
        "--partition",
        "debug",
        "--time",
        "20",
        "--cpus-per-task",
        "1",
        "--mem",
        "1G",
        "--sbatch-arg=--comment=spikelm-hw-test",
        "--wait",
    ];
    let r = run(with(SWEEP, &slurm_args));
    assert!(l.status.success() && r.status.success());
    for f in ["sweep.json", "sweep.md", "sweep.svg"] {
        assert_eq!(
            read(&local.join(f)),
            read(&remote.join(f)),
            "{f} differs between the backends"
        );
    }
    let points: serde_json::Value =
        serde_json::from_str(&read(&remote.join("sweep.json"))).unwrap();
    let points = points.as_array().unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points.iter().filter(|p| p["ok"] == true).count(), 4);
    // The collecting job ran inside Slurm and wrote its own log.
    assert!(read(&remote.join("logs/collect.log")).contains("| configuration |"));
    // The sbatch options are recorded for resubmissions, the extra argument with them.
    let opts = read(&remote.join("slurm/options.json"));
    for want in ["\"debug\"", "\"20\"", "\"1G\"", "--comment=spikelm-hw-test"] {
        assert!(opts.contains(want), "{want} not in {opts}");
    }
    let array = read(&remote.join("slurm/array.sh"));
    assert!(array.contains("sweep task"), "{array}");
    // The failed points are listed with their log tail and the command rerunning only them.
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("2 of 6 points failed"), "{err}");
    assert!(
        err.contains("must be a multiple of model.time_steps"),
        "{err}"
    );
    let rerun = format!("spikelm-hw sweep resume {} --backend slurm", s(&remote));
    assert!(err.contains(&rerun), "{err}");

    // Resubmitting runs only what is not done: remove one good point, resubmit.
    let good = remote.join("results/000.json");
    let kept = std::fs::metadata(remote.join("results/002.json"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::remove_file(&good).unwrap();
    let again = run(with(SWEEP, &slurm_args));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("3 to run (3 done)"), "{err}");
    assert!(read(&remote.join("slurm/array.sh")).contains("sweep task"));
    assert!(good.is_file(), "point 0 was run again");
    let unchanged = std::fs::metadata(remote.join("results/002.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(kept, unchanged, "a done point was run again");
    assert_eq!(
        read(&local.join("sweep.json")),
        read(&remote.join("sweep.json"))
    );

    // The seed regression, locally and as an array of two seeds per task.
    let (sl, sr) = (
        tmp.path().join("seeds-local"),
        tmp.path().join("seeds-slurm"),
    );
    let l = run(with(SEEDS, &["--out", &s(&sl)]));
    let r = run(with(
        SEEDS,
        &[
            "--out",
            &s(&sr),
            "--backend",
            "slurm",
            "--seeds-per-task",
            "2",
            "--wait",
        ],
    ));
    assert!(l.status.success() && r.status.success());
    let summary: serde_json::Value = serde_json::from_str(&read(&sr.join("summary.json"))).unwrap();
    assert_eq!(
        read(&sl.join("summary.json")),
        read(&sr.join("summary.json"))
    );
    assert_eq!(summary["seeds"], 4);
    assert_eq!(summary["passed"], 4);
    assert_eq!(summary["mismatches"], 0);
    assert_eq!(summary["harness_builds_in_runs"], 0);
    assert!(summary["values_compared"].as_u64().unwrap() > 0);
    assert!(read(&sr.join("slurm/array.sh")).contains("--seed-task"));
    // Two array tasks ran the four seeds.
    assert!(sr.join("logs/0.log").is_file() && sr.join("logs/1.log").is_file());
    assert!(!sr.join("logs/2.log").exists());
}
