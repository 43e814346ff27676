//! Verification checkers: `spikelm_axis_checker` (valid held until ready, data and `tlast`
//! stable while stalled, no beat after the last) and `spikelm_csr_checker` (the register bus's
//! read timing). They flag violations as plain logic and, under `FORMAL`, assert or assume them.
//! They are written to `formal/`, never listed in `files.f`, so neither synthesis nor the
//! co-simulation build reads them.
//!
//! Used by the bounded proofs in `tests/formal_engine.rs` (SymbiYosys); linted by
//! `tests/rtl_lint.rs`. The Verilator harness checks the same rules in C++.
