//! Weight-stationary ternary PE (`spikelm_ws_pe`): one weight (double-buffered) and the
//! sign-select add of a partial sum coming down its column, `ps = ps_in + (±w or 0)`, in a
//! plain form and an ECP5 CCU2C form (`array.adder = ecp5_ccu2c`, the sign select inside the
//! carry cell's LUT4). Not yet in the engine.
//!
//! Reference: [`crate::units::ws_array::column_sums`], through the array's unit test (both
//! forms).
