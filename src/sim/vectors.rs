//! The vector file the C++ harness replays: register writes, the three streams in the order of
//! docs/engine.md, every expected debug pulse and output beat, and the registers to read back.
//! All little-endian 32-bit words; the layout is described at [`write`].

use super::bits::{pack_lanes, words_for};
use super::codes::register_words;
use super::control::Control;
use super::expected::{spike_code, Expected};
use super::stimulus::LayerStimulus;
use super::SimError;
use crate::config::Params;
use crate::perf::order::Blocks;
use crate::rtl::regmap as reg;
use std::path::Path;

pub const MAGIC: u32 = 0x564D_4C53;
pub const VERSION: u32 = 4;

/// Word widths of the wide ports, shared with the harness template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortWords {
    /// An activation beat (the codes of one pair).
    pub act: usize,
    pub wgt: usize,
    pub out: usize,
    pub acc: usize,
    /// One membrane (one time step's lane of `dbg_mem`).
    pub mem: usize,
}

impl PortWords {
    pub fn of(params: &Params) -> Self {
        let f = params.format();
        let c = params.array().cols;
        PortWords {
            act: words_for(params.activation_beat_bits()),
            wgt: words_for(c * f.weight_bits),
            out: words_for(c * f.output_bits),
            acc: words_for(c * params.derived.acc_bits),
            mem: words_for(f.membrane_bits),
        }
    }
}

/// A register the harness reads after DONE and compares with its expected value. CYCLES has
/// no fixed value: the harness compares it with the cycles it counted itself from the START
/// write to the final output beat, and `perf::pipeline::DONE_STAGES` (`observed_cycles`), in
/// every run, stalled or not; the Rust side also compares it with the cycle model in
/// stall-free runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegCheck {
    pub name: String,
    pub addr: u32,
    pub expected: u32,
    /// Compare with the harness's own count of cycles from the START write to the acceptance
    /// of the final output beat and DONE_STAGES (docs/engine.md: CYCLES), not with `expected`.
    pub observed_cycles: bool,
}

/// A host action right after every reset (power-on and mid-run), before the register writes
/// of the run: a register write, or a read compared with a value. Together they check the
/// documented reset values of every readable register and the register rules a run alone
/// never exercises (out-of-range TOKENS writes, a CTRL write without START).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// What a failing read means, as the report names it (e.g. `TOKENS after writing 0`).
    pub name: String,
    pub addr: u32,
    /// The data written, or the value the read must return.
    pub value: u32,
    /// A read (compared) or a write.
    pub read: bool,
    /// The expected value as the report shows it (e.g. `128 (seq_len)`).
    pub expected_text: String,
}

impl Probe {
    fn read(name: impl Into<String>, addr: u32, value: u32, why: &str) -> Self {
        Probe {
            name: name.into(),
            addr,
            value,
            read: true,
            expected_text: if why.is_empty() {
                value.to_string()
            } else {
                format!("{value} ({why})")
            },
        }
    }

    fn write(addr: u32, value: u32) -> Self {
        Probe {
            name: String::new(),
            addr,
            value,
            read: false,
            expected_text: String::new(),
        }
    }
}

/// The probes after every reset: every readable register at its documented reset value
/// (docs/engine.md, register map), then TOKENS written out of range (0, seq_len + 1 and a word
/// with bit 31 set write seq_len), and a CTRL write with every bit but START (starts nothing).
/// The counters are read last, some cycles after the reset (their clear is registered).
pub fn reset_probes(params: &Params) -> Vec<Probe> {
    let seq = params.model().seq_len;
    let tpr = params.derived.tokens_per_row_block;
    let start = 1u32 << reg::CTRL.bit("START");
    let mut v = vec![
        Probe::read("STATUS after reset", reg::STATUS.addr, 0, "idle"),
        Probe::read("LAYER after reset", reg::LAYER.addr, 0, ""),
        Probe::read("TOKENS after reset", reg::TOKENS.addr, seq, "seq_len"),
        Probe::read("OUT_SHIFT after reset", reg::OUT_SHIFT.addr, 0, ""),
        Probe::read("CYCLES after reset", reg::CYCLES.addr, 0, ""),
        Probe::read(
            "INFO after reset",
            reg::INFO.addr,
            info_word(params),
            "INFO",
        ),
        Probe::write(reg::TOKENS.addr, tpr),
        Probe::read(
            "TOKENS after writing TPR",
            reg::TOKENS.addr,
            tpr,
            "tokens per row block",
        ),
        Probe::write(reg::TOKENS.addr, 0),
        Probe::read("TOKENS after writing 0", reg::TOKENS.addr, seq, "seq_len"),
        Probe::write(reg::TOKENS.addr, tpr),
        Probe::write(reg::TOKENS.addr, seq + 1),
        Probe::read(
            format!("TOKENS after writing {}", seq + 1),
            reg::TOKENS.addr,
            seq,
            "seq_len",
        ),
        // In range in its low bits, out of range in its top bit: the whole word is compared.
        Probe::write(reg::TOKENS.addr, tpr),
        Probe::write(reg::TOKENS.addr, (1 << 31) | tpr),
        Probe::read(
            format!("TOKENS after writing {:#x}", (1u32 << 31) | tpr),
            reg::TOKENS.addr,
            seq,
            "seq_len",
        ),
        Probe::write(reg::CTRL.addr, !start),
        Probe::read(
            "STATUS after a CTRL write without START",
            reg::STATUS.addr,
            0,
            "idle",
        ),
    ];
    for t in 0..params.model().time_steps {
        for r in [&reg::POS_COUNT, &reg::NEG_COUNT, &reg::ADD_COUNT] {
            v.push(Probe::read(
                format!("{}[{t}] after reset", r.name),
                r.at(t, 0),
                0,
                "",
            ));
        }
    }
    v
}

/// The INFO register's value (docs/engine.md).
fn info_word(params: &Params) -> u32 {
    let a = params.array();
    let pe = match a.pe {
        crate::config::PeKind::Ternary => 0,
        crate::config::PeKind::Int8Mac => 1,
    };
    a.rows | a.cols << 8 | params.model().time_steps << 16 | pe << 24
}

/// Where row `r` of row block `rb` lives: (token n, time step t).
pub fn row_position(params: &Params, rb: usize, r: usize) -> (usize, usize) {
    let t_steps = params.input_steps();
    let tpr = params.derived.tokens_per_row_block as usize;
    (rb * tpr + r / t_steps, r % t_steps)
}

/// Output (and dbg_acc) beat `beat` of a run over `tokens` tokens: (token n, time step t,
/// column block cb), in the drain order of [`Blocks`].
pub fn beat_position(
    params: &Params,
    tokens: usize,
    dout: usize,
    beat: usize,
) -> (usize, usize, usize) {
    let rows = params.array().rows as usize;
    let col_blocks = dout / params.array().cols as usize;
    let (rb, cb) = Blocks::of(params, tokens).drain(beat / rows, col_blocks);
    let (n, t) = row_position(params, rb, beat % rows);
    (n, t, cb)
}

/// The (token n, input i) pairs of a run in activation-stream order (docs/engine.md): for each
/// group of PL = `encoder_lanes` tokens, for each input, the group's PL tokens, which one beat
/// carries side by side. `tokens` is a multiple of PL (whole row blocks).
pub fn pair_order(
    params: &Params,
    tokens: usize,
    din: usize,
) -> impl Iterator<Item = (usize, usize)> {
    let pl = params.derived.encoder_lanes as usize;
    (0..tokens / pl)
        .flat_map(move |g| (0..din).flat_map(move |i| (0..pl).map(move |p| (g * pl + p, i))))
}

/// The codes of each activation beat of `s`, in stream order: the beat's PL pairs in
/// [`pair_order`], the time steps of each (lane p's step t is code p·steps + t).
pub fn activation_beats(params: &Params, s: &LayerStimulus) -> Vec<Vec<i64>> {
    let (t_steps, tokens, din) = s.x.dim();
    let pairs: Vec<(usize, usize)> = pair_order(params, tokens, din).collect();
    pairs
        .chunks(params.derived.encoder_lanes as usize)
        .map(|beat| {
            beat.iter()
                .flat_map(|&(n, i)| (0..t_steps).map(move |t| s.x[[t, n, i]]))
                .collect()
        })
        .collect()
}

/// Spike `index` of a run on `dbg_spike` (pair after pair in stream order, time step
/// innermost): (token n, input i, time step t).
pub fn spike_position(params: &Params, din: usize, index: usize) -> (usize, usize, usize) {
    let t_steps = params.input_steps();
    let pl = params.derived.encoder_lanes as usize;
    let pair = index / t_steps;
    let (group, within) = (pair / (din * pl), pair % (din * pl));
    (group * pl + within % pl, within / pl, index % t_steps)
}

/// The register writes before START, in the order a host driver issues them.
pub fn csr_writes(params: &Params, s: &LayerStimulus) -> Vec<(u32, u32)> {
    let f = params.format();
    let d = &params.derived;
    let mut w = vec![
        (reg::LAYER.addr, s.layer.index),
        (reg::TOKENS.addr, s.tokens as u32),
        (reg::OUT_SHIFT.addr, s.out_shift),
    ];
    for t in 0..s.alpha.len() as u32 {
        let aw = register_words(f.alpha_mode, s.alpha[t as usize], d.alpha_shift_bits);
        w.extend(
            aw.into_iter()
                .enumerate()
                .map(|(k, v)| (reg::ALPHA.at(t, k as u32), v)),
        );
    }
    let mem = reg::UpperHalf::of(params);
    for ((t, j), &m) in s.scale.indexed_iter() {
        let mw = register_words(f.alpha_mode, m, d.scale_shift_bits);
        w.extend(
            mw.into_iter()
                .enumerate()
                .map(|(k, v)| (mem.scale(t as u32, k as u32, j as u32), v)),
        );
    }
    for (j, &b) in s.bias.iter().enumerate() {
        w.push((mem.bias(j as u32), b as i32 as u32));
    }
    w
}

/// The registers read back after DONE.
pub fn reg_checks(params: &Params, s: &LayerStimulus, e: &Expected) -> Vec<RegCheck> {
    let mut v = vec![
        check(&reg::STATUS, None, 1 << reg::STATUS.bit("DONE")),
        RegCheck {
            observed_cycles: true,
            ..check(&reg::CYCLES, None, 0)
        },
        check(&reg::INFO, None, info_word(params)),
        check(&reg::LAYER, None, s.layer.index),
        check(&reg::TOKENS, None, s.tokens as u32),
        check(&reg::OUT_SHIFT, None, s.out_shift),
    ];
    let counter_max = (1u64 << params.derived.counter_bits) - 1;
    let sat = |c: u64| c.min(counter_max) as u32;
    for t in 0..e.pos_count.len() {
        let tt = t as u32;
        v.push(check(&reg::POS_COUNT, Some(tt), sat(e.pos_count[t])));
        v.push(check(&reg::NEG_COUNT, Some(tt), sat(e.neg_count[t])));
        v.push(check(&reg::ADD_COUNT, Some(tt), sat(e.add_count[t])));
    }
    v
}

/// The check of `r`, or of its element for time step `t`.
fn check(r: &reg::Register, t: Option<u32>, expected: u32) -> RegCheck {
    RegCheck {
        name: t.map_or_else(|| r.name.to_string(), |t| format!("{}[{t}]", r.name)),
        addr: r.at(t.unwrap_or(0), 0),
        expected,
        observed_cycles: false,
    }
}

/// Counts of one vector file, for the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct VectorCounts {
    pub act_beats: u64,
    pub wgt_beats: u64,
    pub out_beats: u64,
    /// Spikes compared on `dbg_spike`: one per (token, input, time step), the T of a pair in
    /// one pulse.
    pub spikes: u64,
    pub acc_rows: u64,
    pub bytes: u64,
}

/// Write the vector file. Layout: a 16-word header (magic, version, counts: csr writes,
/// activation beats, weight beats of one bank, bank repeats, output beats, spikes,
/// accumulator rows, register checks, then words per weight/output/accumulator/membrane value,
/// the idle limit, the number of control events), then the sections in that order: (addr, data)
/// pairs; activation beats (the codes of one pair each); weight beats; (code, membrane words)
/// per spike, in (token, input, time step) order;
/// accumulator rows; output beats; (addr, expected, mode) per register check (mode 1: compare
/// with expected, 2: compare with the harness's START-to-last-beat count); the
/// number of reset probes and (read, addr, value) per probe ([`reset_probes`]); the control
/// section ([`Control::words`]).
pub fn write(
    path: &Path,
    params: &Params,
    s: &LayerStimulus,
    e: &Expected,
    checks: &[RegCheck],
    probes: &[Probe],
    control: &Control,
) -> Result<VectorCounts, SimError> {
    let control_words = control.words(params, s)?;
    let f = params.format();
    let words = PortWords::of(params);
    let cols = params.array().cols as usize;
    let rows = params.array().rows as usize;
    let (t_steps, tokens, din) = s.x.dim();
    let dout = s.w.dim().0;
    let blocks = Blocks::of(params, tokens);
    let col_blocks = dout / cols;
    let csr = csr_writes(params, s);
    let act_bits = params.activation_bits();

    let n_act = tokens * din / params.derived.encoder_lanes as usize;
    let n_spike = tokens * din * t_steps;
    let n_wgt_base = col_blocks * din;
    let n_out = blocks.blocks * col_blocks * rows;
    let mut v: Vec<u32> = Vec::with_capacity(
        16 + 2 * csr.len()
            + n_act * words.act
            + n_spike * (1 + words.mem)
            + n_wgt_base * words.wgt
            + n_out * (words.acc + words.out)
            + 3 * checks.len(),
    );
    let idle_limit = 100_000u32.max(8 * (din as u32 + rows as u32));
    v.extend_from_slice(&[
        MAGIC,
        VERSION,
        csr.len() as u32,
        n_act as u32,
        n_wgt_base as u32,
        blocks.banks() as u32,
        n_out as u32,
        n_spike as u32,
        n_out as u32,
        checks.len() as u32,
        words.wgt as u32,
        words.out as u32,
        words.acc as u32,
        words.mem as u32,
        idle_limit,
        control.event_count(params, s) as u32,
    ]);
    for (a, d) in &csr {
        v.push(*a);
        v.push(*d);
    }
    for beat in activation_beats(params, s) {
        let codes = beat.len();
        pack_lanes(beat, act_bits, codes, &mut v);
    }
    for cb in 0..col_blocks {
        for i in 0..din {
            pack_lanes(
                (0..cols).map(|c| s.w[[cb * cols + c, i]]),
                f.weight_bits,
                cols,
                &mut v,
            );
        }
    }
    for (n, i) in pair_order(params, tokens, din) {
        for t in 0..t_steps {
            v.push(spike_code(e.spike[[t, n, i]]));
            pack_lanes([e.mem[[t, n, i]]], f.membrane_bits, 1, &mut v);
        }
    }
    for table in [&e.acc, &e.y] {
        let width = if std::ptr::eq(table, &e.acc) {
            params.derived.acc_bits
        } else {
            f.output_bits
        };
        for (rb, cb) in blocks.drain_order(col_blocks) {
            for r in 0..rows {
                let (n, t) = row_position(params, rb, r);
                pack_lanes(
                    (0..cols).map(|c| table[[t, n, cb * cols + c]]),
                    width,
                    cols,
                    &mut v,
                );
            }
        }
    }
    for c in checks {
        let mode = 1 + u32::from(c.observed_cycles);
        v.extend_from_slice(&[c.addr, c.expected, mode]);
    }
    v.push(probes.len() as u32);
    for p in probes {
        v.extend_from_slice(&[u32::from(p.read), p.addr, p.value]);
    }
    v.extend(control_words);
    let bytes: Vec<u8> = v.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(path, &bytes).map_err(|e| SimError::io(path, e))?;
    Ok(VectorCounts {
        act_beats: n_act as u64,
        wgt_beats: (n_wgt_base * blocks.banks()) as u64,
        out_beats: n_out as u64,
        spikes: n_spike as u64,
        acc_rows: n_out as u64,
        bytes: bytes.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Params;

    fn tiny() -> Params {
        Params::load("spikelm-bert-tiny", None, &[]).expect("preset")
    }

    #[test]
    fn stream_positions_follow_the_engine_contract() {
        let p = tiny(); // R = 8, C = 8, T = 4: two tokens per row block
                        // Beat 0 is row 0 of row block 0, column block 0: token 0, t = 0.
        assert_eq!(beat_position(&p, 4, 128, 0), (0, 0, 0));
        // Row 5 = token 1, t = 1.
        assert_eq!(beat_position(&p, 4, 128, 5), (1, 1, 0));
        // The next column block (16 of them for Dout = 128) starts after R beats.
        assert_eq!(beat_position(&p, 4, 128, 8), (0, 0, 1));
        // Row block 1 starts after 16 column blocks × 8 rows: tokens 2 and 3.
        assert_eq!(beat_position(&p, 4, 128, 128 + 7), (3, 3, 0));
        // Two row blocks per bank (4 resident tokens): column block 0 of both blocks, then
        // column block 1 of both.
        let p2 = Params::preset_with("spikelm-bert-tiny", &["array.resident_tokens=4"]).unwrap();
        assert_eq!(beat_position(&p2, 6, 128, 8), (2, 0, 0));
        assert_eq!(beat_position(&p2, 6, 128, 16), (0, 0, 1));
        // The third block is alone in the run's last bank.
        assert_eq!(beat_position(&p2, 6, 128, 2 * 128 + 8), (4, 0, 1));
        // Spikes: n, then i, then t innermost.
        assert_eq!(spike_position(&p, 128, 0), (0, 0, 0));
        assert_eq!(spike_position(&p, 128, 5), (0, 1, 1));
        assert_eq!(spike_position(&p, 128, 128 * 4 + 3), (1, 0, 3));
        // Two lanes (32 x 32: 8 tokens per row block, 4 column blocks): tokens 0 and 1 share
        // a beat at each input, then tokens 2 and 3.
        let p3 = Params::preset_with("spikelm-bert-tiny", &["array=32x32"]).unwrap();
        assert_eq!(p3.derived.encoder_lanes, 2);
        assert_eq!(spike_position(&p3, 128, 4 + 2), (1, 0, 2));
        assert_eq!(spike_position(&p3, 128, 8), (0, 1, 0));
        assert_eq!(spike_position(&p3, 128, 128 * 8), (2, 0, 0));
        let order: Vec<_> = pair_order(&p3, 4, 2).collect();
        assert_eq!(
            order,
            [
                (0, 0),
                (1, 0),
                (0, 1),
                (1, 1),
                (2, 0),
                (3, 0),
                (2, 1),
                (3, 1)
            ]
        );
    }

    #[test]
    fn reset_probes_read_status_first_and_counters_last() {
        let p = tiny();
        let v = reset_probes(&p);
        assert_eq!(v[0].name, "STATUS after reset");
        assert!(v[0].read && v[0].addr == reg::STATUS.addr && v[0].value == 0);
        // Out-of-range TOKENS writes read back seq_len; the valid write before reads back.
        let read_after = |name: &str| v.iter().find(|x| x.name == name).map(|x| x.value);
        assert_eq!(read_after("TOKENS after writing 0"), Some(128));
        assert_eq!(read_after("TOKENS after writing 129"), Some(128));
        assert_eq!(read_after("TOKENS after writing TPR"), Some(2));
        assert_eq!(read_after("INFO after reset"), Some(0x0004_0808));
        // A CTRL write without START, then STATUS still idle.
        let ctrl = v
            .iter()
            .position(|x| !x.read && x.addr == reg::CTRL.addr)
            .expect("a CTRL write");
        assert_eq!(v[ctrl].value & 1, 0);
        assert_eq!(v[ctrl + 1].addr, reg::STATUS.addr);
        // The 3T counters last, each expected 0.
        let counters = &v[v.len() - 12..];
        assert!(counters.iter().all(|x| x.read && x.value == 0));
        assert_eq!(counters[0].addr, reg::POS_COUNT.at(0, 0));
    }

    #[test]
    fn register_writes_in_host_order() {
        let p = tiny();
        let layer = p.derived.shape(crate::config::LayerKind::FfnIn);
        let s = LayerStimulus::blank(&p, layer, 4);
        let w = csr_writes(&p, &s);
        assert_eq!(w[0], (reg::LAYER.addr, 2));
        assert_eq!(w[1], (reg::TOKENS.addr, 4));
        assert_eq!(w[2], (reg::OUT_SHIFT.addr, s.out_shift));
        assert_eq!(w[3], (reg::ALPHA.at(0, 0), s.alpha[0] as u32));
        assert_eq!(w[6], (reg::ALPHA.at(3, 0), s.alpha[3] as u32));
        let mem = reg::UpperHalf::of(&p);
        assert_eq!(w[7], (mem.scale(0, 0, 0), s.scale[[0, 0]] as u32));
        assert_eq!(w[8], (mem.scale(0, 0, 1), s.scale[[0, 1]] as u32));
        assert_eq!(w[7 + 512], (mem.scale(1, 0, 0), s.scale[[1, 0]] as u32));
        assert_eq!(w.len(), 3 + 4 + 4 * 512 + 512);
    }
}
