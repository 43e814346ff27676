//! What the reference model says one run must produce, in the layout the vector writer reads.

use ndarray::Array3;

/// Expected values of one run, from the bit-accurate reference model.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Membrane U_t after saturation, [T, N, Din].
    pub mem: Array3<i64>,
    /// Spike q_t in {-1, 0, +1}, [T, N, Din].
    pub spike: Array3<i8>,
    /// Accumulator ACC_t, [T, N, Dout].
    pub acc: Array3<i64>,
    /// Output Y_t, [T, N, Dout].
    pub y: Array3<i64>,
    /// Firing-rate counters per time step.
    pub pos_count: Vec<u64>,
    pub neg_count: Vec<u64>,
    pub add_count: Vec<u64>,
}

/// The 2-bit spike code of docs/engine.md: +1 = 2'b10, -1 = 2'b11, 0 = 2'b00.
pub fn spike_code(q: i8) -> u32 {
    match q {
        1 => 0b10,
        -1 => 0b11,
        _ => 0b00,
    }
}

/// Inverse of [`spike_code`]; `None` for the illegal code 2'b01.
pub fn spike_value(code: u32) -> Option<i8> {
    match code & 3 {
        0b10 => Some(1),
        0b11 => Some(-1),
        0b00 => Some(0),
        _ => None,
    }
}
