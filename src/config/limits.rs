//! Limits and widths shared by the configuration and the register map (`src/rtl/regmap.rs`),
//! kept apart from `derived.rs` so that the register map can use them while `derived.rs` reads
//! the map's offset width.

/// Largest `model.time_steps`; it also sizes the register map's per-step arrays.
pub const MAX_TIME_STEPS: u32 = 16;

/// Bits to index `n` distinct values (at least 1).
pub fn clog2(n: u64) -> u32 {
    if n <= 1 {
        1
    } else {
        64 - (n - 1).leading_zeros()
    }
}
