//! `sim --package`: a real site's activations and weights replayed through the RTL, bit-exact
//! under random stalls: per-tensor and per-channel (a scale code per time step and column)
//! sites, query/key/value each on its own, on a tiny synthetic checkpoint and on the real
//! all-MiniLM-L6-v2.

mod import_support;
mod sim_support;

use spikelm_hw::config::LayerKind;
use spikelm_hw::config::Params;
use spikelm_hw::import::replay::site_stimulus;
use spikelm_hw::import::{import, Package};
use spikelm_hw::model::encoder::site::WeightScale;
use spikelm_hw::model::encoder::Site;
use spikelm_hw::sim::stimulus::LayerStimulus;
use spikelm_hw::sim::{self, Case, SimReport};

fn package(dir: &std::path::Path, mode: WeightScale) -> Package {
    let ck = dir.join("ck");
    import_support::write_tiny(&ck, "bert.", false);
    let out = dir.join(format!("pkg-{mode}"));
    import(&import_support::options(&ck, &out, mode)).expect("imports");
    Package::read(&out).expect("reads")
}

const TEXT: &str = "A small model runs a sentence of ordinary English through every site.";

/// Co-simulate a replayed stimulus: the random case's 20 % stalls on every stream, plus a
/// stall-free run whose CYCLES must equal the cycle model.
fn replay(params: &Params, stim: LayerStimulus, name: &str) -> SimReport {
    let mut opts = sim_support::options(
        params,
        name,
        &[Case::Random, Case::ZeroInput],
        &[stim.layer.kind],
        Some(stim.tokens as u32),
    );
    opts.stimulus = Some(stim);
    let report = sim::run(params, &opts).expect("runs");
    sim_support::assert_passed(&report);
    sim_support::assert_cycles_match_model(&report);
    assert!(
        report.runs.iter().any(|r| r.stall > 0.0) && report.runs.iter().any(|r| r.stall == 0.0)
    );
    report
}

#[test]
fn real_activations_replay_bit_exactly_per_tensor() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = package(tmp.path(), WeightScale::PerTensor);
    let (params, stim) = site_stimulus(&pkg, None, TEXT, 0, Site::FfnOut, None).expect("stimulus");
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
fn per_channel_sites_and_query_key_value_replay_bit_exactly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pkg = package(tmp.path(), WeightScale::PerChannel);
    for site in [Site::FfnIn, Site::Query, Site::Value] {
        let q = pkg.site(0, site).expect("site");
        assert!(
            !q.is_per_tensor(),
            "{}: the columns' scales differ",
            site.name()
        );
        let (params, stim) = site_stimulus(&pkg, None, TEXT, 0, site, None).expect("stimulus");
        // Query, key and value each run alone on the attn_out shape (Din = Dout = hidden).
        let kind = if site == Site::FfnIn {
            LayerKind::FfnIn
        } else {
            LayerKind::AttnOut
        };
        assert_eq!(stim.layer.kind, kind);
        assert_eq!(stim.scale, q.scale_codes);
        let report = replay(&params, stim, &format!("sim_package_{}", site.name()));
        assert!(report.runs[0].compared.outputs > 0);
    }
    let e = site_stimulus(&pkg, None, TEXT, 3, Site::FfnIn, None)
        .expect_err("no layer 3")
        .to_string();
    assert!(e.contains("layer 3"), "{e}");
}

/// The real checkpoint, a few tokens each: layer 1's FFN-out (the outlier columns that need
/// per-channel scales) and layer 0's query, both at F_in = 15 so they share one engine build.
#[test]
fn minilm_per_channel_sites_replay_bit_exactly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("pkg");
    import(&import_support::options(
        &import_support::minilm(),
        &out,
        WeightScale::PerChannel,
    ))
    .expect("imports");
    let pkg = Package::read(&out).expect("reads");
    for (layer, site) in [(1, Site::FfnOut), (0, Site::Query)] {
        let q = pkg.site(layer, site).expect("site");
        assert!(!q.is_per_tensor());
        let (params, stim) =
            site_stimulus(&pkg, None, TEXT, layer, site, Some(2)).expect("stimulus");
        assert_eq!(params.format().frac_bits, q.format.frac_bits);
        assert!(stim.tokens <= 2 && stim.x.iter().any(|&v| v != 0));
        let name = format!("sim_package_minilm_{layer}_{}", site.name());
        replay(&params, stim, &name);
    }
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
        full: false,
        cache_dir: None,
        fallback_fmax_mhz: 100.0,
        fallback_firing_rate: 0.99,
        headline: false,
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
