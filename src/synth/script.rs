//! Yosys scripts and nextpnr argument lists of the flows. Every path is relative to the work
//! directory (the yowasp builds only see the directory they run in).

use super::target::{Family, SpeedGrade, Target};

/// Yosys synthesis command for a family, with the DSP choice applied.
fn synth_command(family: Family, top: &str, dsp: bool, flatten: bool) -> String {
    let mut cmd = match family {
        Family::Ecp5 => format!("synth_ecp5 -top {top}"),
        Family::Ice40 => format!("synth_ice40 -top {top}"),
        Family::Gates => format!("synth -top {top}"),
    };
    match (family, dsp) {
        (Family::Ecp5, false) => cmd.push_str(" -nodsp"),
        (Family::Ice40, true) => cmd.push_str(" -dsp"),
        _ => {}
    }
    if !flatten && family != Family::Gates {
        cmd.push_str(" -noflatten");
    }
    if flatten && family == Family::Gates {
        cmd.push_str(" -flatten");
    }
    cmd
}

/// The Verilog a script reads: files in compile order and include directories, relative to the
/// work directory.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<String>,
    pub include_dirs: Vec<String>,
}

/// `read_verilog` of every source. On ECP5 the design's block RAMs are the hand-instantiated
/// DP16KD form (`SPIKELM_ECP5_EBR`, output registers on), the exact multipliers the registered
/// MULT18X18D form when DSPs are on (`SPIKELM_ECP5_DSP`), and Yosys' own ECP5 cells (cells_sim
/// and cells_bb) are read first as a library so that `hierarchy -check` finds them (and the
/// CCU2C adder cells, whose simulation model `rtl/CCU2C.v` is skipped under SYNTHESIS) before
/// `synth_ecp5` reads it.
fn read_sources(src: &Sources, family: Family, dsp: bool) -> String {
    let inc: String = src.include_dirs.iter().map(|d| format!(" -I{d}")).collect();
    let mut s = String::new();
    let ccu2c = src
        .files
        .iter()
        .any(|f| f == "CCU2C.v" || f.ends_with("/CCU2C.v"));
    let defines = match (family, dsp) {
        (Family::Ecp5, true) => " -DSPIKELM_ECP5_EBR -DSPIKELM_ECP5_DSP",
        (Family::Ecp5, false) => " -DSPIKELM_ECP5_EBR",
        _ => "",
    };
    if ccu2c || family == Family::Ecp5 {
        s.push_str("read_verilog -lib +/ecp5/cells_sim.v +/ecp5/cells_bb.v\n");
    }
    for f in &src.files {
        s.push_str(&format!("read_verilog -sv{defines}{inc} {f}\n"));
    }
    s
}

/// After a flat synthesis: dissolve the modules kept apart only so that their replicated
/// registers survive opt_merge (`spikelm_rep_reg`), so the netlist is flat for nextpnr.
const FLATTEN_KEPT: &str =
    "setattr -mod -unset keep_hierarchy spikelm_rep_reg\nflatten\nopt_clean\n";

const GATE_MAPPING: &str = "dfflegalize -cell $_DFF_P_ x\nabc -g cmos2\nopt_clean -purge\n";

/// Hierarchical synthesis of `top`, for resources by unit: writes `stat_json`.
pub fn units_script(
    files: &Sources,
    family: Family,
    top: &str,
    dsp: bool,
    stat_json: &str,
) -> String {
    let mut s = read_sources(files, family, dsp);
    s.push_str(&format!("hierarchy -check -top {top}\n"));
    s.push_str(&synth_command(family, top, dsp, false));
    s.push('\n');
    let tech = if family == Family::Gates {
        s.push_str(GATE_MAPPING);
        " -tech cmos"
    } else {
        ""
    };
    s.push_str(&format!("tee -q -o {stat_json} stat -json{tech}\n"));
    s
}

/// Flat synthesis of `top` into `netlist` (FPGA) and `stat_json` (+ `stat_txt` for people).
pub fn flat_script(
    files: &Sources,
    family: Family,
    top: &str,
    dsp: bool,
    netlist: Option<&str>,
    stat_json: &str,
    stat_txt: &str,
) -> String {
    flat_script_with_params(files, family, (top, &[]), dsp, netlist, stat_json, stat_txt)
}

/// [`flat_script`] of `top` with some of its parameters set: `chparam -set` on the module
/// before `hierarchy`. (`hierarchy -chparam` trips an assertion in Yosys 0.70 when the
/// re-derived top instantiates a parametric module only under the new values, as
/// `spikelm_mean_t` does its multipliers for T = 3: "Assert `modules_.count(module->name) ==
/// 0' failed".)
pub fn flat_script_with_params(
    files: &Sources,
    family: Family,
    (top, params): (&str, &[(String, i64)]),
    dsp: bool,
    netlist: Option<&str>,
    stat_json: &str,
    stat_txt: &str,
) -> String {
    let mut s = read_sources(files, family, dsp);
    if params.is_empty() {
        s.push_str(&format!("hierarchy -check -top {top}\n"));
    } else {
        // hierarchy derives the top under the new values as `$paramod…`: give it its name back.
        let set: String = params
            .iter()
            .map(|(k, v)| format!(" -set {k} {v}"))
            .collect();
        s.push_str(&format!(
            "chparam{set} {top}\nhierarchy -check -top {top}\nrename -top {top}\n"
        ));
    }
    s.push_str(&synth_command(family, top, dsp, true));
    s.push('\n');
    s.push_str(FLATTEN_KEPT);
    let tech = if family == Family::Gates {
        s.push_str(GATE_MAPPING);
        " -tech cmos"
    } else {
        ""
    };
    if let Some(n) = netlist {
        s.push_str(&format!("write_json {n}\n"));
    }
    s.push_str(&format!("tee -q -o {stat_txt} stat{tech}\n"));
    s.push_str(&format!("tee -q -o {stat_json} stat -json{tech}\n"));
    s
}

/// nextpnr arguments for one place-and-route run.
pub struct PnrArgs<'a> {
    pub target: Target,
    pub netlist: &'a str,
    pub report: &'a str,
    pub clock_mhz: f64,
    pub seed: u64,
    /// ECP5 speed grade.
    pub speed: SpeedGrade,
    /// `Some(file)`: constrain pins with this LPF/PCF; `None`: out of context (ECP5 only).
    pub pins: Option<&'a str>,
    /// Write the routed configuration (ECP5 text config / iCE40 ASCII bitstream) here.
    pub config_out: Option<&'a str>,
    /// Write the routed delays (SDF) here, for the worst paths per unit (`sta`).
    pub sdf: Option<&'a str>,
}

impl PnrArgs<'_> {
    pub fn to_args(&self) -> Vec<String> {
        let mut a = self.target.nextpnr_device_args(self.speed);
        a.extend(self.target.nextpnr_placer_args());
        let mut push = |x: &str| a.push(x.to_string());
        push("--json");
        push(self.netlist);
        match (self.pins, self.target.family()) {
            (None, _) => push("--out-of-context"),
            (Some(f), Family::Ecp5) => {
                push("--lpf");
                push(f);
            }
            (Some(f), _) => {
                push("--pcf");
                push(f);
            }
        }
        push("--freq");
        push(&format!("{}", self.clock_mhz));
        push("--seed");
        push(&self.seed.to_string());
        push("--timing-allow-fail");
        push("--report");
        push(self.report);
        if let Some(c) = self.config_out {
            push(if self.target.family() == Family::Ecp5 {
                "--textcfg"
            } else {
                "--asc"
            });
            push(c);
        }
        if let Some(f) = self.sdf {
            push("--sdf");
            push(f);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecp5_designs_read_the_ecp5_cells_first_and_use_the_ebr_form() {
        let plain = Sources {
            files: vec!["sub/rtl/spikelm_pe.v".to_string()],
            include_dirs: vec![],
        };
        let ice = read_sources(&plain, Family::Ice40, true);
        assert!(
            !ice.contains("cells_sim") && !ice.contains("SPIKELM_ECP5_EBR"),
            "{ice}"
        );
        let ccu = Sources {
            files: vec![
                "sub/rtl/CCU2C.v".to_string(),
                "sub/rtl/spikelm_pe.v".to_string(),
            ],
            include_dirs: vec![],
        };
        let s = units_script(&ccu, Family::Ecp5, "top", false, "u.json");
        assert!(
            s.starts_with(
                "read_verilog -lib +/ecp5/cells_sim.v +/ecp5/cells_bb.v\n\
                 read_verilog -sv -DSPIKELM_ECP5_EBR sub/rtl/CCU2C.v"
            ),
            "{s}"
        );
    }

    #[test]
    fn ecp5_place_and_route_weights_timing_and_ice40_keeps_the_defaults() {
        let args = |target| {
            PnrArgs {
                target,
                netlist: "n.json",
                report: "r.json",
                clock_mhz: 200.0,
                seed: 1,
                speed: SpeedGrade::DEFAULT,
                pins: None,
                config_out: None,
                sdf: None,
            }
            .to_args()
            .join(" ")
        };
        let ecp5 = args(Target::Ecp5_85k);
        assert!(
            ecp5.contains("--placer-heap-timingweight 40 --placer-heap-critexp 4"),
            "{ecp5}"
        );
        let ice = args(Target::Ice40Up5k);
        assert!(!ice.contains("--placer"), "{ice}");
        assert!(
            ice.contains("--seed 1") && ice.contains("--freq 200"),
            "{ice}"
        );
    }
}
