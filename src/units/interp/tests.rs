//! Unit tests of the interpolated table model.

use super::*;

#[test]
fn lookup_hits_the_samples_and_interpolates_between_them() {
    let t = InterpTable::sample(2, |i| (i * i * 10) as f64); // 0, 10, 40, 90, 160
    assert_eq!(t.len(), 4);
    assert_eq!(t.lookup(2, 0, 3), 40);
    // 40 + R(50 · 3, 3) = 40 + R(150, 3) = 40 + 19 (18.75 rounds up).
    assert_eq!(t.lookup(2, 3, 3), 59);
    // 90 + R(70 · 4, 3) = 90 + 35: half way.
    assert_eq!(t.lookup(3, 4, 3), 125);
    assert_eq!(t.words()[3], (90, 70));
    assert_eq!(t.widths(), (8, 8));
}

#[test]
fn verilog_literal_packs_words_low_first() {
    let t = InterpTable::sample(1, |i| [1.0, -1.0, 2.0][i]); // words (1, -2), (-1, 3)
                                                             // word 0 = {d = -2 (3 bits) = 110, v = 1 (2 bits) = 01} = 11001; word 1 = {011, 11} = 01111.
    assert_eq!(t.verilog_literal(2, 3), "10'h1f9");
}
