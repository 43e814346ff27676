//! `spikelm_ws_array` under Icarus against [`column_sums`], in the plain and the CCU2C forms:
//! weight blocks loaded while the previous block computes (as early and as late as the
//! contract allows), vectors with random gaps and don't-care spikes between them, the
//! extreme weights and all-equal spike vectors that reach the partial sums' width bounds, the
//! tag each vector carries (its index), and the latency.

use super::*;
use crate::units::testbench::{
    assert_in_both_adder_forms, compare_outputs, leaves_and, replay_stimulus, Lcg,
};

/// One clock cycle of stimulus.
#[derive(Clone, Default)]
struct Beat {
    load: Option<Vec<i64>>,
    /// (spikes, swap): a vector enters.
    vector: Option<(Vec<i8>, bool)>,
    /// Spike codes on in_x when no vector enters (don't-care, random).
    idle_x: u64,
}

struct Case {
    rows: usize,
    cols: usize,
    wb: u32,
    beats: Vec<Beat>,
    want: Vec<Vec<i64>>,
}

pub(super) fn spike_code(s: i8) -> u64 {
    match s {
        0 => 0,
        1 => 2,
        _ => 3,
    }
}

/// Blocks of weights and vectors on the contract's schedule: block 0 loaded before any vector;
/// block b + 1's R loads no earlier than R cycles after block b's first vector (the `eager`
/// blocks at exactly R, the others at random later cycles) and all before its own first
/// vector. Block 0 has the most negative weight everywhere and all-equal spike vectors.
fn case(rows: usize, cols: usize, wb: u32, blocks: usize, seed: u64) -> Case {
    let mut rng = Lcg(seed);
    let lo = -(1i64 << (wb - 1));
    let weights: Vec<Vec<Vec<i64>>> = (0..blocks)
        .map(|b| {
            (0..rows)
                .map(|_| {
                    (0..cols)
                        .map(|_| match b {
                            0 => lo,
                            _ => lo + rng.below(1 << wb) as i64,
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut beats: Vec<Beat> = weights[0]
        .iter()
        .map(|w| Beat {
            load: Some(w.clone()),
            ..Beat::default()
        })
        .collect();
    let mut want = Vec::new();
    for b in 0..blocks {
        let vectors = rows + rng.below(2 * rows as u64 + 4) as usize;
        let eager = b % 2 == 1;
        let mut loads: Vec<Vec<i64>> = weights.get(b + 1).cloned().unwrap_or_default();
        loads.reverse(); // popped from the end: row 0 first
        let (mut left, start) = (vectors, beats.len());
        while left > 0 || !loads.is_empty() {
            let mut beat = Beat {
                idle_x: rng.below(1 << (2 * rows.min(30))),
                ..Beat::default()
            };
            let first = left == vectors;
            if left > 0 && (first || rng.below(4) != 0) {
                let spikes: Vec<i8> = (0..rows)
                    .map(|_| match (b, left % 3) {
                        (0, 0) => 1,
                        (0, 1) => -1,
                        _ => rng.below(3) as i8 - 1,
                    })
                    .collect();
                want.push(column_sums(&weights[b], &spikes));
                beat.vector = Some((spikes, first));
                left -= 1;
            }
            let since = beats.len() - start;
            if !loads.is_empty() && since >= rows && (eager || rng.below(3) == 0) {
                beat.load = loads.pop();
            }
            beats.push(beat);
        }
    }
    Case {
        rows,
        cols,
        wb,
        beats,
        want,
    }
}

/// The testbench: drives `beats` one per cycle from `stim`, compares each output with `want`
/// in order, prints ERRORS, OUTPUTS and LATENCY (first vector in to first sums out).
fn testbench(c: &Case, tr: usize, tc: usize, gt: usize) -> String {
    let psw = ps_bits(c.rows - 1, c.wb) as usize;
    let xw = 2 * c.rows;
    let ww = c.cols * c.wb as usize;
    let sw = 3 + ww + xw;
    let mut lines = String::new();
    for (k, beat) in c.beats.iter().enumerate() {
        let mut w_bits = String::new();
        let load = beat.load.is_some();
        for col in (0..c.cols).rev() {
            let w = beat.load.as_ref().map_or(0, |r| r[col]);
            w_bits.push_str(&format!(
                "{:0width$b}",
                (w as u64) & ((1 << c.wb) - 1),
                width = c.wb as usize
            ));
        }
        let (valid, swap, x_bits) = match &beat.vector {
            Some((s, swap)) => {
                let bits: String = s
                    .iter()
                    .rev()
                    .map(|&v| format!("{:02b}", spike_code(v)))
                    .collect();
                (1, *swap as u8, bits)
            }
            None => (0, 0, format!("{:0width$b}", beat.idle_x, width = xw)),
        };
        lines.push_str(&format!(
            "        stim[{k}] = {sw}'b{}{valid}{swap}{w_bits}{x_bits};\n",
            load as u8
        ));
    }
    for (k, row) in c.want.iter().enumerate() {
        let bits: String = row
            .iter()
            .rev()
            .map(|&v| format!("{:0psw$b}", (v as u64) & ((1u64 << psw) - 1)))
            .collect();
        lines.push_str(&format!(
            "        want[{k}] = {}'b{k:016b}{bits};\n",
            16 + c.cols * psw
        ));
    }
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
        \x20   localparam integer NS = {ns}, NE = {ne};\n\
        \x20   reg clk = 1'b0, rst = 1'b1;\n\
        \x20   reg [{sw1}:0] stim [0:NS-1];\n\
        \x20   reg [{ow1}+16:0] want [0:NE-1];\n\
        \x20   reg w_load = 1'b0, in_valid = 1'b0, in_swap = 1'b0;\n\
        \x20   reg [{ww1}:0] in_w = 0;\n\
        \x20   reg [{xw1}:0] in_x = 0;\n\
        \x20   wire out_valid;\n\
        \x20   wire [15:0] out_tag;\n\
        \x20   reg [15:0] in_tag = 0;\n\
        \x20   wire [{ow1}:0] out_ps;\n\
        \x20   integer k, n_out = 0, errors = 0, cyc = 0, t_in = -1, t_out = -1;\n\
        \x20   spikelm_ws_array #(.R({r}), .C({c}), .WB({wb}), .TR({tr}), .TC({tc}), .GT({gt}), .TAGW(16)) dut (\n\
        \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_swap(in_swap), .in_x(in_x), .in_tag(in_tag),\n\
        \x20       .w_load(w_load), .in_w(in_w), .out_valid(out_valid), .out_ps(out_ps), .out_tag(out_tag));\n\
        \x20   always #5 clk = ~clk;\n\
        \x20   always @(posedge clk) begin\n\
        \x20       cyc <= cyc + 1;\n\
        \x20       if (in_valid && t_in < 0) t_in = cyc;\n\
        \x20       if (!rst && out_valid && t_out < 0) t_out = cyc;\n\
        {compare}\
        \x20   end\n\
        \x20   initial begin\n{lines}\
        \x20       if (dut.PSW != {psw}) errors = errors + 1000;\n\
{replay}\
        \x20   end\n\
        endmodule\n",
        ns = c.beats.len(),
        ne = c.want.len(),
        sw1 = sw - 1,
        ow1 = c.cols * psw - 1,
        ww1 = ww - 1,
        xw1 = xw - 1,
        r = c.rows,
        c = c.cols,
        wb = c.wb,
        compare = compare_outputs("out_valid", "{out_tag, out_ps}"),
        replay = replay_stimulus(
            "w_load, in_valid, in_swap, in_w, in_x",
            "if (in_valid) in_tag = in_tag + 1;",
            "{w_load, in_valid, in_swap} = 3'b000;",
            c.rows + 8,
            "\"ERRORS %0d OUTPUTS %0d LATENCY %0d\", errors, n_out, t_out - t_in"
        ),
    )
}

fn check(c: &Case, tr: usize, tc: usize, gt: usize) {
    let tb = testbench(c, tr, tc, gt);
    let want = format!(
        "ERRORS 0 OUTPUTS {} LATENCY {}",
        c.want.len(),
        latency(c.rows)
    );
    let files = leaves_and(&[
        "standalone/spikelm_ws_pe.v",
        "standalone/spikelm_ws_array.v",
    ]);
    let what = format!("R={} C={} WB={}", c.rows, c.cols, c.wb);
    assert_in_both_adder_forms(&files, &tb, &want, &what);
}

#[test]
fn small_odd_array_with_partial_tiles_sums_every_vector() {
    // Column tiles of 1 in groups of 2: three tiles, the second group a partial one.
    check(&case(5, 3, 4, 6, 1), 2, 1, 2);
}

#[test]
fn sixteen_rows_of_8_bit_weights_sum_every_vector() {
    check(&case(16, 4, 8, 4, 2), 4, 4, 4);
}

#[test]
fn partial_sum_widths_hold_the_extreme_sums() {
    // ps_bits is the smallest width: the bound itself fits, one bit fewer does not.
    for wb in [2, 4, 8, 16] {
        for row in [0usize, 1, 4, 15, 63] {
            let bound = (row as i64 + 1) << (wb - 1);
            let bits = ps_bits(row, wb);
            assert!(bound < 1i64 << (bits - 1), "row {row} wb {wb}");
            assert!(
                bound >= 1i64 << (bits - 2),
                "row {row} wb {wb}: {bits} bits is not the least"
            );
        }
    }
}
