//! The sign-select adder built from CCU2C cells (`array.adder = ecp5_ccu2c`) under Icarus,
//! exhaustively at odd and even widths.

use crate::units::signsel_add::tests::signsel_testbench;
use crate::units::testbench::simulate;

#[test]
fn ccu2c_signsel_adder_is_exhaustively_correct_at_odd_and_even_widths() {
    // Odd N: the chain ends on a sum half; even N: it ends on a spare half.
    for n in [7, 8] {
        let log = simulate(&["array.adder=ecp5_ccu2c"], &signsel_testbench(n));
        assert!(log.contains("ERRORS 0"), "N = {n}: {log}");
    }
}
