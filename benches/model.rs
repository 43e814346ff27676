//! Benchmarks of the bit-accurate SpikeLinear at the two BERT-base FFN shapes (T = 4, N = 128,
//! 768 → 3072 and 3072 → 768), then, in the same run, a side-by-side with NumPy float32 doing the
//! same forward pass (`bench/numpy_spike_linear.py`) and the spike fidelity of the alpha modes.
//!
//! `cargo bench --bench model`. The Python used is `$SPIKELM_PYTHON`, else `.venv/bin/python` if
//! it exists, else `python3`.

use criterion::{black_box, Criterion};
use ndarray::{Array2, Array3};
use spikelm_hw::config::{preset, AlphaMode, NumericFormat};
use spikelm_hw::model::calibrate::{alphas_from_data, fidelity, quantise_layer, with_mode};
use spikelm_hw::model::gauss::Gauss;
use spikelm_hw::model::SpikeLinear;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SHAPES: [(usize, usize); 2] = [(768, 3072), (3072, 768)];
const T: usize = 4;
const N: usize = 128;

fn format() -> NumericFormat {
    preset("spikelm-bert-base").expect("preset exists").format
}

/// A calibrated layer on Gaussian inputs and weights, and its input codes.
fn layer(din: usize, dout: usize) -> (SpikeLinear, Array3<i64>) {
    let mut g = Gauss::new(1);
    let x = Array3::from_shape_fn((T, N, din), |_| g.normal());
    let w = Array2::from_shape_fn((dout, din), |_| 0.02 * g.normal());
    let f = format();
    let q = quantise_layer(x.view(), w.view(), None, None, &f, 40).expect("valid layer");
    (q.spike_linear(&f).expect("valid layer"), q.x)
}

fn median_ms(mut run: impl FnMut(), repeats: usize) -> f64 {
    run(); // warm-up
    let mut ms: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

fn python() -> String {
    if let Ok(p) = std::env::var("SPIKELM_PYTHON") {
        return p;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        venv.display().to_string()
    } else {
        "python3".to_string()
    }
}

fn numpy_ms(din: usize, dout: usize, threads: Option<usize>) -> Result<f64, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/numpy_spike_linear.py");
    let py = python();
    let mut cmd = Command::new(&py);
    if let Some(n) = threads {
        cmd.env("OPENBLAS_NUM_THREADS", n.to_string())
            .env("OMP_NUM_THREADS", n.to_string());
    }
    let out = cmd
        .arg(&script)
        .args(["--t", &T.to_string(), "--n", &N.to_string()])
        .args(["--din", &din.to_string(), "--dout", &dout.to_string()])
        .output()
        .map_err(|e| format!("cannot run {py}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{py} {}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    v["median_ms"]
        .as_f64()
        .ok_or_else(|| "no median_ms in the script's output".into())
}

fn bench_spike_linear(c: &mut Criterion) {
    let mut group = c.benchmark_group("spike_linear");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(8));
    for (din, dout) in SHAPES {
        let (sl, x) = layer(din, dout);
        group.bench_function(format!("T{T}_N{N}_{din}x{dout}"), |b| {
            b.iter(|| black_box(sl.run(black_box(x.view())).expect("valid")))
        });
    }
    group.finish();
}

/// Medians of 15 runs each, Rust then NumPy, with every core and then with one thread each
/// (the single-threaded figures are steadier on a shared machine).
fn compare_with_numpy() {
    for threads in [None, Some(1)] {
        let label = threads.map_or("all cores".to_string(), |n| format!("{n} thread"));
        match threads {
            Some(n) => std::env::set_var("SPIKELM_THREADS", n.to_string()),
            None => std::env::remove_var("SPIKELM_THREADS"),
        }
        println!("\n[{label}] shape (T N Din Dout)   rust_ms  numpy_ms  ratio(rust/numpy)");
        for (din, dout) in SHAPES {
            let (sl, x) = layer(din, dout);
            let rust = median_ms(
                || {
                    black_box(sl.run(x.view()).expect("valid"));
                },
                15,
            );
            let shape = format!("{T} {N} {din:4} {dout:4}");
            match numpy_ms(din, dout, threads) {
                Ok(np) => println!("{shape:>32}  {rust:7.2}  {np:8.2}  {:.2}", rust / np),
                Err(e) => println!("{shape:>32}  {rust:7.2}  (numpy not run: {e})"),
            }
        }
    }
    std::env::remove_var("SPIKELM_THREADS");
}

fn print_fidelity() {
    let f = format();
    let mut g = Gauss::new(2);
    let x = Array3::from_shape_fn((T, N, 768), |_| g.normal());
    let alphas = alphas_from_data(x.view(), f.frac_bits).expect("finite");
    println!(
        "\nspike agreement on Gaussian inputs (T {T}, N {N}, Din 768, F {})",
        f.frac_bits
    );
    println!("mode     vs_exact  vs_float");
    for mode in [
        AlphaMode::Exact,
        AlphaMode::Csd(3),
        AlphaMode::Csd(2),
        AlphaMode::Pow2,
    ] {
        let r = fidelity(x.view(), &alphas, &with_mode(&f, mode)).expect("valid");
        println!(
            "{:8} {:8.4}%  {:7.4}%",
            mode.to_string(),
            100.0 * r.mode_vs_exact,
            100.0 * r.mode_vs_float
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_spike_linear(&mut c);
    c.final_summary();
    compare_with_numpy();
    print_fidelity();
}
