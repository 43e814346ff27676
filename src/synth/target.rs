//! Synthesis targets and the resources of their devices (sources in docs/synthesis.md).

use super::error::SynthError;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// FPGA family, which selects the Yosys synthesis command and the nextpnr binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Ecp5,
    Ice40,
    /// Generic CMOS gates (no place and route).
    Gates,
}

/// A place-and-route (or gate-estimate) target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    #[serde(rename = "ecp5-25k")]
    Ecp5_25k,
    #[serde(rename = "ecp5-45k")]
    Ecp5_45k,
    #[serde(rename = "ecp5-85k")]
    Ecp5_85k,
    #[serde(rename = "ice40-up5k")]
    Ice40Up5k,
    #[serde(rename = "ice40-hx8k")]
    Ice40Hx8k,
    #[serde(rename = "gates")]
    Gates,
}

/// Resources of one device in the package the flow places on. Figures are the vendor data
/// sheets' (LUTs also as nextpnr's chip database counts them); see docs/synthesis.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub part: &'static str,
    pub package: &'static str,
    pub luts: u32,
    /// Block RAMs and the bits of one.
    pub bram_blocks: u32,
    pub bram_kbits_each: u32,
    /// Hard multipliers (ECP5 MULT18X18D, iCE40 SB_MAC16).
    pub dsp_blocks: u32,
    pub dsp_kind: &'static str,
    /// User I/O pins of the package.
    pub package_io: u32,
}

/// A resource a design needs beyond its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overuse {
    pub resource: &'static str,
    pub needed: u64,
    pub budget: u64,
}

impl Device {
    /// The first resource a design exceeds, if any: its logic (`(name, count)`: LUT4-eq on
    /// ECP5, logic cells on iCE40), flip-flops (one per LUT), DSPs, block RAMs.
    pub fn overuse(
        &self,
        logic: (&'static str, u64),
        ffs: u64,
        dsp: u64,
        bram: u64,
    ) -> Option<Overuse> {
        [
            (logic.0, logic.1, self.luts),
            ("flip-flops", ffs, self.luts),
            (self.dsp_kind, dsp, self.dsp_blocks),
            ("block RAMs", bram, self.bram_blocks),
        ]
        .into_iter()
        .find(|&(_, needed, budget)| needed > u64::from(budget))
        .map(|(resource, needed, budget)| Overuse {
            resource,
            needed,
            budget: u64::from(budget),
        })
    }
}

impl Target {
    pub const ALL: [Target; 6] = [
        Target::Ecp5_25k,
        Target::Ecp5_45k,
        Target::Ecp5_85k,
        Target::Ice40Up5k,
        Target::Ice40Hx8k,
        Target::Gates,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Ecp5_25k => "ecp5-25k",
            Target::Ecp5_45k => "ecp5-45k",
            Target::Ecp5_85k => "ecp5-85k",
            Target::Ice40Up5k => "ice40-up5k",
            Target::Ice40Hx8k => "ice40-hx8k",
            Target::Gates => "gates",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Target::Ecp5_25k | Target::Ecp5_45k | Target::Ecp5_85k => Family::Ecp5,
            Target::Ice40Up5k | Target::Ice40Hx8k => Family::Ice40,
            Target::Gates => Family::Gates,
        }
    }

    /// Clock the flow asks nextpnr for when none is given, in MHz (the project's Fmax goals).
    pub fn default_clock_mhz(self) -> f64 {
        match self.family() {
            Family::Ecp5 => 250.0,
            Family::Ice40 => 50.0,
            Family::Gates => 0.0,
        }
    }

    /// The device and package, `None` for the gate estimate.
    pub fn device(self) -> Option<Device> {
        let ecp5 = |part, luts, ebr, mults, io| Device {
            part,
            package: "CABGA381",
            luts,
            bram_blocks: ebr,
            bram_kbits_each: 18,
            dsp_blocks: mults,
            dsp_kind: "MULT18X18D",
            package_io: io,
        };
        match self {
            Target::Ecp5_25k => Some(ecp5("LFE5U-25F", 24_288, 56, 28, 197)),
            Target::Ecp5_45k => Some(ecp5("LFE5U-45F", 43_848, 108, 72, 203)),
            Target::Ecp5_85k => Some(ecp5("LFE5U-85F", 83_640, 208, 156, 205)),
            Target::Ice40Up5k => Some(Device {
                part: "iCE40UP5K",
                package: "SG48",
                luts: 5_280,
                bram_blocks: 30,
                bram_kbits_each: 4,
                dsp_blocks: 8,
                dsp_kind: "SB_MAC16",
                package_io: 39,
            }),
            Target::Ice40Hx8k => Some(Device {
                part: "iCE40HX8K",
                package: "CT256",
                luts: 7_680,
                bram_blocks: 32,
                bram_kbits_each: 4,
                dsp_blocks: 0,
                dsp_kind: "none",
                package_io: 206,
            }),
            Target::Gates => None,
        }
    }

    /// nextpnr's device and package arguments; `speed` is the ECP5 speed grade (6, 7 or 8).
    pub fn nextpnr_device_args(self, speed: SpeedGrade) -> Vec<String> {
        let v: &[&str] = match self {
            Target::Ecp5_25k => &["--25k", "--package", "CABGA381"],
            Target::Ecp5_45k => &["--45k", "--package", "CABGA381"],
            Target::Ecp5_85k => &["--85k", "--package", "CABGA381"],
            Target::Ice40Up5k => &["--up5k", "--package", "sg48"],
            Target::Ice40Hx8k => &["--hx8k", "--package", "ct256"],
            Target::Gates => &[],
        };
        let mut a: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        if self.family() == Family::Ecp5 {
            a.push("--speed".into());
            a.push(speed.0.to_string());
        }
        a
    }

    /// nextpnr's placer settings for this target, beside the device arguments in every place
    /// and route (`synth` and `board`). ECP5: the heap placer weights timing 4 x its default
    /// (timing weight 40, criticality exponent 4, defaults 10 and 2). The base engine out of
    /// context at grade 6 then placed at 172.2 / 182.2 / 178.3 MHz (seeds 1 / 2 / 3) against
    /// 158.8 / 149.6 / 170.9 with the defaults, the same netlist (docs/synthesis.md, "Placer
    /// settings"). iCE40: the defaults, because the UP5K fit sits at 92 % of its cells and its
    /// legaliser is what decides whether it places at all.
    pub fn nextpnr_placer_args(self) -> Vec<String> {
        let v: &[&str] = match self.family() {
            Family::Ecp5 => &[
                "--placer-heap-timingweight",
                "40",
                "--placer-heap-critexp",
                "4",
            ],
            Family::Ice40 | Family::Gates => &[],
        };
        v.iter().map(|s| s.to_string()).collect()
    }

    fn known() -> String {
        Target::ALL.map(|t| t.name()).join(", ")
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Target {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| SynthError::UnknownTarget(s.to_string(), Target::known()))
    }
}

/// ECP5 speed grade (`--speed` of nextpnr-ecp5): 6 (the ULX3S part), 7 or 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SpeedGrade(pub u8);

impl SpeedGrade {
    pub const DEFAULT: SpeedGrade = SpeedGrade(6);

    /// A grade nextpnr-ecp5 knows.
    pub fn new(grade: u8) -> Result<SpeedGrade, SynthError> {
        if (6..=8).contains(&grade) {
            Ok(SpeedGrade(grade))
        } else {
            Err(SynthError::Unsupported(format!(
                "speed grade {grade}: ECP5 grades are 6, 7 and 8"
            )))
        }
    }

    /// Highest clock the ECP5 block RAM's minimum clock pulse width allows (prjtrellis timing
    /// database, DESIGN.md section 4): 212 MHz at grade 6, 271 MHz at grade 8; `None` for grade
    /// 7, which the project has not taken from the database. nextpnr does not check it.
    pub fn bram_limit_mhz(self) -> Option<f64> {
        match self.0 {
            6 => Some(212.0),
            8 => Some(271.0),
            _ => None,
        }
    }
}
