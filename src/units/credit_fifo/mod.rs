//! Output FIFO with start credits (`spikelm_credit_fifo`): lets a unit's output pass run as a
//! pipeline without stalls behind a valid/ready output.
//!
//! Storage and flow control, no arithmetic. Unit test: `tests.rs` (order, no overflow and
//! `out_valid` under random want and ready; the latency up to which it runs at full throughput);
//! also exercised by the softmax and LayerNorm co-simulations under random output stalls.

#[cfg(test)]
mod tests;
