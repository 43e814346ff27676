//! Unit tests of the GELU model.

use super::*;

const FMT: GeluFormat = GeluFormat {
    xw: 16,
    fx: 10,
    yw: 20,
    fy: 12,
};

/// Over every 16-bit input code at F = 10 the fixed-point GELU is within 1.1 output LSB of the
/// float GELU (interpolation ≤ 0.8·2^−15, two roundings, the clamps at ±4 ≤ 1.3e-4).
#[test]
fn every_input_code_is_within_one_lsb_of_float() {
    let t = table();
    let lsb = (-f64::from(FMT.fy)).exp2();
    let mut worst = 0.0f64;
    for x in -(1i64 << 15)..(1 << 15) {
        let y = gelu(x, &FMT, &t) as f64 * lsb;
        let want = host::gelu(x as f64 / 1024.0);
        worst = worst.max((y - want).abs());
    }
    assert!(
        worst <= 1.1 * lsb,
        "worst error {worst} = {} LSB",
        worst / lsb
    );
}

#[test]
fn clamps_and_passes_through_outside_the_table() {
    let t = table();
    assert_eq!(gelu(-4097, &FMT, &t), 0);
    assert_eq!(gelu(-(1 << 15), &FMT, &t), 0);
    assert_eq!(gelu(4096, &FMT, &t), 4096 * 4);
    assert_eq!(gelu(0, &FMT, &t), 0);
    // Narrow output saturates.
    let narrow = GeluFormat { yw: 14, ..FMT };
    assert_eq!(gelu(32767, &narrow, &t), (1 << 13) - 1);
    assert!(FMT.check().is_ok());
    assert!(GeluFormat { fx: 4, ..FMT }.check().is_err());
}
