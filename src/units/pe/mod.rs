//! `ACC_t[n][j] = Σ_i q_t[n][i] · W[j][i]`, with additions and subtractions only
//! (docs/arithmetic.md), and the INT8 baseline's multiply-accumulate.
//!
//! [`accumulate_reference`] is the rule written literally. [`accumulate_spikes`] computes the same
//! sums fast, the way an event-driven engine would: for every non-zero spike of a row it adds (or
//! subtracts) a block of contiguous weights into a block of accumulators. The weights are packed
//! once per layer ([`PackedWeights`]) transposed and blocked, as `i8` when WB ≤ 8 else `i16`, so
//! one spike touches one contiguous run of [`BLOCK`] weights; the accumulators of a block stay in
//! vector registers (i32 lanes: the configuration guarantees ACC fits 32 bits). Rows are split
//! over threads with `std::thread::scope`; on x86-64 the kernel is compiled a second time for AVX2
//! and chosen at run time.

use ndarray::{Array2, ArrayView2};

/// Output columns per packed block: one spike updates this many accumulators at once.
pub const BLOCK: usize = 64;

/// Below this many spike × weight terms a single thread is faster than spawning.
const PARALLEL_WORK: usize = 1 << 22;

/// Weight storage narrow enough for the vector units.
trait Lane: Copy + Into<i32> + Default + Send + Sync {
    fn from_code(w: i64) -> Self;

    /// acc += Σ_{i ∈ plus} w_i − Σ_{i ∈ minus} w_i, w_i the BLOCK weights of input i in `block`.
    #[inline(always)]
    fn add_spikes(plus: &[u32], minus: &[u32], block: &[Self], acc: &mut [i32; BLOCK]) {
        for &i in plus {
            add_block(acc, &block[i as usize * BLOCK..][..BLOCK]);
        }
        for &i in minus {
            sub_block(acc, &block[i as usize * BLOCK..][..BLOCK]);
        }
    }
}

impl Lane for i8 {
    fn from_code(w: i64) -> Self {
        w as i8
    }

    /// 8-bit weights: sum up to [`NARROW_CHUNK`] spikes in 16-bit lanes (twice the lanes per
    /// vector), then widen into the 32-bit accumulators. The 16-bit partial sums wrap freely:
    /// the chunk's true sum fits 16 bits, so the wrapped result is exact.
    #[inline(always)]
    fn add_spikes(plus: &[u32], minus: &[u32], block: &[i8], acc: &mut [i32; BLOCK]) {
        for chunk in plus.chunks(NARROW_CHUNK) {
            let part = narrow_sum(chunk, block);
            for (a, &p) in acc.iter_mut().zip(&part) {
                *a += p as i32;
            }
        }
        for chunk in minus.chunks(NARROW_CHUNK) {
            let part = narrow_sum(chunk, block);
            for (a, &p) in acc.iter_mut().zip(&part) {
                *a -= p as i32;
            }
        }
    }
}

/// Σ of the 8-bit weight rows of `inputs` in 16-bit lanes, wrapping (exact when the true sum
/// fits 16 bits, which at most [`NARROW_CHUNK`] inputs guarantee).
#[inline(always)]
fn narrow_sum(inputs: &[u32], block: &[i8]) -> [i16; BLOCK] {
    let mut part = [0i16; BLOCK];
    for &i in inputs {
        let w = &block[i as usize * BLOCK..][..BLOCK];
        for (p, &v) in part.iter_mut().zip(w) {
            *p = p.wrapping_add(v as i16);
        }
    }
    part
}

impl Lane for i16 {
    fn from_code(w: i64) -> Self {
        w as i16
    }
}

/// Spikes per 16-bit partial sum of 8-bit weights: 255 · 128 = 32640 < 2^15.
const NARROW_CHUNK: usize = 255;

#[derive(Debug, Clone)]
enum Packed {
    Narrow(Vec<i8>),
    Wide(Vec<i16>),
}

/// Weights W [Dout, Din] stored as `[Dout / BLOCK (rounded up)][Din][BLOCK]`, the last block
/// zero-padded.
#[derive(Clone)]
pub struct PackedWeights {
    din: usize,
    dout: usize,
    data: Packed,
}

impl PackedWeights {
    /// Pack weight codes. The caller has checked |w| < 2^15 (`SpikeLinear::new` does); codes that
    /// fit 8 bits are stored as `i8`.
    pub fn pack(w: ArrayView2<i64>) -> Self {
        let (dout, din) = w.dim();
        let narrow = w.iter().all(|&v| i8::try_from(v).is_ok());
        let data = if narrow {
            Packed::Narrow(pack_as(w))
        } else {
            Packed::Wide(pack_as(w))
        };
        PackedWeights { din, dout, data }
    }

    pub fn din(&self) -> usize {
        self.din
    }

    pub fn dout(&self) -> usize {
        self.dout
    }
}

impl std::fmt::Debug for PackedWeights {
    /// Shape and storage only: the weights themselves would flood any message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lanes = match self.data {
            Packed::Narrow(_) => "i8",
            Packed::Wide(_) => "i16",
        };
        write!(
            f,
            "PackedWeights {{ dout: {}, din: {}, lanes: {lanes} }}",
            self.dout, self.din
        )
    }
}

fn pack_as<L: Lane>(w: ArrayView2<i64>) -> Vec<L> {
    let (dout, din) = w.dim();
    let blocks = dout.div_ceil(BLOCK);
    let mut data = vec![L::default(); blocks * din * BLOCK];
    for ((j, i), &v) in w.indexed_iter() {
        data[((j / BLOCK) * din + i) * BLOCK + j % BLOCK] = L::from_code(v);
    }
    data
}

/// The rule literally: for each output, add the weight where the spike is +1, subtract it where
/// the spike is −1. `q` [M, Din], `w` [Dout, Din]; returns [M, Dout].
pub fn accumulate_reference(q: ArrayView2<i8>, w: ArrayView2<i64>) -> Array2<i64> {
    let mut acc = Array2::<i64>::zeros((q.nrows(), w.nrows()));
    for (m, q_row) in q.outer_iter().enumerate() {
        for (j, w_row) in w.outer_iter().enumerate() {
            let mut sum = 0i64;
            for (&s, &wv) in q_row.iter().zip(w_row.iter()) {
                match s {
                    1 => sum += wv,
                    -1 => sum -= wv,
                    _ => {}
                }
            }
            acc[[m, j]] = sum;
        }
    }
    acc
}

/// Spike rows `q` (row-major [rows, Din], values in {−1, 0, +1}) times the packed weights:
/// returns row-major [rows, Dout] accumulators. Equal to [`accumulate_reference`].
pub fn accumulate_spikes(q: &[i8], w: &PackedWeights) -> Vec<i32> {
    run_rows(q, w, Kind::Ternary)
}

/// INT8 activations `x` (row-major [rows, Din]) times the packed weights: `Σ_i x·W[j][i]`.
pub fn accumulate_int8(x: &[i8], w: &PackedWeights) -> Vec<i32> {
    run_rows(x, w, Kind::Int8)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ternary,
    Int8,
}

fn run_rows(act: &[i8], w: &PackedWeights, kind: Kind) -> Vec<i32> {
    let (din, dout) = (w.din, w.dout);
    let rows = act.len().checked_div(din).unwrap_or(0);
    let mut out = vec![0i32; rows * dout];
    if rows == 0 || dout == 0 {
        return out;
    }
    let threads = if rows * din * dout >= PARALLEL_WORK {
        crate::model::worker_threads()
    } else {
        1
    }
    .min(rows);
    let rows_per_thread = rows.div_ceil(threads);
    std::thread::scope(|scope| {
        let chunks = act
            .chunks(rows_per_thread * din)
            .zip(out.chunks_mut(rows_per_thread * dout));
        for (act_chunk, out_chunk) in chunks {
            scope.spawn(move || rows_dispatch(act_chunk, w, kind, out_chunk));
        }
    });
    out
}

fn rows_dispatch(act: &[i8], w: &PackedWeights, kind: Kind, out: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above).
        unsafe {
            match &w.data {
                Packed::Narrow(d) => rows_avx2(act, d, w.din, w.dout, kind, out),
                Packed::Wide(d) => rows_avx2(act, d, w.din, w.dout, kind, out),
            }
        }
        return;
    }
    match &w.data {
        Packed::Narrow(d) => rows_kernel(act, d, w.din, w.dout, kind, out),
        Packed::Wide(d) => rows_kernel(act, d, w.din, w.dout, kind, out),
    }
}

/// The same kernel compiled with AVX2 enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rows_avx2<L: Lane>(
    act: &[i8],
    data: &[L],
    din: usize,
    dout: usize,
    kind: Kind,
    out: &mut [i32],
) {
    rows_kernel(act, data, din, dout, kind, out)
}

/// Event lists of one row: where it is non-zero, and with which sign or value.
struct Events {
    /// Per row, the range of `index`/`value` entries that belong to it.
    rows: Vec<std::ops::Range<usize>>,
    index: Vec<u32>,
    /// Ternary: +1 entries first, then −1 entries (`split[r]` is where −1 starts). Int8: values.
    value: Vec<i32>,
    split: Vec<usize>,
}

fn events(act: &[i8], din: usize, kind: Kind) -> Events {
    let mut e = Events {
        rows: Vec::new(),
        index: Vec::new(),
        value: Vec::new(),
        split: Vec::new(),
    };
    for row in act.chunks_exact(din) {
        let start = e.index.len();
        match kind {
            Kind::Ternary => {
                e.index
                    .extend((0..din as u32).filter(|&i| row[i as usize] > 0));
                e.split.push(e.index.len());
                e.index
                    .extend((0..din as u32).filter(|&i| row[i as usize] < 0));
            }
            Kind::Int8 => {
                for (i, &x) in row.iter().enumerate() {
                    if x != 0 {
                        e.index.push(i as u32);
                        e.value.push(x as i32);
                    }
                }
                e.split.push(e.index.len());
            }
        }
        e.rows.push(start..e.index.len());
    }
    e
}

#[inline(always)]
fn rows_kernel<L: Lane>(
    act: &[i8],
    data: &[L],
    din: usize,
    dout: usize,
    kind: Kind,
    out: &mut [i32],
) {
    let ev = events(act, din, kind);
    for (b, block) in data.chunks_exact(din * BLOCK).enumerate() {
        let first_col = b * BLOCK;
        let cols = BLOCK.min(dout - first_col);
        for (r, range) in ev.rows.iter().enumerate() {
            let mut acc = [0i32; BLOCK];
            let split = ev.split[r];
            match kind {
                Kind::Ternary => L::add_spikes(
                    &ev.index[range.start..split],
                    &ev.index[split..range.end],
                    block,
                    &mut acc,
                ),
                Kind::Int8 => {
                    for k in range.clone() {
                        let w = &block[ev.index[k] as usize * BLOCK..][..BLOCK];
                        mac_block(&mut acc, ev.value[k], w);
                    }
                }
            }
            out[r * dout + first_col..][..cols].copy_from_slice(&acc[..cols]);
        }
    }
}

#[inline(always)]
fn add_block<L: Lane>(acc: &mut [i32; BLOCK], w: &[L]) {
    for (a, &v) in acc.iter_mut().zip(w) {
        *a += v.into();
    }
}

#[inline(always)]
fn sub_block<L: Lane>(acc: &mut [i32; BLOCK], w: &[L]) {
    for (a, &v) in acc.iter_mut().zip(w) {
        *a -= v.into();
    }
}

#[inline(always)]
fn mac_block<L: Lane>(acc: &mut [i32; BLOCK], x: i32, w: &[L]) {
    for (a, &v) in acc.iter_mut().zip(w) {
        *a += x * v.into();
    }
}

#[cfg(test)]
mod tests;
