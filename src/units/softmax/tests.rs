//! Unit tests of the softmax model.

use super::*;

const FMT: SoftmaxFormat = SoftmaxFormat {
    fz: 12,
    zw: 24,
    pf: 15,
};

fn float_softmax(z: &[f64], keep: &[bool]) -> Vec<f64> {
    let m = z
        .iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(&v, _)| v)
        .fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z
        .iter()
        .zip(keep)
        .map(|(&v, &k)| if k { (v - m).exp2() } else { 0.0 })
        .collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Random rows (log2-domain spread up to ±16, random masks): every probability within 2^−13 of
/// float (4 LSB at PF = 15), masked ones exactly 0, sums within 2^−10 of 1.
#[test]
fn random_rows_match_float_softmax() {
    let (exp, recip) = (exp2_table(), recip_table());
    let mut s = 0x5eed_u64;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 20) % m
    };
    for _ in 0..300 {
        let n = 1 + next(128) as usize;
        let spread = 1 + next(16) as i64;
        let z: Vec<i64> = (0..n)
            .map(|_| next((2 * spread as u64) << 12) as i64 - (spread << 12))
            .collect();
        let keep: Vec<bool> = (0..n).map(|i| i == 0 || next(5) != 0).collect();
        let p = softmax_row(&z, &keep, &FMT, &exp, &recip);
        let zf: Vec<f64> = z.iter().map(|&v| v as f64 / 4096.0).collect();
        let want = float_softmax(&zf, &keep);
        let one = f64::from(1u32 << FMT.pf);
        for ((&pi, wi), &k) in p.iter().zip(&want).zip(&keep) {
            if !k {
                assert_eq!(pi, 0);
            }
            assert!((pi as f64 / one - wi).abs() < 1.0 / 8192.0, "{pi} vs {wi}");
        }
        let sum = p.iter().sum::<i64>() as f64 / one;
        assert!((sum - 1.0).abs() < 1.0 / 1024.0, "sum {sum}");
    }
}

#[test]
fn fully_masked_row_is_zero_and_single_position_is_one() {
    let (exp, recip) = (exp2_table(), recip_table());
    assert_eq!(
        softmax_row(&[5, 7], &[false, false], &FMT, &exp, &recip),
        vec![0, 0]
    );
    assert_eq!(
        softmax_row(&[-(1 << 23), 7], &[true, false], &FMT, &exp, &recip),
        vec![1 << 15, 0]
    );
    // Two equal scores: exactly one half each.
    assert_eq!(
        softmax_row(&[100, 100], &[true, true], &FMT, &exp, &recip),
        vec![1 << 14, 1 << 14]
    );
    assert_eq!(log2_score(1 << 20, 1 << 10, 0, &FMT), (1 << 23) - 1);
}

use crate::units::interp::ecp5_sim::simulate_files_ecp5;
use crate::units::testbench::{
    check_rows, row_driver, row_periods, simulate_files, tagged_beats, Lcg, INPUT_STAMPS,
};

/// Files of the softmax unit in the generated tree, leaves first.
const SOFTMAX_FILES: [&str; 6] = [
    "rtl/spikelm_delay.v",
    "rtl/spikelm_ram_sdp.v",
    "standalone/spikelm_mul18_ce.v",
    "standalone/spikelm_interp.v",
    "standalone/spikelm_credit_fifo.v",
    "standalone/spikelm_softmax.v",
];

/// The RTL's parameters beside the model's format.
struct Dut {
    fmt: SoftmaxFormat,
    n: usize,
    ab: u32,
}

/// One row of the stimulus: scores, keep mask, and whether the row's last beat carries
/// `in_last` (a row of exactly N beats may end by its length alone).
struct Row {
    z: Vec<i64>,
    keep: Vec<bool>,
    last_flag: bool,
}

/// A testbench streaming `rows` through `spikelm_softmax`, with random valid and ready (seeded)
/// or without stalls, printing every output beat as `P <p> <last>` and every input beat taken
/// as `A <cycle>`.
fn stream_tb(dut: &Dut, rows: &[Row], seed: u32, stalls: bool) -> String {
    let mut init = String::new();
    let mut beats = 0usize;
    for row in rows {
        for (i, (z, k)) in row.z.iter().zip(&row.keep).enumerate() {
            let last = u8::from(i + 1 == row.z.len() && row.last_flag);
            init.push_str(&format!(
                "        zs[{beats}] = {z}; ks[{beats}] = {}; ls[{beats}] = {last};\n",
                u8::from(*k)
            ));
            beats += 1;
        }
    }
    let f = &dut.fmt;
    let zw = f.zw;
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
         \x20   reg clk = 0; always #1 clk = ~clk;\n\
         \x20   reg rst = 1, in_valid = 0, out_ready = 0;\n\
         \x20   reg [{zw}-1:0] in_z = 0; reg in_keep = 0, in_last = 0;\n\
         \x20   reg [{zw}-1:0] zs [0:{beats}]; reg ks [0:{beats}]; reg ls [0:{beats}];\n\
         \x20   wire in_ready, out_valid, out_last; wire [{pf}:0] out_p;\n\
         \x20   integer accepted = 0, emitted = 0, seed = {seed};\n\
         \x20   spikelm_softmax #(.ZW({zw}), .FZ({fz}), .PF({pf}), .N({n}), .AB({ab})) dut (\n\
         \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_z(in_z),\n\
         \x20       .in_keep(in_keep), .in_last(in_last), .out_valid(out_valid),\n\
         \x20       .out_ready(out_ready), .out_p(out_p), .out_last(out_last));\n\
{stamps}\
         \x20   always @(posedge clk) begin\n\
         \x20       if (in_valid && in_ready) accepted <= accepted + 1;\n\
         \x20       if (out_valid && out_ready) begin\n\
         \x20           $display(\"P %0d %0d\", out_p, out_last); emitted <= emitted + 1;\n\
         \x20       end\n\
         \x20   end\n\
         \x20   initial begin\n{init}\
         \x20       repeat (3) @(negedge clk); rst = 0;\n\
{driver}\
         \x20   end\nendmodule\n",
        stamps = INPUT_STAMPS,
        driver = row_driver(
            beats,
            "in_z = zs[accepted]; in_keep = ks[accepted]; in_last = ls[accepted];",
            stalls,
        ),
        fz = f.fz,
        pf = f.pf,
        n = dut.n,
        ab = dut.ab,
    )
}

/// Rows that reach every edge: length 1 (kept and masked), length N (ended by in_last and by
/// the length alone), every position masked, one kept position among masked ones, equal
/// scores, both ends of the z range, distances d at whole multiples of 2^FZ, at the table's
/// interval edges and around the cut-off (n = 17 kept, n = 18 zero), then random rows.
fn rows(dut: &Dut, random: usize, seed: u64) -> Vec<Row> {
    let f = &dut.fmt;
    let (zmax, zmin) = ((1i64 << (f.zw - 1)) - 1, -(1i64 << (f.zw - 1)));
    let one = 1i64 << f.fz;
    let step = 1i64 << (f.fz - EXP_STEP_BITS);
    let n = dut.n;
    let row = |z: Vec<i64>, keep: Vec<bool>| Row {
        z,
        keep,
        last_flag: true,
    };
    let mut out = vec![
        row(vec![5], vec![true]),
        row(vec![5], vec![false]),
        row(vec![zmin; n], vec![true; n]),
        Row {
            z: (0..n as i64).map(|i| i * 100 - 7).collect(),
            keep: vec![true; n],
            last_flag: false,
        },
        row(vec![3, -9], vec![false, false]),
        row(vec![zmax, zmin], vec![false, true]),
        row(vec![zmax, zmin, 0], vec![true, true, true]),
        row(vec![100, 100], vec![true, true]),
        row(
            vec![0, -17 * one, -18 * one, -18 * one + 1, -17 * one - 1],
            vec![true; 5],
        ),
        row(
            vec![0, -one, -2 * one, -3 * one + step, -step - 1],
            vec![true; 5],
        ),
        // The last exp2 interval at its largest fraction.
        row(vec![0, -one + 1], vec![true; 2]),
    ];
    let mut rng = Lcg(seed);
    let mut next = |m: u64| rng.below(m);
    for r in 0..random {
        let len = if r % 4 == 0 {
            n
        } else {
            1 + next(n as u64) as usize
        };
        let spread = 1 + next(20) as i64;
        let z: Vec<i64> = (0..len)
            .map(|_| {
                (next((2 * spread as u64) << f.fz) as i64 - (spread << f.fz)).clamp(zmin, zmax)
            })
            .collect();
        let keep: Vec<bool> = (0..len).map(|_| next(4) != 0).collect();
        out.push(row(z, keep));
    }
    // Rows must fit the unit: a longer one would be split by the RTL at N.
    assert!(out
        .iter()
        .all(|r| r.z.len() <= n && r.z.len() == r.keep.len()));
    out
}

/// The co-simulation's outputs `(p, last)`, one per output beat: in the plain form, or in the
/// ECP5 forms (registered MULT18X18D, the row buffer as DP16KD).
fn simulate(dut: &Dut, rows: &[Row], seed: u32, ecp5: bool) -> Vec<(i64, bool)> {
    let tb = stream_tb(dut, rows, seed, true);
    let log = if ecp5 {
        simulate_files_ecp5(&SOFTMAX_FILES, &tb)
    } else {
        simulate_files(&SOFTMAX_FILES, &tb)
    };
    tagged_beats(&log, "P")
}

/// A model with one rounding replaced by truncation: the exp2 shift (`exp`) or the final
/// normalising shift (`norm`).
fn altered_row(z: &[i64], keep: &[bool], fmt: &SoftmaxFormat, which: &str) -> Vec<i64> {
    let (exp, recip) = (exp2_table(), recip_table());
    let Some(zmax) = kept_max(z, keep) else {
        return vec![0; z.len()];
    };
    let e: Vec<i64> = z
        .iter()
        .zip(keep)
        .map(|(&v, &k)| {
            let d = zmax - v;
            if !k || d >> fmt.fz > i64::from(EXP_FRAC) + 1 {
                0
            } else if which == "exp" {
                // R(E, n) → E >> n: the table value at n = 0, truncated otherwise.
                exp2_neg(d & ((1 << fmt.fz) - 1), fmt.fz, &exp) >> (d >> fmt.fz)
            } else {
                exp2_neg(d, fmt.fz, &exp)
            }
        })
        .collect();
    let (r, k) = reciprocal(e.iter().sum(), &recip);
    let sh = RECIP_FRAC + k - fmt.pf;
    e.iter()
        .map(|&v| {
            let p = if which == "norm" {
                (v * r) >> sh
            } else {
                round_shift(v * r, sh)
            };
            p.min(1 << fmt.pf)
        })
        .collect()
}

/// The units under test: the encoder's format (N = 16) and a narrow one (N = 5, not a power of
/// two; coarse probabilities).
fn duts() -> [Dut; 2] {
    [
        Dut {
            fmt: FMT,
            n: 16,
            ab: 4,
        },
        Dut {
            fmt: SoftmaxFormat {
                fz: 8,
                zw: 18,
                pf: 7,
            },
            n: 5,
            ab: 3,
        },
    ]
}

/// The RTL against the model, bit for bit, under random valid/ready stalls, at the encoder's
/// format (N = 16) and at a narrow one (N = 5, not a power of two; coarse probabilities).
/// The same stimuli separate the model from versions of it whose exp2 or normalising
/// rounding truncates, so a change of either rounding in the model fails this test.
#[test]
fn rtl_matches_the_model_under_random_stalls() {
    let (exp, recip) = (exp2_table(), recip_table());
    let mut differ = [0usize; 2];
    for (t, dut) in duts().iter().enumerate() {
        dut.fmt.check().expect("a valid format");
        let rows = rows(dut, 60, 3 + t as u64);
        let want: Vec<_> = rows
            .iter()
            .map(|r| softmax_row(&r.z, &r.keep, &dut.fmt, &exp, &recip))
            .collect();
        let alt: Vec<_> = rows
            .iter()
            .map(|r| ["exp", "norm"].map(|w| altered_row(&r.z, &r.keep, &dut.fmt, w)))
            .collect();
        for ecp5 in [false, true] {
            let got = simulate(dut, &rows, 7 + t as u32, ecp5);
            let what = format!("{:?} ecp5 {ecp5}", dut.fmt);
            check_rows(&got, &want, &alt, &mut differ, &what);
        }
    }
    // Coarse probabilities (PF = 7) hide the exp2 rounding; the encoder's format shows both.
    assert!(
        differ.iter().all(|&d| d > 0),
        "a model with truncating rounding would pass too ({differ:?} beats differ)"
    );
}

/// Without stalls every row takes exactly the cycles of `row_cycles` (first beat to the next
/// row's first beat), at both formats: rows of 1 to N beats, fully masked rows (no
/// normalisation) and sums from one kept position (the most shifts) to N equal ones (the
/// fewest).
#[test]
fn rtl_row_cycles_equal_the_cycle_model() {
    let exp = exp2_table();
    for (t, dut) in duts().iter().enumerate() {
        let mut rows = rows(dut, 24, 11 + t as u64);
        rows.push(Row {
            z: vec![0; dut.n],
            keep: vec![true; dut.n],
            last_flag: true,
        });
        let log = simulate_files(&SOFTMAX_FILES, &stream_tb(dut, &rows, 1, false));
        let lens: Vec<usize> = rows.iter().map(|r| r.z.len()).collect();
        let got = row_periods(&log, &lens);
        let want: Vec<u64> = rows[..rows.len() - 1]
            .iter()
            .map(|r| row_cycles(&r.z, &r.keep, &dut.fmt, dut.ab, &exp))
            .collect();
        assert_eq!(got, want, "{:?} N {}", dut.fmt, dut.n);
        for (r, p) in rows.iter().zip(&got) {
            let (lo, hi) = row_cycles_bounds(r.z.len(), dut.ab);
            assert!((lo..=hi).contains(p), "{p} outside {lo}..={hi}");
        }
    }
}
