//! `fit`: the largest array and token residency that place and route on a target at a clock.
//!
//! The search is separate from the tools: it asks an [`Evaluator`] three questions per
//! candidate, cheapest first, and only a candidate that passes the first two reaches place and
//! route:
//!
//! 1. [`Evaluator::check`]: does the configuration validate, and do its buffers fit the target's
//!    block RAM (`flow::check_block_ram_budget`)? No tool runs.
//! 2. [`Evaluator::synthesize`]: synthesis only; do the LUT4-equivalents, flip-flops, DSPs and
//!    block RAMs it counts fit the part (an engine whose DSPs run out is synthesized again
//!    with LUT multipliers)?
//! 3. [`Evaluator::place`]: place and route; the candidate passes when the routed Fmax reaches
//!    the asked clock.
//!
//! The ladder (phase 1, array): from the starting array, double the columns, then the rows,
//! alternately (8×8, 8×16, 16×16, 16×32, 32×32, 32×64, …); the first failure of an axis freezes
//! that axis, and the search ends when both are frozen. With every candidate passing this is
//! exactly the ladder above; when one axis fails first the result is non-square. Phase 1 holds
//! no extra tokens (`array.resident_tokens = 0`, the smallest buffers). Phase 2 grows the token
//! residency on the largest array found: two row blocks of tokens (one is the same hardware as
//! 0), then doubling, up to the sequence, stopping at the first failure.
//!
//! Monotonicity is assumed: a candidate larger than a failed one on the same axis is not tried.
//! Area and block RAM grow with the array, so a resource failure is final; Fmax does not fall
//! strictly with size — placement noise moves it by about ±10 MHz between seeds and sizes — so
//! a candidate that misses the clock by less than [`NOISE_MHZ`] is marked as within the noise,
//! and a larger array may still route at the clock with another seed (`--seed`).

pub mod evaluate;
pub mod report;

use serde::Serialize;

/// Placement noise of nextpnr's Fmax between seeds and neighbouring sizes, MHz.
pub const NOISE_MHZ: f64 = 10.0;

/// Largest `array.rows` / `array.cols` the configuration accepts.
pub const MAX_SIDE: u32 = 256;

/// One point of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub rows: u32,
    pub cols: u32,
    pub resident_tokens: u32,
}

impl Candidate {
    pub fn array(&self) -> String {
        format!("{}x{}", self.rows, self.cols)
    }
}

/// What synthesis counted for a candidate, and in which form it was built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resources {
    pub lut4_equiv: u64,
    pub ffs: u64,
    pub dsp: u64,
    pub bram: u64,
    /// `DSP` or `LUT multipliers`.
    pub form: String,
}

/// A candidate refused before place and route, with what was known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub resources: Option<Resources>,
    pub why: String,
}

/// The three questions the search asks of a candidate, cheapest first.
pub trait Evaluator {
    /// Configuration rules and the block-RAM budget; no tool runs. `Err` says why not.
    fn check(&mut self, c: &Candidate) -> Result<(), String>;
    /// Synthesis only, its counts against the part.
    fn synthesize(&mut self, c: &Candidate) -> Result<Resources, Rejection>;
    /// Place and route the candidate as synthesized; the routed Fmax in MHz, or why it failed.
    fn place(&mut self, c: &Candidate, r: &Resources) -> Result<f64, String>;
}

/// How far a candidate got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Check,
    Synthesis,
    PlaceAndRoute,
}

/// One tried candidate, as the table shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tried {
    pub candidate: Candidate,
    pub reached: Stage,
    pub resources: Option<Resources>,
    pub fmax_mhz: Option<f64>,
    pub passed: bool,
    pub why: String,
}

/// What the search is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    /// The first array of the ladder.
    pub start: (u32, u32),
    /// Rows per token: T for the ternary engine ((token, time step) rows), 1 for INT8.
    pub rows_per_token: u32,
    pub seq_len: u32,
    pub clock_mhz: f64,
    /// At most this many candidates reach place and route (cached results count too).
    pub max_runs: usize,
}

/// The search's answer: every candidate tried, in order, and the best.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub tried: Vec<Tried>,
    /// Index into `tried` of the largest passing candidate (most PEs, then most tokens).
    pub best: Option<usize>,
    /// The search stopped early: a candidate needed place and route after `max_runs` runs.
    pub stopped_by_max_runs: bool,
}

impl Fit {
    pub fn best(&self) -> Option<&Tried> {
        self.best.and_then(|i| self.tried.get(i))
    }
}

struct Search<'a> {
    ev: &'a mut dyn Evaluator,
    space: &'a Space,
    tried: Vec<Tried>,
    runs: usize,
    /// A candidate was left untried because the run budget was spent.
    out_of_runs: bool,
    progress: &'a mut dyn FnMut(&Tried),
}

impl Search<'_> {
    fn budget_left(&self) -> bool {
        self.runs < self.space.max_runs
    }

    /// Try one candidate through the three stages; `None` when the run budget is spent before
    /// synthesis (the candidate is then not recorded).
    fn try_one(&mut self, c: Candidate) -> Option<bool> {
        if let Some(t) = self.tried.iter().find(|t| t.candidate == c) {
            return Some(t.passed);
        }
        let t = match self.ev.check(&c) {
            Err(why) => Tried {
                candidate: c,
                reached: Stage::Check,
                resources: None,
                fmax_mhz: None,
                passed: false,
                why,
            },
            // Synthesis serves only place and route: without a run left, stop before it.
            Ok(()) if !self.budget_left() => {
                self.out_of_runs = true;
                return None;
            }
            Ok(()) => match self.ev.synthesize(&c) {
                Err(r) => Tried {
                    candidate: c,
                    reached: Stage::Synthesis,
                    resources: r.resources,
                    fmax_mhz: None,
                    passed: false,
                    why: r.why,
                },
                Ok(res) => {
                    self.runs += 1;
                    let placed = self.ev.place(&c, &res);
                    let clock = self.space.clock_mhz;
                    let (passed, why) = match &placed {
                        Err(why) => (false, why.clone()),
                        Ok(f) if *f >= clock => (true, format!("routes at {clock} MHz")),
                        Ok(f) if clock - f < NOISE_MHZ => (
                            false,
                            format!(
                                "Fmax {f:.1} < {clock} MHz (within the ±{NOISE_MHZ} MHz placement noise)"
                            ),
                        ),
                        Ok(f) => (false, format!("Fmax {f:.1} < {clock} MHz")),
                    };
                    Tried {
                        candidate: c,
                        reached: Stage::PlaceAndRoute,
                        resources: Some(res),
                        fmax_mhz: placed.ok(),
                        passed,
                        why,
                    }
                }
            },
        };
        (self.progress)(&t);
        let passed = t.passed;
        self.tried.push(t);
        Some(passed)
    }

    /// Phase 1: grow columns and rows alternately from the start; the best passing array.
    fn arrays(&mut self) -> Option<Candidate> {
        let (r, c) = self.space.start;
        let mut best = Candidate {
            rows: r,
            cols: c,
            resident_tokens: 0,
        };
        if self.try_one(best) != Some(true) {
            return None;
        }
        // [columns frozen, rows frozen]
        let mut frozen = [false, false];
        let mut axis = 0;
        while !(frozen[0] && frozen[1]) {
            if !frozen[axis] {
                let mut next = best;
                let side = if axis == 0 {
                    &mut next.cols
                } else {
                    &mut next.rows
                };
                *side = side.saturating_mul(2);
                if *side > MAX_SIDE {
                    frozen[axis] = true;
                } else {
                    match self.try_one(next) {
                        None => break,
                        Some(true) => best = next,
                        Some(false) => frozen[axis] = true,
                    }
                }
            }
            axis = 1 - axis;
        }
        Some(best)
    }

    /// Phase 2: the token residency ladder on `array`: two row blocks (one row block is the
    /// engine without a weight buffer, the same hardware as 0), doubling, the sequence.
    fn residency(&mut self, array: Candidate) {
        let per_block = (array.rows / self.space.rows_per_token.max(1)).max(1);
        let seq = self.space.seq_len;
        let mut ladder = Vec::new();
        let mut n = per_block.saturating_mul(2);
        while n < seq {
            ladder.push(n);
            n = n.saturating_mul(2);
        }
        ladder.push(seq);
        for tokens in ladder {
            let c = Candidate {
                resident_tokens: tokens,
                ..array
            };
            if self.try_one(c) != Some(true) {
                break;
            }
        }
    }
}

/// Search `space` with `ev`; `progress` sees each candidate as it is decided.
pub fn search(ev: &mut dyn Evaluator, space: &Space, progress: &mut dyn FnMut(&Tried)) -> Fit {
    let mut s = Search {
        ev,
        space,
        tried: Vec::new(),
        runs: 0,
        out_of_runs: false,
        progress,
    };
    if let Some(array) = s.arrays() {
        s.residency(array);
    }
    let size = |t: &Tried| {
        (
            u64::from(t.candidate.rows) * u64::from(t.candidate.cols),
            t.candidate.resident_tokens,
        )
    };
    let best = s
        .tried
        .iter()
        .enumerate()
        .filter(|(_, t)| t.passed)
        .max_by_key(|(_, t)| size(t))
        .map(|(i, _)| i);
    Fit {
        tried: s.tried,
        best,
        stopped_by_max_runs: s.out_of_runs,
    }
}

#[cfg(test)]
mod tests;
