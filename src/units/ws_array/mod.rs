//! R × C weight-stationary ternary array (`spikelm_ws_array`) of [`crate::units::ws_pe`] cells:
//! a weight block resident in the PEs (double-buffered, loaded one row per beat), one vector of
//! R spikes per cycle, and C column sums out [`latency`] cycles later, with partial sums only as
//! wide as their row needs ([`ps_bits`]). The study it comes from is `docs/pe-study.md` (e').
//! The sum over a whole reduction is [`crate::units::col_acc`]'s; [`block_period`] and
//! [`reduction_cycles`] are the stall-free schedule of the two together. No engine instantiates
//! them yet: the controller, spike-buffer layout and cycle model for them are not built.
//!
//! Reference: [`column_sums`]; unit tests `tests.rs` and `datapath_tests.rs` (Icarus, plain
//! and CCU2C forms).

#[cfg(test)]
mod datapath_tests;
#[cfg(test)]
mod tests;

/// Signed bits of the partial sum after array row `row` (0 = top): the sum of `row + 1`
/// sign-selected weights of `wb` bits, |sum| ≤ (row + 1) · 2^(wb−1) (the negated most negative
/// weight is the largest term). The template's `ps_bits` is the same rule.
pub fn ps_bits(row: usize, wb: u32) -> u32 {
    let bound = (row as u64 + 1) << (wb - 1);
    1 + crate::config::clog2(bound + 1)
}

/// Cycles from a vector entering (`in_valid`) to its column sums (`out_valid`): the skew of the
/// R rows, the spike's two copy registers and the bottom row's partial-sum register.
pub fn latency(rows: usize) -> usize {
    rows + 3
}

/// Cycles one weight block occupies in the stall-free schedule of `vectors` vectors on an
/// array of `rows` rows: its vectors, one per cycle; at least 2R (the next block's R loads
/// start R cycles after this block's first vector and end before the next block's first); and
/// at least [`crate::units::col_acc::VISIT_GAP`] (a vector's next visit of the column
/// accumulators).
pub fn block_period(vectors: usize, rows: usize) -> usize {
    vectors.max(2 * rows).max(crate::units::col_acc::VISIT_GAP)
}

/// The cycle, counted from the first weight row loaded (cycle 0), in which the last vector's
/// sums leave the column accumulators, for one reduction of `blocks` weight blocks over
/// `vectors` vectors without stalls: R loads, the blocks, the last block's vectors, the array
/// and the accumulators.
pub fn reduction_cycles(vectors: usize, rows: usize, blocks: usize) -> usize {
    rows + (blocks - 1) * block_period(vectors, rows)
        + (vectors - 1)
        + latency(rows)
        + crate::units::col_acc::LATENCY
}

/// The array's output for one vector: for each column c, Σ_j s_j · W[j][c], with `spikes[j]` ∈
/// {−1, 0, +1} the spike of the block's input j and `weights[j]` that input's row of C weights
/// (the j-th row loaded).
pub fn column_sums(weights: &[Vec<i64>], spikes: &[i8]) -> Vec<i64> {
    let cols = weights.first().map_or(0, Vec::len);
    let mut out = vec![0i64; cols];
    for (row, &s) in weights.iter().zip(spikes) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += i64::from(s) * w;
        }
    }
    out
}
