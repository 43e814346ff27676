//! Running one layer on a board through the link: the registers (α codes, scales, biases, run
//! parameters), START, the activation and weight streams, the outputs and the counters, every
//! value checked against the reference model exactly as `sim` checks it.

use super::error::{BoardError, Result};
use super::link::{Link, Transport};
use super::protocol::Command;
use super::shape::LinkShape;
use crate::config::Params;
use crate::perf::order::Blocks;
use crate::rtl::regmap as reg;
use crate::sim::bits::{pack_lanes, unpack_lane};
use crate::sim::expected::Expected;
use crate::sim::stimulus::LayerStimulus;
use crate::sim::vectors::{self, beat_position};
use serde::Serialize;
use std::time::Instant;

/// The result of one run on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRun {
    pub layer: String,
    pub tokens: usize,
    pub output_beats: usize,
    pub values_compared: u64,
    pub registers_compared: usize,
    /// The first differences (value, register or count), empty when the run passed.
    pub mismatches: Vec<String>,
    pub mismatch_count: u64,
    /// CYCLES as the engine counted them (stalled by the link, so above the cycle model).
    pub cycles: u32,
    pub seconds: f64,
    /// Payload bytes of the streams over the link, per second of wall time.
    pub stream_bytes: u64,
    pub stream_bytes_per_s: f64,
}

impl BoardRun {
    pub fn passed(&self) -> bool {
        self.mismatch_count == 0
    }
}

/// Bytes of a packed beat: `count` lanes of `width` bits, little-endian, `nbytes` long.
fn beat_bytes(
    lanes: impl IntoIterator<Item = i64>,
    width: u32,
    count: usize,
    nbytes: u32,
) -> Vec<u8> {
    let mut words = Vec::new();
    pack_lanes(lanes, width, count, &mut words);
    let mut b: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    b.resize(nbytes as usize, 0);
    b
}

/// A stream of equal-size beats sent in frames; `pos` beats have been taken by the engine.
struct Stream {
    cmd: Command,
    bytes: Vec<u8>,
    beat: usize,
    per_frame: usize,
    pos: usize,
}

impl Stream {
    fn new(cmd: Command, beat: u32, per_frame: u32) -> Self {
        Stream {
            cmd,
            bytes: Vec::new(),
            beat: beat as usize,
            per_frame: per_frame as usize,
            pos: 0,
        }
    }
    fn beats(&self) -> usize {
        self.bytes.len() / self.beat
    }
    fn done(&self) -> bool {
        self.pos == self.beats()
    }
    /// Offer the next frame's beats; returns how many the engine took.
    fn push<T: Transport>(&mut self, link: &mut Link<T>) -> Result<usize> {
        if self.done() {
            return Ok(0);
        }
        let end = (self.pos + self.per_frame).min(self.beats());
        let r = link.request(self.cmd, &self.bytes[self.pos * self.beat..end * self.beat])?;
        let taken =
            usize::from(*r.first().ok_or_else(|| {
                BoardError::Link(format!("{:?} answered without a count", self.cmd))
            })?);
        if taken > end - self.pos {
            return Err(BoardError::Link(format!(
                "{:?}: the device reports {taken} beats taken of {} sent",
                self.cmd,
                end - self.pos
            )));
        }
        self.pos += taken;
        Ok(taken)
    }
}

/// Run `s` on the board and compare with `e`. `max_idle_rounds` bounds the rounds in which no
/// stream moves (the engine stalled).
pub fn run_layer<T: Transport>(
    link: &mut Link<T>,
    params: &Params,
    s: &LayerStimulus,
    e: &Expected,
) -> Result<BoardRun> {
    let start = Instant::now();
    let shape = LinkShape::of_params(params);
    let a = params.array();
    let f = params.format();
    let info = link.read(reg::INFO.addr)?;
    let want = a.rows | a.cols << 8 | params.model().time_steps << 16;
    if info & 0x00FF_FFFF != want {
        return Err(BoardError::Link(format!(
            "the board runs an engine with INFO 0x{info:08x} (R | C << 8 | T << 16), this \
             configuration needs 0x{want:08x}: build and load its bitstream first"
        )));
    }
    for (addr, data) in vectors::csr_writes(params, s) {
        link.write(addr, data)?;
    }
    link.write(reg::CTRL.addr, 1 << reg::CTRL.bit("START"))?;

    let (_, tokens, din) = s.x.dim();
    let dout = s.w.dim().0;
    let cols = a.cols as usize;
    let rows = a.rows as usize;
    let blocks = Blocks::of(params, tokens);
    let col_blocks = dout / cols;
    let xw = params.activation_bits();
    let mut act = Stream::new(Command::Act, shape.act_bytes(), shape.act_per_frame());
    for beat in vectors::activation_beats(params, s) {
        let codes = beat.len();
        act.bytes
            .extend(beat_bytes(beat, xw, codes, shape.act_bytes()));
    }
    let mut wgt = Stream::new(Command::Wgt, shape.wgt_bytes(), shape.wgt_per_frame());
    for _bank in 0..blocks.banks() {
        for cb in 0..col_blocks {
            for i in 0..din {
                wgt.bytes.extend(beat_bytes(
                    (0..cols).map(|c| s.w[[cb * cols + c, i]]),
                    f.weight_bits,
                    cols,
                    shape.wgt_bytes(),
                ));
            }
        }
    }
    let stream_bytes = (act.bytes.len() + wgt.bytes.len()) as u64;
    let n_out = blocks.blocks * col_blocks * rows;
    let ob = shape.out_bytes() as usize;
    let mut outputs: Vec<Vec<u8>> = Vec::with_capacity(n_out);
    let mut tlast = false;
    let mut idle_rounds = 0u32;
    while !tlast {
        let moved = act.push(link)? + wgt.push(link)?;
        let r = link.request(Command::Out, &[shape.out_max() as u8])?;
        if r.len() < 2 || r.len() != 2 + usize::from(r[0]) * ob {
            return Err(BoardError::Link(format!(
                "OUT answered with {} bytes for {} beats",
                r.len(),
                r.first().copied().unwrap_or(0)
            )));
        }
        outputs.extend(r[2..].chunks(ob).map(<[u8]>::to_vec));
        tlast = r[1] & 1 != 0;
        if outputs.len() > n_out {
            return Err(BoardError::Link(format!(
                "the engine sent {} output beats, the layer has {n_out}",
                outputs.len()
            )));
        }
        if moved == 0 && r[0] == 0 {
            idle_rounds += 1;
            if idle_rounds > 200 {
                return Err(BoardError::Link(format!(
                    "the engine stopped: activations {}/{}, weights {}/{}, outputs {}/{n_out}",
                    act.pos,
                    act.beats(),
                    wgt.pos,
                    wgt.beats(),
                    outputs.len()
                )));
            }
        } else {
            idle_rounds = 0;
        }
    }

    let mut mismatches = Vec::new();
    let mut mismatch_count = 0u64;
    let mut note = |m: String| {
        mismatch_count += 1;
        if mismatches.len() < 10 {
            mismatches.push(m);
        }
    };
    if outputs.len() != n_out || !act.done() || !wgt.done() {
        note(format!(
            "tlast after {} of {n_out} output beats ({} of {} activations, {} of {} weight beats taken)",
            outputs.len(),
            act.pos,
            act.beats(),
            wgt.pos,
            wgt.beats()
        ));
    }
    let mut values = 0u64;
    for (beat, bytes) in outputs.iter().enumerate().take(n_out) {
        let (n, t, cb) = beat_position(params, tokens, dout, beat);
        let words: Vec<u32> = bytes
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(w)
            })
            .collect();
        for c in 0..cols {
            let got = unpack_lane(&words, f.output_bits, c);
            let want = e.y[[t, n, cb * cols + c]];
            values += 1;
            if got != want {
                note(format!(
                    "output beat {beat} (token {n}, t {t}, column {}): expected {want}, board {got}",
                    cb * cols + c
                ));
            }
        }
    }
    // The engine sets DONE when the final beat is accepted; it is there by the next read.
    let checks = vectors::reg_checks(params, s, e);
    let mut cycles = 0;
    for c in &checks {
        let got = link.read(c.addr)?;
        if c.addr == reg::CYCLES.addr {
            cycles = got;
        }
        // CYCLES counts the link's stalls too: read, reported, not compared.
        if !c.observed_cycles && got != c.expected {
            note(format!(
                "register {}: expected 0x{:x}, board 0x{got:x}",
                c.name, c.expected
            ));
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    Ok(BoardRun {
        layer: s.layer.kind.name().to_string(),
        tokens,
        output_beats: outputs.len(),
        values_compared: values,
        registers_compared: checks.iter().filter(|c| !c.observed_cycles).count(),
        mismatches,
        mismatch_count,
        cycles,
        seconds,
        stream_bytes,
        stream_bytes_per_s: stream_bytes as f64 / seconds.max(1e-9),
    })
}
