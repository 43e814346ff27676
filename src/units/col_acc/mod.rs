//! Column accumulators of the weight-stationary array (`spikelm_col_acc`): per vector, the C
//! sums over a reduction's weight blocks, one block's partial sums (the array's output) per
//! visit, in one block-RAM word per vector and column, read, added and written back.
//!
//! Reference: [`reduce`]; unit test `tests.rs` (Icarus, the plain memory and the DP16KD form).

#[cfg(test)]
mod tests;

/// Cycles from a visit (its partial sums in) to the sums of a last block out.
pub const LATENCY: usize = 6;

/// Cycles between two visits of one vector, at least: its write-back must land before the
/// next visit reads it (the read's request copy, the memory's two-cycle read, two landing
/// registers, the add, the write's link register).
pub const VISIT_GAP: usize = 7;

/// The sums over a reduction of one vector: the partial sums of each block, column by column.
pub fn reduce(blocks: &[Vec<i64>]) -> Vec<i64> {
    let cols = blocks.first().map_or(0, Vec::len);
    (0..cols)
        .map(|c| blocks.iter().map(|b| b[c]).sum())
        .collect()
}
