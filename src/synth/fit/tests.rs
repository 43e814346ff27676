//! The search against fake evaluators: no tools run.

use super::*;

/// A fake chip: a candidate validates when `valid` says so, fits the part when its PEs are at
/// most `max_pes` and its resident tokens at most `max_tokens`, and routes at `fmax(c)`.
struct Fake {
    valid: fn(&Candidate) -> bool,
    max_pes: u32,
    max_tokens: u32,
    fmax: fn(&Candidate) -> f64,
    placed: Vec<Candidate>,
    synthesized: Vec<Candidate>,
}

impl Fake {
    fn new(max_pes: u32, fmax: fn(&Candidate) -> f64) -> Self {
        Fake {
            valid: |_| true,
            max_pes,
            max_tokens: u32::MAX,
            fmax,
            placed: Vec::new(),
            synthesized: Vec::new(),
        }
    }
}

impl Evaluator for Fake {
    fn check(&mut self, c: &Candidate) -> Result<(), String> {
        if !(self.valid)(c) {
            return Err("invalid".into());
        }
        if c.resident_tokens > self.max_tokens {
            return Err("block RAM budget".into());
        }
        Ok(())
    }
    fn synthesize(&mut self, c: &Candidate) -> Result<Resources, Rejection> {
        self.synthesized.push(*c);
        let r = Resources {
            lut4_equiv: u64::from(c.rows * c.cols),
            ffs: 0,
            dsp: 0,
            bram: 0,
            form: "DSP".into(),
        };
        if c.rows * c.cols > self.max_pes {
            return Err(Rejection {
                resources: Some(r),
                why: "too many LUTs".into(),
            });
        }
        Ok(r)
    }
    fn place(&mut self, c: &Candidate, _: &Resources) -> Result<f64, String> {
        self.placed.push(*c);
        Ok((self.fmax)(c))
    }
}

fn space(max_runs: usize) -> Space {
    Space {
        start: (8, 8),
        rows_per_token: 4,
        seq_len: 128,
        clock_mhz: 100.0,
        max_runs,
    }
}

fn arrays(fit: &Fit) -> Vec<String> {
    fit.tried.iter().map(|t| t.candidate.array()).collect()
}

fn run(ev: &mut Fake, space: &Space) -> Fit {
    let mut seen = Vec::new();
    let fit = search(ev, space, &mut |t| seen.push(t.candidate));
    let tried: Vec<Candidate> = fit.tried.iter().map(|t| t.candidate).collect();
    assert_eq!(seen, tried, "progress sees every tried candidate, in order");
    fit
}

#[test]
fn a_monotone_chip_follows_the_ladder_and_freezes_each_axis_at_its_first_failure() {
    // Fits up to 512 PEs, always fast: 8x8, 8x16, 16x16, 16x32 pass; 32x32 (1024 PEs) fails
    // and freezes the rows; 16x64 fails and freezes the columns.
    let mut ev = Fake::new(512, |_| 150.0);
    let fit = run(&mut ev, &space(100));
    let arrays_tried = arrays(&fit);
    assert_eq!(
        arrays_tried[..6],
        ["8x8", "8x16", "16x16", "16x32", "32x32", "16x64"]
    );
    // Phase 2 on 16x32: 4 tokens per row block (T = 4); two blocks, doubling to the sequence.
    let tokens: Vec<u32> = fit.tried[6..]
        .iter()
        .map(|t| t.candidate.resident_tokens)
        .collect();
    assert_eq!(tokens, [8, 16, 32, 64, 128]);
    assert!(fit.tried[6..]
        .iter()
        .all(|t| t.candidate.array() == "16x32"));
    // The best is the largest array with the most tokens.
    let best = fit.best().expect("a fit").candidate;
    assert_eq!((best.rows, best.cols, best.resident_tokens), (16, 32, 128));
    assert!(!fit.stopped_by_max_runs);
    // Candidates over the part never reach place and route.
    assert!(ev.placed.iter().all(|c| c.rows * c.cols <= 512));
    assert_eq!(fit.tried[4].reached, Stage::Synthesis);
}

#[test]
fn a_slow_axis_gives_a_non_square_array() {
    // Every size fits the part, but more than 16 rows misses the clock.
    let mut ev = Fake::new(u32::MAX, |c| if c.rows > 16 { 95.0 } else { 140.0 });
    let fit = run(&mut ev, &space(100));
    let best = fit.best.map(|i| fit.tried[i].candidate).expect("a fit");
    assert_eq!((best.rows, best.cols), (16, 256));
    let slow = fit
        .tried
        .iter()
        .find(|t| t.candidate.rows == 32)
        .expect("32 rows tried");
    assert!(
        !slow.passed && slow.why.contains("within the"),
        "{}",
        slow.why
    );
    assert_eq!(slow.fmax_mhz, Some(95.0));
    // 16 x 512 is beyond the largest side: never tried.
    assert!(fit.tried.iter().all(|t| t.candidate.cols <= MAX_SIDE));
}

#[test]
fn a_non_monotone_chip_is_not_searched_past_a_failure() {
    // 16x16 misses the clock although 16x32 would pass: assuming monotonicity, the search
    // freezes the rows at 8 and never tries 16x32 (the documented limit of the ladder).
    let mut ev = Fake::new(u32::MAX, |c| {
        if c.rows == 16 && c.cols == 16 {
            50.0
        } else if c.rows == 8 && c.cols > 16 {
            60.0
        } else {
            200.0
        }
    });
    let fit = run(&mut ev, &space(100));
    let arrays_tried = arrays(&fit);
    assert_eq!(arrays_tried[..3], ["8x8", "8x16", "16x16"]);
    // Rows frozen at 8 after 16x16; 8x32 (256 PEs) misses too; the columns freeze.
    assert_eq!(arrays_tried[3], "8x32");
    let best = fit.best.map(|i| fit.tried[i].candidate).expect("a fit");
    assert_eq!(best.array(), "8x16");
    assert!(!arrays_tried.iter().any(|a| a == "16x32"));
}

#[test]
fn budget_pruned_candidates_never_reach_synthesis_or_place_and_route() {
    // The block-RAM budget holds at most 16 tokens: the residency ladder stops at 32 in the
    // cheap check, before any tool.
    let mut ev = Fake::new(64, |_| 150.0);
    ev.max_tokens = 16;
    let fit = run(&mut ev, &space(100));
    let refused = fit
        .tried
        .iter()
        .find(|t| t.candidate.resident_tokens == 32)
        .expect("32 tokens tried");
    assert_eq!(refused.reached, Stage::Check);
    assert!(refused.resources.is_none());
    assert!(ev.synthesized.iter().all(|c| c.resident_tokens <= 16));
    assert!(ev.placed.iter().all(|c| c.resident_tokens <= 16));
    assert!(!fit.tried.iter().any(|t| t.candidate.resident_tokens == 64));
}

#[test]
fn invalid_configurations_freeze_their_axis_without_tools() {
    // Columns must stay below 32 (as a model width would demand): 8x32 fails validation.
    let mut ev = Fake::new(u32::MAX, |_| 150.0);
    ev.valid = |c| c.cols < 32 && c.rows < 64;
    let fit = run(&mut ev, &space(100));
    let best = fit.best.map(|i| fit.tried[i].candidate).expect("a fit");
    assert_eq!((best.rows, best.cols), (32, 16));
    assert!(ev.synthesized.iter().all(|c| c.cols < 32 && c.rows < 64));
}

#[test]
fn max_runs_bounds_the_place_and_route_runs() {
    for max in [0, 1, 3] {
        let mut ev = Fake::new(u32::MAX, |_| 150.0);
        let fit = run(&mut ev, &space(max));
        assert_eq!(ev.placed.len(), max, "max-runs {max}");
        // No synthesis is spent on a candidate that could not be placed.
        assert_eq!(ev.synthesized, ev.placed, "max-runs {max}");
        assert!(fit.stopped_by_max_runs);
        assert_eq!(fit.best.is_some(), max > 0);
    }
    // A budget the search does not exhaust is not reported as a stop.
    let mut ev = Fake::new(64, |_| 150.0);
    ev.max_tokens = 0;
    let fit = run(&mut ev, &space(2));
    assert_eq!(ev.placed.len(), 1);
    assert!(!fit.stopped_by_max_runs);
}

#[test]
fn a_start_that_does_not_fit_ends_the_search() {
    let mut ev = Fake::new(32, |_| 150.0);
    let fit = run(&mut ev, &space(10));
    assert_eq!(fit.tried.len(), 1);
    assert!(fit.best.is_none());
    assert!(ev.placed.is_empty());
}
