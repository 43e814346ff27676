//! Output FIFO with start credits (`spikelm_credit_fifo`): lets a unit's output pass run as a
//! pipeline without stalls behind a valid/ready output.
//!
//! Storage and flow control, no arithmetic: checked through the softmax and LayerNorm
//! co-simulation under random output stalls (`src/units/softmax/tests.rs`).
