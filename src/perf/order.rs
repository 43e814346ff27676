//! How a run's tokens fall into row blocks and spike-buffer banks, and the order in which the
//! engine streams weights and drains outputs (docs/engine.md, "Schedule"). The vector writer,
//! the board driver, the cycle model and the traffic estimate all read it from here.
//!
//! A bank holds up to `blocks_per_bank` row blocks. For each bank and each column block, the
//! engine reduces and drains every row block of the bank in turn; the first takes its weights
//! from the weight stream, the others read them back from the weight buffer. So the weight
//! stream carries every column block once per bank, and outputs come bank by bank, column
//! block by column block, row block by row block, R rows each.

use crate::config::Params;

/// The row blocks of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocks {
    /// Row blocks of the run (the last may hold fewer real tokens).
    pub blocks: usize,
    /// Row blocks per bank.
    pub per_bank: usize,
}

impl Blocks {
    /// The blocks of a run over `tokens` tokens (rounded up to whole row blocks).
    pub fn of(params: &Params, tokens: usize) -> Self {
        let d = &params.derived;
        Blocks {
            blocks: tokens.div_ceil(d.tokens_per_row_block as usize),
            per_bank: d.blocks_per_bank as usize,
        }
    }

    /// Banks of the run: one weight-stream pass over every column block each.
    pub fn banks(&self) -> usize {
        self.blocks.div_ceil(self.per_bank)
    }

    /// Row blocks in bank `bank` (only the run's last bank may hold fewer than `per_bank`).
    pub fn in_bank(&self, bank: usize) -> usize {
        self.per_bank.min(self.blocks - bank * self.per_bank)
    }

    /// (row block, column block) of drain `k` (0-based, R output beats each).
    pub fn drain(&self, k: usize, col_blocks: usize) -> (usize, usize) {
        // Only the last bank may be short, so every bank before k's is full.
        let bank = k / (self.per_bank * col_blocks);
        let j = k - bank * self.per_bank * col_blocks;
        let n = self.in_bank(bank);
        (bank * self.per_bank + j % n, j / n)
    }

    /// (row block, column block) of every drain, in output order.
    pub fn drain_order(&self, col_blocks: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.blocks * col_blocks).map(move |k| self.drain(k, col_blocks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_bank_by_bank_then_column_block_then_row_block() {
        let b = Blocks {
            blocks: 5,
            per_bank: 2,
        };
        assert_eq!(b.banks(), 3);
        assert_eq!((b.in_bank(0), b.in_bank(2)), (2, 1));
        let order: Vec<_> = b.drain_order(2).collect();
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
                (3, 1),
                (4, 0),
                (4, 1)
            ]
        );
    }

    #[test]
    fn one_block_per_bank_is_row_block_then_column_block() {
        let b = Blocks {
            blocks: 2,
            per_bank: 1,
        };
        let order: Vec<_> = b.drain_order(3).collect();
        assert_eq!(order, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    }
}
