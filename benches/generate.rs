//! Generation speed: `cargo bench --bench generate`.

use criterion::{criterion_group, criterion_main, Criterion};
use spikelm_hw::config::Params;
use spikelm_hw::rtl;

fn generate(c: &mut Criterion) {
    for (name, preset) in [
        ("base_16x16", "spikelm-bert-base"),
        ("tiny_8x8", "spikelm-bert-tiny"),
    ] {
        let p = Params::load(preset, None, &[]).expect("preset");
        c.bench_function(&format!("generate {name}"), |b| {
            b.iter(|| rtl::generate(std::hint::black_box(&p)).expect("generate"))
        });
    }
}

criterion_group!(benches, generate);
criterion_main!(benches);
