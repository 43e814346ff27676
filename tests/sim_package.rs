//! `sim --package`: a real site's activations and weights replayed through the RTL, bit-exact;
//! per-channel sites refused with a clear error until the RTL has a per-column scale.

mod import_support;
mod sim_support;

use spikelm_hw::config::LayerKind;
use spikelm_hw::import::replay::site_stimulus;
use spikelm_hw::import::{import, Package};
use spikelm_hw::model::encoder::site::WeightScale;
use spikelm_hw::model::encoder::Site;
use spikelm_hw::sim::{self, Case};

fn package(dir: &std::path::Path, mode: WeightScale) -> Package {
    let ck = dir.join("ck");
    import_support::write_tiny(&ck, "bert.", false);
    let out = dir.join(format!("pkg-{mode}"));
    import(&import_support::options(&ck, &out, mode)).expect("imports");
    Package::read(&out).expect("reads")
}

const TEXT: &str = "A small model runs a sentence of ordinary English through every site.";

#[test]
fn real_activations_replay_bit_exactly_per_tensor() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = package(tmp.path(), WeightScale::PerTensor);
    let (params, stim) = site_stimulus(&pkg, None, TEXT, 0, Site::FfnOut).expect("stimulus");
    let site = pkg.site(0, Site::FfnOut).expect("site");
    assert_eq!(params.format().frac_bits, site.format.frac_bits);
    assert_eq!(stim.layer.kind, LayerKind::FfnOut);
    assert!(stim.tokens >= 2 && stim.x.iter().any(|&v| v != 0));
    let mut opts = sim_support::options(
        &params,
        "sim_package",
        &[Case::Random],
        &[LayerKind::FfnOut],
        Some(stim.tokens as u32),
    );
    opts.stimulus = Some(stim);
    let report = sim::run(&params, &opts).expect("runs");
    sim_support::assert_passed(&report);
    assert!(report.runs[0].compared.spikes > 0);
}

#[test]
fn per_channel_sites_and_fused_qkv_are_refused_with_the_remedy() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = package(tmp.path(), WeightScale::PerChannel);
    let e = site_stimulus(&pkg, None, TEXT, 0, Site::FfnIn)
        .expect_err("per channel")
        .to_string();
    assert!(
        e.contains("per-channel") && e.contains("--weight-scale per-tensor"),
        "{e}"
    );
    let e = site_stimulus(&pkg, None, TEXT, 0, Site::Query)
        .expect_err("fused")
        .to_string();
    assert!(e.contains("fused"), "{e}");
    let e = site_stimulus(&pkg, None, TEXT, 3, Site::FfnIn)
        .expect_err("no layer 3")
        .to_string();
    assert!(e.contains("layer 3"), "{e}");
}

#[test]
fn flow_estimates_with_the_real_firing_rates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = package(tmp.path(), WeightScale::PerChannel);
    let rates = spikelm_hw::import::evaluate::real_firing_rates(&pkg, None, TEXT).expect("rates");
    assert_eq!(rates.sites.len(), 6);
    assert!(rates
        .sites
        .iter()
        .all(|(_, _, r)| r.len() == 4 && r.iter().all(|v| (0.0..=1.0).contains(v))));
    let overall = rates.overall().expect("some sites");
    let opts = spikelm_hw::flow::FlowOptions {
        out: tmp.path().join("flow"),
        force: false,
        target: "gates".parse().expect("target"),
        sim_tokens: None,
        seed: 1,
        skip_sim: true,
        skip_synth: true,
        int8: false,
        fallback_fmax_mhz: 100.0,
        fallback_firing_rate: 0.99,
    };
    let report = spikelm_hw::flow::run_with_rates(&pkg.params, &opts, Some(rates), &mut |_| {})
        .expect("runs");
    assert_eq!(report.perf.firing_rate, overall);
    let md = std::fs::read_to_string(tmp.path().join("flow/report.md")).expect("report");
    assert!(
        md.contains("Firing rates on real text") && md.contains("0.ffn_out"),
        "{md}"
    );
}
