//! How the harness drives the control path of one run: a stall pattern per stream and a
//! schedule of host actions during the run (register writes, reset pulses), written into the
//! vector file's control section ([`super::vectors::write`]) and replayed by the harness.

use super::stimulus::LayerStimulus;
use super::SimError;
use crate::config::Params;
use crate::rtl::regmap as reg;

/// When a stream holds back: the source's tvalid (activations, weights) or the sink's tready
/// (output). An input source never drops tvalid once raised (AXI4-Stream); the pattern only
/// delays raising it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StallPattern {
    /// Stall with the run's stall probability (`--stall`, or the case's default) each cycle.
    Random,
    /// Never stall.
    Never,
    /// Alternate stalled and free periods whose lengths are drawn uniformly from
    /// 1..=2·`mean` cycles, starting stalled.
    Bursts { mean: u32 },
    /// Stalled every other cycle (odd cycles).
    Alternate,
    /// Stalled until the engine has made no progress (no handshake on any stream, no debug
    /// pulse) for `idle` cycles: this stream moves only when everything else waits on it.
    Late { idle: u32 },
}

impl StallPattern {
    /// (kind, parameter) as the harness reads them.
    fn words(self) -> [u32; 2] {
        match self {
            StallPattern::Random => [0, 0],
            StallPattern::Never => [1, 0],
            StallPattern::Bursts { mean } => [2, mean],
            StallPattern::Alternate => [3, 0],
            StallPattern::Late { idle } => [4, idle],
        }
    }

    pub fn name(self) -> String {
        match self {
            StallPattern::Random => "random".into(),
            StallPattern::Never => "never".into(),
            StallPattern::Bursts { mean } => format!("bursts-{mean}"),
            StallPattern::Alternate => "alternate".into(),
            StallPattern::Late { idle } => format!("late-{idle}"),
        }
    }

    fn stalls(self, stall: f64) -> bool {
        match self {
            StallPattern::Never => false,
            StallPattern::Random => stall > 0.0,
            _ => true,
        }
    }

    /// A stall probability with the same worst-case stretch, for the cycle cap.
    fn cap_equivalent(self, stall: f64) -> f64 {
        match self {
            StallPattern::Random => stall,
            StallPattern::Never => 0.0,
            StallPattern::Bursts { .. } | StallPattern::Alternate => 0.5,
            StallPattern::Late { idle } => 1.0 - 1.0 / (f64::from(idle) + 2.0),
        }
    }
}

/// A host action during the run, at a cycle counted from the latest START write (≥ 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// One CSR write (CTRL with START included).
    Write { at: u32, addr: u32, data: u32 },
    /// Assert rst for `cycles` cycles, then replay the whole host sequence from the start:
    /// STATUS check, register writes, START, all three streams from their first beat. Later
    /// events count from the new START.
    Reset { at: u32, cycles: u32 },
    /// [`Event::Reset`] at the first cycle from `at` on at which the engine shows `on`: aimed
    /// at work in flight (a reset at a fixed cycle mostly finds the encoder or the output
    /// stage idle).
    ResetWhen { at: u32, cycles: u32, on: Watch },
}

/// An engine output a conditional reset waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Watch {
    /// `m_out_tvalid`: the output FIFO holds a row.
    OutValid,
    /// `dbg_spike_valid`: the encoder writes a pair into the spike buffer.
    SpikeValid,
}

impl Event {
    fn at(self) -> u32 {
        match self {
            Event::Write { at, .. } | Event::Reset { at, .. } | Event::ResetWhen { at, .. } => at,
        }
    }

    /// (kind, at, a, b) as the harness reads them.
    fn words(self) -> [u32; 4] {
        match self {
            Event::Write { at, addr, data } => [0, at, addr, data],
            Event::Reset { at, cycles } => [1, at, cycles, 0],
            Event::ResetWhen { at, cycles, on } => [
                2,
                at,
                cycles,
                match on {
                    Watch::OutValid => 1,
                    Watch::SpikeValid => 2,
                },
            ],
        }
    }
}

/// The control section of one run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Control {
    /// Activation, weight and output stream, in that order.
    pub streams: [StallPattern; 3],
    /// The host actions; `None` = [`default_events`].
    pub events: Option<Vec<Event>>,
    /// Runs made back to back, without a reset between them: after DONE, the register reads
    /// and the drain window, the host writes the registers and START again and every value is
    /// compared again (≥ 1).
    pub runs: u32,
    /// With `events: None`: start with two one-cycle reset pulses, early and about a sixth
    /// into the run ([`default_events`]).
    pub reset_mid_run: bool,
}

/// The default of `spikelm-hw sim`: every stream stalls at random; a one-cycle reset while
/// the encoder writes the second row block (the first one in the array), another once the
/// output FIFO holds a row about a sixth into the run, then the whole run again with a second
/// START and refused register writes a third into it; then a second run back to back
/// (registers and START again, no reset). Every readable register is probed after each reset
/// (`vectors::reset_probes`).
impl Default for Control {
    fn default() -> Self {
        Control {
            streams: [StallPattern::Random; 3],
            events: None,
            runs: 2,
            reset_mid_run: true,
        }
    }
}

impl Control {
    /// One run with the second START and the refused writes, no reset pulse (the directed
    /// tests' baseline, and the default before the mutation sweep of docs/verification.md).
    pub fn single_run() -> Self {
        Control {
            runs: 1,
            reset_mid_run: false,
            ..Control::default()
        }
    }

    /// Whether no stream ever stalls, given the run's stall probability (CYCLES must then
    /// equal the cycle model).
    pub fn stall_free(&self, stall: f64) -> bool {
        !self.streams.iter().any(|s| s.stalls(stall))
    }

    /// The stall probability the cycle cap assumes: that of the slowest stream.
    pub fn cap_stall(&self, stall: f64) -> f64 {
        self.streams
            .iter()
            .map(|s| s.cap_equivalent(stall))
            .fold(0.0, f64::max)
    }

    /// The words of the vector file's control section: three (kind, parameter) pairs, the
    /// number of runs, then (kind, at, a, b) per event. Events must be at cycle ≥ 1 and, between resets, in
    /// strictly increasing order (one CSR access per cycle).
    pub fn words(&self, params: &Params, s: &LayerStimulus) -> Result<Vec<u32>, SimError> {
        let events = match &self.events {
            Some(e) => e.clone(),
            None => default_events(params, s, self.reset_mid_run),
        };
        if let Some(p) = self
            .streams
            .iter()
            .find(|p| **p == StallPattern::Bursts { mean: 0 })
        {
            return Err(SimError::BadRequest(format!(
                "stall pattern {}: bursts need a mean length of at least 1",
                p.name()
            )));
        }
        if self.runs == 0 {
            return Err(SimError::BadRequest("control: at least one run".into()));
        }
        let mut last = 0;
        for e in &events {
            if e.at() <= last {
                return Err(SimError::BadRequest(format!(
                    "control event {e:?}: must come after cycle {last} (≥ 1 after START, one per cycle)"
                )));
            }
            last = if matches!(e, Event::Reset { .. } | Event::ResetWhen { .. }) {
                0
            } else {
                e.at()
            };
        }
        let mut v: Vec<u32> = self.streams.iter().flat_map(|s| s.words()).collect();
        v.push(self.runs);
        v.extend(events.iter().flat_map(|e| e.words()));
        Ok(v)
    }

    /// Number of events the harness will replay.
    pub fn event_count(&self, params: &Params, s: &LayerStimulus) -> usize {
        self.events.as_ref().map_or_else(
            || default_events(params, s, self.reset_mid_run).len(),
            Vec::len,
        )
    }
}

/// The cycle (after the START write) about a third into the stall-free run, between two STATUS
/// polls (≡ 8 mod 16); `None` for runs too short to aim inside.
pub fn third_of_run(params: &Params, s: &LayerStimulus) -> Option<u32> {
    let cycles = super::rtl_bridge::layer_cycles(params, s.layer, s.tokens as u32).unwrap_or(0);
    let at = (cycles / 3) & !15;
    (at >= 16).then_some((at | 8) as u32)
}

/// The events every run gets unless told otherwise: a second START the cycle after the first
/// (ignored: it reaches the engine while the first one starts the run); with `reset_mid_run`,
/// two one-cycle reset pulses, each followed by the run from reset: the first once the encoder writes a pair from
/// half-way through the second row block's beats on (the encoder pipeline busy, the first
/// block reducing in the array: partial sums in the accumulators), the second at the
/// first cycle about a sixth in with a row in the output FIFO (the output stage busy); then a
/// second START about a third into the run (ignored while busy), then one write each to
/// OUT_SHIFT, ALPHA[0], SCALE[0][0][0], BIAS[0], LAYER and TOKENS with a value that would
/// change the run's results or its read-back (refused while busy). None for runs too short to
/// aim inside.
pub fn default_events(params: &Params, s: &LayerStimulus, reset_mid_run: bool) -> Vec<Event> {
    let Some(at) = third_of_run(params, s) else {
        return Vec::new();
    };
    let mut v: Vec<Event> = vec![start_write(1)];
    if reset_mid_run {
        let pl = params.derived.encoder_lanes as usize;
        let din = s.layer.din as usize;
        let block_beats = params.derived.tokens_per_row_block as usize / pl * din;
        let beats = s.tokens / pl * din;
        // Half-way through the second row block: the encoder writes it while the first one
        // reduces in the array (partial sums in the accumulators). Beat N/2 at the latest, so
        // the encoder is still writing however short the run.
        let early = (block_beats + block_beats / 2).min(beats / 2).max(2);
        v.push(Event::ResetWhen {
            at: early as u32,
            cycles: 1,
            on: Watch::SpikeValid,
        });
        // About a sixth in, off the STATUS polls (≡ 4 mod 16).
        v.push(Event::ResetWhen {
            at: ((at / 2) & !15) | 4,
            cycles: 1,
            on: Watch::OutValid,
        });
    }
    let mem = reg::UpperHalf::of(params);
    let writes = [
        (reg::OUT_SHIFT.addr, 0),
        (reg::ALPHA.at(0, 0), 0),
        (mem.scale(0, 0, 0), 0),
        (mem.bias(0), 0x7fff),
        (reg::LAYER.addr, 3),
        (reg::TOKENS.addr, 1),
    ];
    v.push(start_write(at));
    v.extend(
        writes
            .iter()
            .zip(at + 1..)
            .map(|(&(addr, data), at)| Event::Write { at, addr, data }),
    );
    v
}

/// A START write at cycle `at`.
pub fn start_write(at: u32) -> Event {
    Event::Write {
        at,
        addr: reg::CTRL.addr,
        data: 1 << reg::CTRL.bit("START"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LayerKind;

    fn setup() -> (Params, LayerStimulus) {
        let p = Params::load("spikelm-bert-tiny", None, &[]).expect("preset");
        let s = LayerStimulus::blank(&p, p.derived.shape(LayerKind::AttnOut), 2);
        (p, s)
    }

    #[test]
    fn only_never_or_random_without_probability_is_stall_free() {
        let mut c = Control::default();
        assert!(c.stall_free(0.0));
        assert!(!c.stall_free(0.1));
        c.streams[2] = StallPattern::Alternate;
        assert!(!c.stall_free(0.0));
        c.streams = [StallPattern::Never; 3];
        assert!(c.stall_free(0.5));
        assert_eq!(c.cap_stall(0.5), 0.0);
    }

    #[test]
    fn the_control_section_lists_patterns_then_events() {
        let (p, s) = setup();
        let c = Control {
            streams: [
                StallPattern::Never,
                StallPattern::Bursts { mean: 5 },
                StallPattern::Late { idle: 9 },
            ],
            events: Some(vec![start_write(3), Event::Reset { at: 7, cycles: 2 }]),
            runs: 2,
            reset_mid_run: false,
        };
        let w = c.words(&p, &s).expect("valid control");
        assert_eq!(&w[..7], &[1, 0, 2, 5, 4, 9, 2]);
        assert_eq!(
            &w[7..11],
            &[0, 3, reg::CTRL.addr, 1 << reg::CTRL.bit("START")]
        );
        assert_eq!(&w[11..], &[1, 7, 2, 0]);
        assert_eq!(c.event_count(&p, &s), 2);
    }

    #[test]
    fn events_out_of_order_or_at_start_are_refused() {
        let (p, s) = setup();
        let with = |events| Control {
            events: Some(events),
            ..Control::default()
        };
        assert!(with(vec![start_write(0)]).words(&p, &s).is_err());
        assert!(with(vec![start_write(5), start_write(5)])
            .words(&p, &s)
            .is_err());
        // After a reset the cycles count from the new START again.
        let ok = vec![Event::Reset { at: 9, cycles: 1 }, start_write(2)];
        assert!(with(ok).words(&p, &s).is_ok());
        let mut bursts = with(Vec::new());
        bursts.streams[0] = StallPattern::Bursts { mean: 0 };
        assert!(bursts.words(&p, &s).is_err());
        let none = Control {
            runs: 0,
            ..Control::default()
        };
        assert!(none.words(&p, &s).is_err());
    }

    #[test]
    fn the_default_is_a_start_right_after_start_then_a_second_start_then_six_refused_writes() {
        let (p, s) = setup();
        let e = default_events(&p, &s, false);
        let at = third_of_run(&p, &s).expect("long enough run");
        assert_eq!(e.len(), 8);
        assert_eq!(e[0], start_write(1));
        assert_eq!(e[1], start_write(at));
        assert_eq!(e[7].at(), at + 6);
        // The default control resets twice first (encoder busy, then output FIFO busy), then
        // runs twice.
        let e = default_events(&p, &s, true);
        assert_eq!(e.len(), 10);
        assert_eq!(e[0], start_write(1));
        assert!(matches!(
            e[1],
            Event::ResetWhen { cycles: 1, on: Watch::SpikeValid, at: r } if r >= 2
        ));
        assert!(matches!(
            e[2],
            Event::ResetWhen { cycles: 1, on: Watch::OutValid, at: r } if r < at && r % 16 == 4
        ));
        assert_eq!(e[3], start_write(at));
        let c = Control::default();
        assert_eq!((c.runs, c.reset_mid_run), (2, true));
        assert!(c.words(&p, &s).is_ok());
    }
}
