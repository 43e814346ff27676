//! The pipelined multiplier against exact products.

use crate::units::interp::ecp5_sim::simulate_files_ecp5;
use crate::units::testbench::{simulate_files, Lcg};

/// Signed operands of `bits` bits: both ends of the range, 0, ±1, a limb boundary, then random.
fn operands(bits: u32, count: usize, rng: &mut Lcg) -> Vec<i64> {
    assert!(bits < 63);
    let (lo, hi) = (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1);
    let mut v = vec![
        lo,
        hi,
        0,
        1,
        -1,
        lo + 1,
        hi.min(1 << 17),
        (-(1i64 << 17)).max(lo),
    ];
    while v.len() < count {
        v.push(rng.below(1 << bits) as i64 + lo);
    }
    v
}

/// The multiplier's latency in cycles (its `LAT` parameter).
const LAT: usize = 5;

/// `spikelm_mul_pipe` at (WA, WB): every pair of the operand lists in turn, one per cycle; the
/// product printed LAT cycles later equals the exact one, in the plain form and in the ECP5
/// form (registered MULT18X18D limb products).
fn check(wa: u32, wb: u32, seed: u64) {
    let mut rng = Lcg(seed);
    let a = operands(wa, 64, &mut rng);
    let mut b = operands(wb, 64, &mut rng);
    b.rotate_left(3); // pair the extremes of a with other values of b as well
    let pairs: Vec<(i64, i64)> = a
        .iter()
        .flat_map(|&x| [(x, b[(x.unsigned_abs() % 64) as usize]), (x, x.signum())])
        .chain(a.iter().zip(&b).map(|(&x, &y)| (x, y)))
        .collect();
    let n = pairs.len();
    let mut init = String::new();
    for (k, (x, y)) in pairs.iter().enumerate() {
        init.push_str(&format!("        as_[{k}] = {x}; bs_[{k}] = {y};\n"));
    }
    let tb = format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
         \x20   reg clk = 0; always #1 clk = ~clk;\n\
         \x20   reg [{wa}-1:0] a = 0, as_ [0:{n}]; reg [{wb}-1:0] b = 0, bs_ [0:{n}];\n\
         \x20   wire [{pw}-1:0] p; integer k;\n\
         \x20   spikelm_mul_pipe #(.WA({wa}), .WB({wb}), .LAT({LAT})) dut (.clk(clk), .a(a), .b(b), .p(p));\n\
         \x20   initial begin\n{init}\
         \x20       for (k = 0; k < {n} + {LAT}; k = k + 1) begin\n\
         \x20           @(negedge clk);\n\
         \x20           if (k >= {LAT}) $display(\"P %0d\", $signed(p));\n\
         \x20           if (k < {n}) begin a = as_[k]; b = bs_[k]; end\n\
         \x20       end\n\
         \x20       $finish;\n\
         \x20   end\nendmodule\n",
        pw = wa + wb,
    );
    let files = [
        "standalone/spikelm_mul18_ce.v",
        "standalone/spikelm_mul_pipe.v",
    ];
    for ecp5 in [false, true] {
        let log = if ecp5 {
            simulate_files_ecp5(&files, &tb)
        } else {
            simulate_files(&files, &tb)
        };
        let got: Vec<i128> = log
            .lines()
            .filter_map(|l| l.strip_prefix("P "))
            .map(|v| v.trim().parse().expect("a product"))
            .collect();
        // Line k is printed LAT cycles after pair k was applied.
        assert_eq!(got.len(), n, "({wa}, {wb}) ecp5 {ecp5}: products");
        for (k, ((x, y), p)) in pairs.iter().zip(&got).enumerate() {
            assert_eq!(
                *p,
                i128::from(*x) * i128::from(*y),
                "({wa}, {wb}) ecp5 {ecp5} pair {k}: {x} * {y}"
            );
        }
    }
}

/// The LayerNorm unit's four multipliers (x², H·x, c·t, z·G at the encoder's format) and the
/// limits of the range: one limb each, a top limb of exactly 18 bits, three limbs of a, four limb products.
#[test]
fn products_are_exact_at_every_limb_split() {
    for (k, (wa, wb)) in [
        (26, 26),
        (26, 11),
        (38, 18),
        (21, 18),
        (5, 3),
        (18, 18),
        (35, 35),
        (52, 18),
    ]
    .into_iter()
    .enumerate()
    {
        check(wa, wb, 40 + k as u64);
    }
}
