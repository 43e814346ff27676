//! Corrupted checkpoints, configs and packages: never a panic, always an error naming the file and
//! what was wrong.

mod import_support;

use import_support::{serialize, tiny_config, tiny_tensors, TINY};
use proptest::prelude::*;
use spikelm_hw::import::checkpoint::{parse_config, parse_weights};
use spikelm_hw::import::Package;
use std::path::Path;
use std::sync::OnceLock;

fn tiny_bytes() -> &'static Vec<u8> {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let mut t = import_support::Tiny { vocab: 40, ..TINY };
        t.layers = 1;
        serialize(&tiny_tensors(&t, "", true))
    })
}

fn dims() -> spikelm_hw::model::encoder::BertDims {
    let t = import_support::Tiny { vocab: 40, ..TINY };
    parse_config(Path::new("config.json"), &tiny_config(&t), 4).expect("valid")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_safetensors_never_panic(cut in 0usize..4000, flips in proptest::collection::vec((0usize..3000, any::<u8>()), 0..6)) {
        let mut b = tiny_bytes().clone();
        for (at, v) in flips {
            let i = at % b.len();
            b[i] ^= v | 1;
        }
        if cut < b.len() && cut % 3 == 0 {
            b.truncate(cut);
        }
        let path = Path::new("ck/model.safetensors");
        match parse_weights(path, &b, dims()) {
            Ok(_) => {}
            Err(e) => {
                let s = e.to_string();
                prop_assert!(s.contains("ck/model.safetensors"), "{}", s);
            }
        }
    }

    #[test]
    fn corrupted_configs_never_panic(cut in 0usize..400, at in 0usize..400, v in any::<u8>()) {
        let mut b = tiny_config(&TINY).into_bytes();
        let i = at % b.len();
        b[i] = v;
        b.truncate(cut.max(1));
        let text = String::from_utf8_lossy(&b);
        if let Err(e) = parse_config(Path::new("x/config.json"), &text, 4) {
            prop_assert!(e.to_string().contains("x/config.json"), "{}", e);
        }
    }
}

/// A small valid package to corrupt, written once.
fn package_dir() -> &'static std::path::PathBuf {
    static D: OnceLock<std::path::PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-fuzz");
        let ck = base.join("ck");
        import_support::write_tiny(&ck, "", false);
        let mut opts = import_support::options(&ck, &base.join("pkg"), Default::default());
        opts.text = Some("a short line of text".into());
        opts.frac_in = 8..=12;
        opts.force = true;
        spikelm_hw::import::import(&opts).expect("imports");
        base.join("pkg")
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("sites")).expect("mkdir");
    for sub in ["", "sites"] {
        for e in std::fs::read_dir(from.join(sub))
            .expect("ls")
            .filter_map(|e| e.ok())
        {
            if e.path().is_file() {
                std::fs::copy(e.path(), to.join(sub).join(e.file_name())).expect("copy");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_packages_never_panic(file in 0usize..25, cut in 0usize..2000, at in 0usize..2000, v in any::<u8>()) {
        let src = package_dir();
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("pkg");
        copy_dir(src, &dir);
        let mut files: Vec<_> = std::iter::once(dir.join("package.toml"))
            .chain(std::fs::read_dir(dir.join("sites")).expect("ls").filter_map(|e| e.ok()).map(|e| e.path()))
            .collect();
        files.sort();
        let target = &files[file % files.len()];
        let mut b = std::fs::read(target).expect("read");
        let i = at % b.len().max(1);
        if !b.is_empty() { b[i] ^= v | 1; }
        if cut % 2 == 0 { b.truncate(cut % (b.len() + 1)); }
        std::fs::write(target, &b).expect("write");
        if let Err(e) = Package::read(&dir) {
            let s = e.to_string();
            let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let base = name.split(".npy").next().unwrap_or(name).rsplit_once('.').map_or(name, |(a, _)| a);
            prop_assert!(s.contains("package.toml") || s.contains(base), "{} ({})", s, name);
        }
    }
}
