//! Snapshots of the emitted RTL for the tiny and base presets (and tiny weight-stationary), compared byte for byte, and
//! generation determinism (two runs, same bytes).
//!
//! After an intended change to the templates, review the diff and update the snapshots with
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test rtl_snapshots`.

mod rtl_common;

use spikelm_hw::config::Params;
use spikelm_hw::rtl;
use std::path::PathBuf;

fn snapshot_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name)
}

/// Every file of a generated tree, manifest included.
fn tree(g: &rtl::GeneratedRtl) -> Vec<(String, String)> {
    let mut files = g.files.clone();
    let mut m = serde_json::to_string_pretty(&g.manifest).unwrap();
    m.push('\n');
    files.push(("manifest.json".into(), m));
    files
}

fn compare(name: &str, preset: &str, sets: &[&str]) {
    let p = Params::preset_with(preset, sets).expect("test configuration");
    let g = rtl::generate(&p).unwrap();
    assert_eq!(g, rtl::generate(&p).unwrap(), "{name}: not deterministic");
    let dir = snapshot_dir(name);
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    if update {
        let _ = std::fs::remove_dir_all(&dir);
    }
    for (rel, text) in tree(&g) {
        let path = dir.join(&rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; create it with UPDATE_SNAPSHOTS=1 cargo test --release --test rtl_snapshots",
                path.display()
            )
        });
        if want != text {
            let line = want
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(text.lines().count()));
            panic!(
                "{name}: {rel} differs from its snapshot at line {}; if intended, update with \
                 UPDATE_SNAPSHOTS=1 cargo test --release --test rtl_snapshots",
                line + 1
            );
        }
    }
}

#[test]
fn tiny_matches_snapshot() {
    compare("tiny", "spikelm-bert-tiny", &[]);
}

#[test]
fn tiny_weight_stationary_matches_snapshot() {
    compare(
        "tiny-ws",
        "spikelm-bert-tiny",
        &["array.dataflow=weight_stationary"],
    );
}

#[test]
fn base_matches_snapshot() {
    compare("base", "spikelm-bert-base", &[]);
}
