//! Unit tests of the LayerNorm model.

use super::*;
use crate::model::encoder::host;
use crate::model::encoder::LayerNormWeights;
use ndarray::Array2;

const FMT: LayerNormFormat = LayerNormFormat {
    fx: 16,
    fn_: 12,
    fg: 12,
    yw: 22,
    fy: 14,
};

/// Random rows of 384 values with random scale (σ from 2^−6 to 2^3) and offset, random γ, β:
/// every output within 2^−9 of the float LayerNorm of the same input codes.
#[test]
fn random_rows_match_float_layer_norm() {
    let table = rsqrt_table();
    let mut s = 0xabc_u64;
    let mut next = |m: u64| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 20) % m
    };
    let h = 384;
    for trial in 0..40 {
        let sigma = (trial as f64 / 4.0 - 6.0).exp2();
        let off = next(2000) as f64 / 1000.0 - 1.0;
        let x: Vec<i64> = (0..h)
            .map(|_| {
                let u = next(1 << 20) as f64 / f64::from(1 << 20) - 0.5;
                rne((off + 3.4 * sigma * u) * 65536.0)
            })
            .collect();
        let gamma: Vec<f64> = (0..h).map(|_| next(3000) as f64 / 1000.0 - 0.5).collect();
        let beta: Vec<f64> = (0..h).map(|_| next(2000) as f64 / 1000.0 - 1.0).collect();
        let codes = LayerNormCodes::new(&gamma, &beta, 1e-12, &FMT);
        let y = layer_norm_row(&x, &codes, &FMT, &table);
        let w = LayerNormWeights {
            gamma: codes.gamma.iter().map(|&g| g as f64 / 4096.0).collect(),
            beta: codes.beta.iter().map(|&b| b as f64 / 16384.0).collect(),
        };
        let xf = Array2::from_shape_fn((1, h), |(_, j)| x[j] as f64 / 65536.0);
        let want = host::layer_norm(xf.view(), &w, 1e-12);
        for (a, b) in y.iter().zip(want.iter()) {
            assert!(
                (*a as f64 / 16384.0 - b).abs() < 1.0 / 512.0,
                "trial {trial}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn constant_row_gives_beta_and_rsqrt_normalises() {
    let table = rsqrt_table();
    let codes = LayerNormCodes {
        gamma: vec![4096; 4],
        beta: vec![7, -3, 0, 1],
        eps: 0,
    };
    assert_eq!(
        layer_norm_row(&[5, 5, 5, 5], &codes, &FMT, &table),
        vec![7, -3, 0, 1]
    );
    // 1/√(4^10) = 2^−10: t = 2^16 at u = 1.
    let (t, s) = rsqrt(1 << 20, &table);
    assert_eq!((t, s), (1 << 16, 10));
    // ±1 around a mean: z = ±1 exactly.
    let y = layer_norm_row(&[65536, -65536, 65536, -65536], &codes, &FMT, &table);
    assert_eq!(y, vec![16384 + 7, -16384 - 3, 16384, -16384 + 1]);
}

use crate::units::interp::ecp5_sim::simulate_files_ecp5;
use crate::units::testbench::{
    check_rows, row_driver, row_periods, simulate_files, tagged_beats, Lcg, INPUT_STAMPS,
};

/// Files of the LayerNorm unit in the generated tree, leaves first.
const LAYERNORM_FILES: [&str; 8] = [
    "standalone/spikelm_sat.v",
    "rtl/spikelm_delay.v",
    "rtl/spikelm_ram_sdp.v",
    "standalone/spikelm_mul18_ce.v",
    "standalone/spikelm_interp.v",
    "standalone/spikelm_mul_pipe.v",
    "standalone/spikelm_credit_fifo.v",
    "standalone/spikelm_layernorm.v",
];

/// The RTL's parameters beside the model's format.
struct Dut {
    fmt: LayerNormFormat,
    xw: u32,
    gw: u32,
    ew: u32,
    n: usize,
    ab: u32,
}

/// One row: the codes, and whether its last beat carries `in_last` (a row of N beats may end
/// by its length alone).
struct Row {
    x: Vec<i64>,
    last_flag: bool,
}

/// A testbench writing γ and β of every channel through the parameter port, then streaming
/// `rows` through `spikelm_layernorm` with random valid and ready (seeded) or without stalls,
/// printing every output beat as `Y <y> <last>`, each row's accumulated D = E + H·Q − S²
/// (before the max with 1) as `D <d>` when the stat pass has finished, and every input beat
/// taken as `A <cycle>`.
fn stream_tb(dut: &Dut, codes: &LayerNormCodes, rows: &[Row], seed: u32, stalls: bool) -> String {
    let mut init = String::new();
    for (j, (g, b)) in codes.gamma.iter().zip(&codes.beta).enumerate() {
        init.push_str(&format!("        gs[{j}] = {g}; bs[{j}] = {b};\n"));
    }
    let mut beats = 0usize;
    for row in rows {
        for (i, x) in row.x.iter().enumerate() {
            let last = u8::from(i + 1 == row.x.len() && row.last_flag);
            init.push_str(&format!(
                "        xs[{beats}] = {x}; ls[{beats}] = {last};\n"
            ));
            beats += 1;
        }
    }
    let f = &dut.fmt;
    let (xw, gw, yw, ew, n, ab) = (dut.xw, dut.gw, f.yw, dut.ew, dut.n, dut.ab);
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
         \x20   reg clk = 0; always #1 clk = ~clk;\n\
         \x20   reg rst = 1, in_valid = 0, out_ready = 0, in_last = 0, par_we = 0;\n\
         \x20   reg [{xw}-1:0] in_x = 0; reg [{ab}-1:0] par_addr = 0;\n\
         \x20   reg [{gw}-1:0] par_gamma = 0; reg [{yw}-1:0] par_beta = 0;\n\
         \x20   reg [{xw}-1:0] xs [0:{beats}]; reg ls [0:{beats}];\n\
         \x20   reg [{gw}-1:0] gs [0:{n}]; reg [{yw}-1:0] bs [0:{n}];\n\
         \x20   wire in_ready, out_valid, out_last; wire [{yw}-1:0] out_y;\n\
         \x20   integer accepted = 0, emitted = 0, j, seed = {seed};\n\
         \x20   spikelm_layernorm #(.XW({xw}), .FN({fnn}), .GW({gw}), .FG({fg}), .YW({yw}),\n\
         \x20       .FY({fy}), .EW({ew}), .N({n}), .AB({ab})) dut (\n\
         \x20       .clk(clk), .rst(rst), .par_we(par_we), .par_addr(par_addr),\n\
         \x20       .par_gamma(par_gamma), .par_beta(par_beta), .eps({ew}'d{eps}),\n\
         \x20       .in_valid(in_valid), .in_ready(in_ready), .in_x(in_x), .in_last(in_last),\n\
         \x20       .out_valid(out_valid), .out_ready(out_ready), .out_y(out_y), .out_last(out_last));\n\
{stamps}\
         \x20   always @(posedge clk) begin\n\
         \x20       if (dut.state_q == 4'd5) $display(\"D %0d\", dut.acc_q); // S_ZERO: D complete\n\
         \x20       if (in_valid && in_ready) accepted <= accepted + 1;\n\
         \x20       if (out_valid && out_ready) begin\n\
         \x20           $display(\"Y %0d %0d\", $signed(out_y), out_last); emitted <= emitted + 1;\n\
         \x20       end\n\
         \x20   end\n\
         \x20   initial begin\n{init}\
         \x20       repeat (3) @(negedge clk); rst = 0;\n\
         \x20       for (j = 0; j < {n}; j = j + 1) begin\n\
         \x20           par_we = 1; par_addr = j; par_gamma = gs[j]; par_beta = bs[j]; @(negedge clk);\n\
         \x20       end\n\
         \x20       par_we = 0;\n\
{driver}\
         \x20   end\nendmodule\n",
        stamps = INPUT_STAMPS,
        driver = row_driver(
            beats,
            "in_x = xs[accepted]; in_last = ls[accepted];",
            stalls
        ),
        fnn = f.fn_,
        fg = f.fg,
        fy = f.fy,
        eps = codes.eps,
    )
}

/// The testbench's log in the plain form, or in the ECP5 forms (registered MULT18X18D, DP16KD
/// row buffers and the 256-word 1/sqrt table in a DP16KD with its output register).
fn simulate(tb: &str, ecp5: bool) -> String {
    if ecp5 {
        simulate_files_ecp5(&LAYERNORM_FILES, tb)
    } else {
        simulate_files(&LAYERNORM_FILES, tb)
    }
}

/// Rows that reach every edge: length 1, length N (ended by in_last and by the length alone),
/// constant rows (D = max(1, E)), both ends of the input range, ±1 around a mean, both ends of
/// the 1/√ table, then random
/// rows whose spread runs from a few LSBs to the whole range.
fn rows(dut: &Dut, random: usize, seed: u64) -> Vec<Row> {
    let (hi, lo) = ((1i64 << (dut.xw - 1)) - 1, -(1i64 << (dut.xw - 1)));
    let n = dut.n;
    let row = |x: Vec<i64>| Row { x, last_flag: true };
    let mut out = vec![
        row(vec![5]),
        row(vec![lo]),
        row(vec![lo; n]),
        row(vec![hi; n]),
        Row {
            x: (0..n).map(|i| if i % 2 == 0 { lo } else { hi }).collect(),
            last_flag: false,
        },
        row(vec![lo, hi]),
        row(vec![1, -1, 1, -1]),
        row(vec![7, 7, 8]),
        // The 1/√ table's ends: D = 1 + E (E = 3: D = 4, m = 2^22, interval 64 at fraction 0)
        // and D = 4·hi² + E (the top interval for the narrow format).
        row(vec![0, 1]),
        row(vec![-hi, hi]),
    ];
    let mut rng = Lcg(seed);
    let mut next = |m: u64| rng.below(m);
    for r in 0..random {
        let len = if r % 4 == 0 {
            n
        } else {
            1 + next(n as u64) as usize
        };
        let bits = 1 + next(u64::from(dut.xw)) as u32;
        let centre = next(1 << (dut.xw - 1)) as i64 - (1 << (dut.xw - 2));
        let x = (0..len)
            .map(|_| (centre + next(1 << bits) as i64 - (1i64 << (bits - 1))).clamp(lo, hi))
            .collect();
        out.push(row(x));
    }
    assert!(out.iter().all(|r| r.x.len() <= n));
    out
}

/// Random γ and β codes of N channels, and E, in the DUT's widths.
fn random_codes(dut: &Dut, eps: i64, seed: u64) -> LayerNormCodes {
    let mut s = seed;
    let mut next = |bits: u32| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 16) % (1 << bits)) as i64 - (1i64 << (bits - 1))
    };
    LayerNormCodes {
        gamma: (0..dut.n).map(|_| next(dut.gw)).collect(),
        beta: (0..dut.n).map(|_| next(dut.fmt.yw)).collect(),
        eps,
    }
}

/// The model with one rounding replaced by truncation: the normalising shift (`z`) or the
/// γ product's (`y`).
fn altered_row(x: &[i64], codes: &LayerNormCodes, fmt: &LayerNormFormat, which: &str) -> Vec<i64> {
    let RowStats { h, s, t, sh } = row_stats(x, codes.eps, &rsqrt_table());
    let zsh = RSQRT_FRAC as i32 + sh - fmt.fn_ as i32;
    let ysh = fmt.fg + fmt.fn_ - fmt.fy;
    x.iter()
        .zip(codes.gamma.iter().zip(&codes.beta))
        .map(|(&v, (&g, &b))| {
            let c = (h * v - s) * t;
            let z = if which == "z" {
                c >> zsh
            } else {
                shift(c, zsh)
            };
            let y = if which == "y" {
                (z * g) >> ysh
            } else {
                round_shift(z * g, ysh)
            };
            sat(y + b, fmt.yw)
        })
        .collect()
}

/// The RTL against the model, bit for bit, under random valid/ready stalls: at the encoder's
/// format (XW 26, FN 14, γ 18 bits FG 15, YW 22 FY 14; N = 24) and at a narrow one whose
/// outputs saturate (N = 7, not a power of two), and at the narrow one with N = 2^AB = 8, where
/// the row of eight minimum codes sets the top bit of |S|, so the last step of S² carries out
/// of the accumulator's low half in its last cycle (the carry S_FLUSH adds). The same stimuli
/// separate the model from versions of it whose z or output rounding truncates, so a change of
/// either rounding in the model fails this test.
/// The units under test with their E: the encoder's format (XW 26, FN 14, γ 18 bits FG 15,
/// YW 22 FY 14; N = 24), a narrow one whose outputs saturate (N = 7, not a power of two), and
/// the narrow one with N = 2^AB = 8.
fn duts() -> [(Dut, i64); 3] {
    [
        (
            Dut {
                fmt: LayerNormFormat {
                    fx: 16,
                    fn_: 14,
                    fg: 15,
                    yw: 22,
                    fy: 14,
                },
                xw: 26,
                gw: 18,
                ew: 40,
                n: 24,
                ab: 5,
            },
            // ε = 1e-5 at FX = 16 for rows of H = 24.
            rne(1e-5 * 2f64.powi(32) * 576.0),
        ),
        (
            Dut {
                fmt: LayerNormFormat {
                    fx: 6,
                    fn_: 10,
                    fg: 7,
                    yw: 10,
                    fy: 6,
                },
                xw: 12,
                gw: 10,
                ew: 8,
                n: 7,
                ab: 3,
            },
            3,
        ),
        (
            Dut {
                fmt: LayerNormFormat {
                    fx: 6,
                    fn_: 10,
                    fg: 7,
                    yw: 10,
                    fy: 6,
                },
                xw: 12,
                gw: 10,
                ew: 8,
                n: 8,
                ab: 3,
            },
            3,
        ),
    ]
}

#[test]
fn rtl_matches_the_model_under_random_stalls() {
    let table = rsqrt_table();
    let duts = duts();
    let mut differ = [0usize; 2];
    for (k, (dut, eps)) in duts.iter().enumerate() {
        dut.fmt.check().expect("a valid format");
        let codes = random_codes(dut, *eps, 21 + k as u64);
        let rows = rows(dut, 40, 5 + k as u64);
        let tb = stream_tb(dut, &codes, &rows, 9 + k as u32, true);
        let want: Vec<_> = rows
            .iter()
            .map(|r| layer_norm_row(&r.x, &codes, &dut.fmt, &table))
            .collect();
        let alt: Vec<_> = rows
            .iter()
            .map(|r| ["z", "y"].map(|w| altered_row(&r.x, &codes, &dut.fmt, w)))
            .collect();
        for ecp5 in [false, true] {
            let log = simulate(&tb, ecp5);
            let got = tagged_beats(&log, "Y");
            let what = format!("{:?} ecp5 {ecp5}", dut.fmt);
            // D of every row, exact: the accumulator's two halves and their carries.
            let d: Vec<i128> = log
                .lines()
                .filter_map(|l| l.strip_prefix("D "))
                .map(|v| v.trim().parse().expect("a D"))
                .collect();
            let want_d: Vec<i128> = rows
                .iter()
                .map(|r| {
                    let h = r.x.len() as i128;
                    let s: i128 = r.x.iter().map(|&x| i128::from(x)).sum();
                    let q: i128 = r.x.iter().map(|&x| i128::from(x) * i128::from(x)).sum();
                    i128::from(codes.eps) + h * q - s * s
                })
                .collect();
            assert_eq!(d, want_d, "{what}: D of each row");
            check_rows(&got, &want, &alt, &mut differ, &what);
        }
    }
    assert!(
        differ.iter().all(|&d| d > 0),
        "a model with truncating rounding would pass too ({differ:?} beats differ)"
    );
}

/// Without stalls every row takes exactly the cycles of `row_cycles` (first beat to the next
/// row's first beat), for every unit under test, in the plain and the ECP5 forms: rows of 1 to
/// N beats, D from 1 (constant rows, no E) to rows spanning the input range (the fewest
/// normalising shifts).
#[test]
fn rtl_row_cycles_equal_the_cycle_model() {
    for (k, (dut, eps)) in duts().iter().enumerate() {
        let codes = random_codes(dut, *eps, 31 + k as u64);
        let rows = rows(dut, 16, 15 + k as u64);
        let tb = stream_tb(dut, &codes, &rows, 1, false);
        let lens: Vec<usize> = rows.iter().map(|r| r.x.len()).collect();
        let rtl = LayerNormRtl {
            xw: dut.xw,
            ew: dut.ew,
            ab: dut.ab,
        };
        let want: Vec<u64> = rows[..rows.len() - 1]
            .iter()
            .map(|r| rtl.row_cycles(&r.x, *eps))
            .collect();
        for (r, p) in rows.iter().zip(&want) {
            let (lo, hi) = rtl.row_cycles_bounds(r.x.len());
            assert!((lo..=hi).contains(p), "{p} outside {lo}..={hi}");
        }
        for ecp5 in [false, true] {
            let log = simulate(&tb, ecp5);
            assert_eq!(row_periods(&log, &lens), want, "{rtl:?} ecp5 {ecp5}");
        }
    }
}
