//! The flow's synthesis cache: the figures of one synthesis (engine or INT8 twin), kept under a
//! key that hashes everything they depend on, so a hit is never stale:
//! every file of the generated RTL, the Yosys and nextpnr versions, the synthesis options, the
//! design's label and configuration hash, and this program's own executable (its parsers and
//! wrappers; a rebuilt `spikelm-hw` starts a fresh cache). An entry is a directory
//! `KEY/` holding `entry.json` (written last, atomically: an entry without it is ignored) and a
//! copy of the synthesis run's `report.json` and `report.md`.

use crate::report::{CacheOrigin, SynthFigures};
use crate::synth::tools::Tool;
use crate::synth::SynthOptions;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Bump when an entry's meaning changes in a way the executable hash would not catch.
const FORMAT: &str = "spikelm-hw flow synthesis cache v1";

/// Where the cache lives unless `--cache-dir` says otherwise (outside `build/flow`, which
/// `--force` empties).
pub const DEFAULT_DIR: &str = "build/synth-cache";

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    origin: CacheOrigin,
    figures: SynthFigures,
}

/// The cache key of one synthesis: a hex SHA-256 prefix.
pub fn key(
    label: &str,
    config_hash: &str,
    design_dir: &Path,
    tools: &[Tool],
    opts: &SynthOptions,
) -> std::io::Result<String> {
    let mut h = Sha256::new();
    h.update(FORMAT.as_bytes());
    h.update(program_hash()?.as_bytes());
    for part in [label, config_hash] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    for t in tools {
        h.update(format!("{}={}\n", t.kind.env_var(), t.version).as_bytes());
    }
    // Every option that changes what the tools produce; never the directories.
    h.update(
        format!(
            "target={} clock={:?} seed={} speed={} dsp={} io_top={} units={} pnr={}\n",
            opts.target,
            opts.clock_mhz,
            opts.seed,
            opts.speed.0,
            opts.dsp,
            opts.io_top,
            opts.units,
            opts.place_and_route
        )
        .as_bytes(),
    );
    for file in files_under(design_dir)? {
        let text = std::fs::read(&file)?;
        let rel = file.strip_prefix(design_dir).unwrap_or(&file);
        h.update(rel.as_os_str().as_encoded_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(&text);
    }
    Ok(hex(&h.finalize()[..12]))
}

/// The figures stored under `key`, marked with where they came from; `None` on a miss.
pub fn load(dir: &Path, key: &str) -> Option<SynthFigures> {
    let text = std::fs::read_to_string(dir.join(key).join("entry.json")).ok()?;
    let entry: Entry = serde_json::from_str(&text).ok()?;
    let mut figures = entry.figures;
    figures.cached = Some(entry.origin);
    Some(figures)
}

/// Copy the cached run's `report.json` and `report.md` into `synth_dir`, with a note naming
/// the entry, so the output directory still holds the synthesis details.
pub fn restore_reports(dir: &Path, key: &str, synth_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(synth_dir)?;
    for name in ["report.json", "report.md"] {
        let from = dir.join(key).join(name);
        if from.is_file() {
            std::fs::copy(&from, synth_dir.join(name))?;
        }
    }
    std::fs::write(
        synth_dir.join("FROM-CACHE.txt"),
        format!(
            "These figures were reused from the synthesis cache entry {}\n",
            dir.join(key).display()
        ),
    )
}

/// Store `figures` (from a synthesis run into `synth_dir` for the flow into `run`).
pub fn store(
    dir: &Path,
    key: &str,
    figures: &SynthFigures,
    synth_dir: &Path,
    run: &Path,
) -> std::io::Result<()> {
    let entry_dir = dir.join(key);
    std::fs::create_dir_all(&entry_dir)?;
    for name in ["report.json", "report.md"] {
        let from = synth_dir.join(name);
        if from.is_file() {
            crate::atomic::write(&entry_dir.join(name), std::fs::read(&from)?)?;
        }
    }
    let mut figures = figures.clone();
    figures.cached = None;
    let entry = Entry {
        origin: CacheOrigin {
            key: key.to_string(),
            run: std::path::absolute(run)
                .unwrap_or_else(|_| run.to_path_buf())
                .display()
                .to_string(),
            at_utc: utc_now(),
        },
        figures,
    };
    let text = serde_json::to_string_pretty(&entry).map_err(std::io::Error::other)?;
    crate::atomic::write(&entry_dir.join("entry.json"), text)
}

/// SHA-256 of the running executable, computed once.
fn program_hash() -> std::io::Result<String> {
    static HASH: OnceLock<Result<String, String>> = OnceLock::new();
    HASH.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&exe).map_err(|e| format!("{}: {e}", exe.display()))?;
        Ok(hex(&Sha256::digest(&bytes)))
    })
    .clone()
    .map_err(std::io::Error::other)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file under `dir`, sorted, recursively.
fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The current time, UTC, as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// Seconds since 1970 as a UTC date and time (proleptic Gregorian calendar).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::tools::ToolKind;

    fn tools(nextpnr: &str) -> Vec<Tool> {
        vec![
            Tool {
                kind: ToolKind::Yosys,
                path: "yosys".into(),
                version: "Yosys 0.70 (git sha1 28ba3cb92)".into(),
            },
            Tool {
                kind: ToolKind::NextpnrEcp5,
                path: "nextpnr-ecp5".into(),
                version: nextpnr.into(),
            },
        ]
    }

    fn figures() -> SynthFigures {
        SynthFigures {
            label: "ternary".into(),
            target: "ecp5-85k".into(),
            tools: "Yosys 0.70".into(),
            lut4: 100,
            carry: 10,
            ff: 50,
            bram: 1,
            dsp: 0,
            lut4_eq: 120.0,
            lut4_eq_per_pe: 7.5,
            placed: true,
            fmax_mhz: Some(123.4),
            critical_path: "a → b".into(),
            by_unit: vec![("pe".into(), 80.0)],
            cached: None,
        }
    }

    #[test]
    fn the_key_changes_with_every_input_and_only_with_them() {
        let tmp = tempfile::tempdir().unwrap();
        let rtl = tmp.path().join("design");
        std::fs::create_dir_all(rtl.join("rtl")).unwrap();
        std::fs::write(rtl.join("rtl/a.v"), "module a; endmodule\n").unwrap();
        let target = "ecp5-85k".parse().unwrap();
        let opts = SynthOptions::new(target, tmp.path().join("synth"));
        let v = "nextpnr-ecp5 nextpnr-0.11.1";
        let k = |label: &str, tools: &[Tool], o: &SynthOptions| {
            key(label, "cfg1", &rtl, tools, o).unwrap()
        };
        let base = k("ternary", &tools(v), &opts);
        // The output directory is not part of the key.
        let elsewhere = SynthOptions::new(target, tmp.path().join("other"));
        assert_eq!(base, k("ternary", &tools(v), &elsewhere));
        assert_ne!(base, k("int8", &tools(v), &opts));
        assert_ne!(
            base,
            k("ternary", &tools("nextpnr-ecp5 nextpnr-0.12"), &opts)
        );
        let mut no_pnr = opts.clone();
        no_pnr.place_and_route = false;
        assert_ne!(base, k("ternary", &tools(v), &no_pnr));
        let mut seed = opts.clone();
        seed.seed = 2;
        assert_ne!(base, k("ternary", &tools(v), &seed));
        assert_ne!(
            base,
            key("ternary", "cfg2", &rtl, &tools(v), &opts).unwrap()
        );
        // One byte of the RTL, and a new file, each make a new key.
        std::fs::write(rtl.join("rtl/a.v"), "module b; endmodule\n").unwrap();
        let edited = k("ternary", &tools(v), &opts);
        assert_ne!(base, edited);
        std::fs::write(rtl.join("rtl/b.vh"), "").unwrap();
        assert_ne!(edited, k("ternary", &tools(v), &opts));
    }

    #[test]
    fn a_stored_entry_comes_back_marked_with_its_run() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let synth = tmp.path().join("run/synth");
        std::fs::create_dir_all(&synth).unwrap();
        std::fs::write(synth.join("report.md"), "# synth\n").unwrap();
        assert!(load(&cache, "k1").is_none(), "an empty cache misses");
        store(&cache, "k1", &figures(), &synth, &tmp.path().join("run")).unwrap();
        let got = load(&cache, "k1").expect("a hit");
        let origin = got.cached.clone().expect("marked as cached");
        assert_eq!(origin.key, "k1");
        assert!(origin.run.ends_with("/run"), "{}", origin.run);
        assert_eq!(got.fmax_mhz, Some(123.4));
        assert_eq!(got.by_unit, figures().by_unit);
        assert!(load(&cache, "k2").is_none());
        // An entry without entry.json (a run that died while storing) is a miss.
        std::fs::remove_file(cache.join("k1/entry.json")).unwrap();
        assert!(load(&cache, "k1").is_none());
        let restored = tmp.path().join("again/synth");
        restore_reports(&cache, "k1", &restored).unwrap();
        assert_eq!(
            std::fs::read_to_string(restored.join("report.md")).unwrap(),
            "# synth\n"
        );
    }

    #[test]
    fn utc_dates_match_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        // 2000-02-29 12:34:56 UTC, a leap day.
        assert_eq!(utc(951_827_696), "2000-02-29 12:34:56 UTC");
        // 2026-11-29 23:30:00 UTC.
        assert_eq!(utc(1_795_995_000), "2026-11-29 23:30:00 UTC");
    }
}
