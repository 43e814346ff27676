//! One kept register copy (`spikelm_rep_reg`) of a fanned-out control, so that synthesis does
//! not merge the per-row copies of the PE controls back into one (`spikelm_pe_array`).
//!
//! No model of its own: it is a register; checked through the engine co-simulation.
