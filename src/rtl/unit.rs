//! A generated Verilog unit: its module name, role, template, reference, and the
//! configurations it is part of (the table of every unit is `units.rs`). Rendering is deterministic: same context, same bytes.

use super::RtlError;

/// Which engines contain a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    All,
    /// Only the ternary-spike engine (not the int8_mac baseline).
    Ternary,
    /// Only the ternary engine with `array.adder = ecp5_ccu2c` (the CCU2C simulation model).
    Ecp5Ccu2c,
    /// Only engines with a true multiplier (`spikelm_mul18`): an exact amplitude multiplier
    /// (`alpha_mode = exact`) or the INT8 PE's multiply-accumulate.
    Multiplier,
    /// The output-stationary array's units: every engine but a weight-stationary one.
    OutputStationary,
    /// The output-stationary ternary PE's adder: the ternary engine, output-stationary.
    OutputStationaryTernary,
    /// The weight-stationary array's units: part of an engine with `array.dataflow =
    /// weight_stationary` (under `rtl/`), written under `standalone/` for every other.
    WeightStationary,
    /// Not yet part of any engine (the non-linear units of the encoder layer): written under
    /// `standalone/`, never in `files.f`; linted, co-simulated and synthesized on their own.
    Standalone,
    /// Every engine, as a verification checker: written under `formal/`, never in `files.f`, so
    /// neither synthesis nor the co-simulation build reads it.
    Checker,
}

#[derive(Debug, Clone, Copy)]
pub struct Unit {
    /// Verilog module name; the file is `rtl/<module>.v`.
    pub module: &'static str,
    pub role: &'static str,
    pub applies: Applies,
    pub template: &'static str,
    /// What the unit is checked against: its reference model file (first word), or how else.
    pub reference: &'static str,
}

impl Unit {
    pub fn file_name(&self) -> String {
        format!("{}.v", self.module)
    }

    /// Whether the unit is a verification checker (not part of the engine).
    pub fn is_checker(&self) -> bool {
        self.applies == Applies::Checker
    }

    /// Whether the unit is part of this engine (in `files.f`).
    pub fn in_engine(&self, ctx: &super::RtlContext) -> bool {
        match self.applies {
            Applies::Checker | Applies::Standalone => false,
            Applies::WeightStationary => ctx.ws.is_some(),
            _ => true,
        }
    }

    /// Path of the unit's file in the generated tree: `rtl/` for the engine, `formal/` for
    /// checkers, `standalone/` for units this engine does not instantiate.
    pub fn path(&self, ctx: &super::RtlContext) -> String {
        let dir = match self.applies {
            Applies::Checker => "formal",
            _ if self.in_engine(ctx) => "rtl",
            _ => "standalone",
        };
        format!("{dir}/{}", self.file_name())
    }

    pub fn present(&self, ctx: &super::RtlContext) -> bool {
        match self.applies {
            Applies::All | Applies::Checker | Applies::Standalone | Applies::WeightStationary => {
                true
            }
            Applies::Ternary => !ctx.int8,
            Applies::OutputStationary => ctx.ws.is_none(),
            Applies::OutputStationaryTernary => ctx.ws.is_none() && !ctx.int8,
            Applies::Ecp5Ccu2c => ctx.ccu2c,
            Applies::Multiplier => !ctx.csd || ctx.int8,
        }
    }

    /// Render the template body (without the file header).
    pub fn render(&self, ctx: &tera::Context) -> Result<String, RtlError> {
        let body =
            tera::Tera::one_off(self.template, ctx, false).map_err(|e| RtlError::Template {
                template: self.module.to_string(),
                message: tera_message(&e),
            })?;
        Ok(tidy(&body))
    }
}

/// The full chain of a tera error, which otherwise only says "Failed to render".
fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// Strip trailing spaces and collapse runs of blank lines left by template tags.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Configurations the unit tests render every unit for.
#[cfg(test)]
pub fn test_configs() -> Vec<(String, crate::config::Params)> {
    use crate::config::Params;
    let sets: [(&str, &[&str]); 6] = [
        ("tiny", &[]),
        ("tiny-csd2", &["alpha_mode=csd:2"]),
        ("tiny-pow2", &["alpha_mode=pow2"]),
        ("tiny-int8", &["array.pe=int8_mac"]),
        ("tiny-12x4", &["array=12x4", "model.seq_len=96"]),
        ("tiny-ccu2c", &["array.adder=ecp5_ccu2c"]),
    ];
    sets.iter()
        .map(|(name, s)| {
            let p = Params::preset_with("spikelm-bert-tiny", s).expect("test configuration");
            (name.to_string(), p)
        })
        .collect()
}

/// Render one unit for every test configuration it is part of.
#[cfg(test)]
pub fn render_for_tests(unit: &Unit) -> Vec<(String, String)> {
    test_configs()
        .into_iter()
        .filter_map(|(name, p)| {
            let ctx = super::context::RtlContext::new(&p).expect("context");
            if !unit.present(&ctx) {
                return None;
            }
            let tctx = ctx.tera().expect("template context");
            let text = unit.render(&tctx).expect("render");
            assert!(!text.contains("{{"), "{name}: unrendered tag");
            Some((name, text))
        })
        .collect()
}
