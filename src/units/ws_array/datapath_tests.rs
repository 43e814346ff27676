//! The weight-stationary datapath the engine will use, `spikelm_ws_array` into
//! `spikelm_col_acc`, under Icarus on whole reductions in the stall-free schedule of
//! [`block_period`]: every vector's dot products over Din inputs (the last block's rows past Din
//! loaded as zeros), and the last sums out in the cycle [`reduction_cycles`] says. Plain and
//! CCU2C forms.

use super::tests::spike_code;
use super::*;
use crate::units::testbench::{
    assert_in_both_adder_forms, compare_outputs, leaves_and, replay_stimulus, Lcg,
};

struct Reduction {
    rows: usize,
    cols: usize,
    wb: u32,
    /// W [Din][C]
    weights: Vec<Vec<i64>>,
    /// S [M][Din]
    spikes: Vec<Vec<i8>>,
}

impl Reduction {
    fn random(rows: usize, cols: usize, wb: u32, din: usize, vectors: usize, seed: u64) -> Self {
        let mut rng = Lcg(seed);
        let lo = -(1i64 << (wb - 1));
        let weights = (0..din)
            .map(|i| {
                (0..cols)
                    .map(|_| match i % 7 {
                        0 => lo,
                        _ => lo + rng.below(1 << wb) as i64,
                    })
                    .collect()
            })
            .collect();
        let spikes = (0..vectors)
            .map(|m| {
                (0..din)
                    .map(|_| match m % 5 {
                        0 => -1, // with the most negative weights: the largest sums
                        _ => rng.below(3) as i8 - 1,
                    })
                    .collect()
            })
            .collect();
        Reduction {
            rows,
            cols,
            wb,
            weights,
            spikes,
        }
    }

    fn din(&self) -> usize {
        self.weights.len()
    }

    fn blocks(&self) -> usize {
        self.din().div_ceil(self.rows)
    }

    /// The sums over Din of every vector: what the column accumulators must return.
    fn want(&self) -> Vec<Vec<i64>> {
        self.spikes
            .iter()
            .map(|s| column_sums(&self.weights, s))
            .collect()
    }
}

fn bits(v: i64, w: usize) -> String {
    format!("{:0w$b}", (v as u64) & ((1u64 << w) - 1))
}

/// The stall-free schedule as stimulus words {w_load, in_w, in_valid, in_swap, in_tag, in_x},
/// in_tag = {first, last, addr}: block b's loads in cycles b·P + [0, R) (block 0 before any
/// vector), its vectors from R + b·P, one per cycle.
fn stimulus(red: &Reduction, ab: usize) -> Vec<String> {
    let (r, m) = (red.rows, red.spikes.len());
    let blocks = red.blocks();
    let period = block_period(m, r);
    let cycles = r + (blocks - 1) * period + m;
    let ww = red.cols * red.wb as usize;
    let mut words = vec![(None::<usize>, None::<(usize, usize)>); cycles];
    for b in 0..blocks {
        for j in 0..r {
            words[b * period + j].0 = Some(b * r + j); // input row b·R + j (zero past Din)
        }
        for v in 0..m {
            words[r + b * period + v].1 = Some((b, v));
        }
    }
    words
        .iter()
        .map(|(load, vector)| {
            let w: String = match load {
                Some(i) => (0..red.cols)
                    .rev()
                    .map(|c| {
                        let v = red.weights.get(*i).map_or(0, |row| row[c]);
                        bits(v, red.wb as usize)
                    })
                    .collect(),
                None => "0".repeat(ww),
            };
            let (head, x) = match vector {
                Some((b, v)) => {
                    let x: String = (0..r)
                        .rev()
                        .map(|j| {
                            let s = red.spikes[*v].get(b * r + j).copied().unwrap_or(0);
                            format!("{:02b}", spike_code(s))
                        })
                        .collect();
                    let head = format!(
                        "1{}{}{}{}",
                        u8::from(*v == 0),
                        u8::from(*b == 0),
                        u8::from(*b + 1 == blocks),
                        bits(*v as i64, ab)
                    );
                    (head, x)
                }
                None => (format!("00{}", "0".repeat(2 + ab)), "0".repeat(2 * r)),
            };
            format!("{}{w}{head}{x}", u8::from(load.is_some()))
        })
        .collect()
}

fn testbench(red: &Reduction, ab: usize) -> String {
    let (r, c) = (red.rows, red.cols);
    let psw = ps_bits(r - 1, red.wb) as usize;
    let accw = ps_bits(red.din() - 1, red.wb) as usize;
    let stim = stimulus(red, ab);
    let want = red.want();
    let sw = stim[0].len();
    let ow = ab + c * accw;
    let mut init = String::new();
    for (k, s) in stim.iter().enumerate() {
        init.push_str(&format!("        stim[{k}] = {sw}'b{s};\n"));
    }
    for (k, row) in want.iter().enumerate() {
        let s: String = row.iter().rev().map(|&v| bits(v, accw)).collect();
        init.push_str(&format!(
            "        want[{k}] = {ow}'b{}{s};\n",
            bits(k as i64, ab)
        ));
    }
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
        \x20   localparam integer NS = {ns}, NE = {ne}, AB = {ab};\n\
        \x20   reg clk = 1'b0, rst = 1'b1;\n\
        \x20   reg [{sw1}:0] stim [0:NS-1];\n\
        \x20   reg [{ow1}:0] want [0:NE-1];\n\
        \x20   reg w_load = 1'b0, in_valid = 1'b0, in_swap = 1'b0;\n\
        \x20   reg [{ww1}:0] in_w = 0;\n\
        \x20   reg [AB+1:0] in_tag = 0;\n\
        \x20   reg [{xw1}:0] in_x = 0;\n\
        \x20   wire a_valid, o_valid;\n\
        \x20   wire [AB+1:0] a_tag;\n\
        \x20   wire [{pw1}:0] a_ps;\n\
        \x20   wire [AB-1:0] o_addr;\n\
        \x20   wire [{aw1}:0] o_acc;\n\
        \x20   integer k, n_out = 0, errors = 0, cyc = 0, t0 = -1, t_last = -1;\n\
        \x20   spikelm_ws_array #(.R({r}), .C({c}), .WB({wb}), .TR(2), .TC(2), .TAGW(AB + 2)) u_arr (\n\
        \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_swap(in_swap), .in_x(in_x),\n\
        \x20       .in_tag(in_tag), .w_load(w_load), .in_w(in_w), .out_valid(a_valid),\n\
        \x20       .out_ps(a_ps), .out_tag(a_tag));\n\
        \x20   spikelm_col_acc #(.C({c}), .PSW({psw}), .ACCW({accw}), .DEPTH(1 << AB), .AB(AB)) u_acc (\n\
        \x20       .clk(clk), .rst(rst), .in_valid(a_valid), .in_first(a_tag[AB+1]),\n\
        \x20       .in_last(a_tag[AB]), .in_addr(a_tag[AB-1:0]), .in_ps(a_ps),\n\
        \x20       .out_valid(o_valid), .out_addr(o_addr), .out_acc(o_acc));\n\
        \x20   always #5 clk = ~clk;\n\
        \x20   always @(posedge clk) begin\n\
        \x20       cyc <= cyc + 1;\n\
        \x20       if (w_load && t0 < 0) t0 = cyc;\n\
        \x20       if (!rst && o_valid) t_last = cyc;\n\
        {compare}\
        \x20   end\n\
        \x20   initial begin\n{init}\
{replay}\
        \x20   end\n\
        endmodule\n",
        ns = stim.len(),
        ne = want.len(),
        sw1 = sw - 1,
        ow1 = ow - 1,
        ww1 = c * red.wb as usize - 1,
        xw1 = 2 * r - 1,
        pw1 = c * psw - 1,
        aw1 = c * accw - 1,
        wb = red.wb,
        compare = compare_outputs("o_valid", "{o_addr, o_acc}"),
        replay = replay_stimulus(
            "w_load, in_w, in_valid, in_swap, in_tag, in_x",
            ";",
            "{w_load, in_valid, in_swap} = 3'b000;",
            r + 16,
            "\"ERRORS %0d OUTPUTS %0d LAST %0d\", errors, n_out, t_last - t0"
        ),
    )
}

fn check(red: &Reduction) {
    let ab = crate::config::clog2(red.spikes.len() as u64) as usize;
    let tb = testbench(red, ab);
    let want = format!(
        "ERRORS 0 OUTPUTS {} LAST {}",
        red.spikes.len(),
        reduction_cycles(red.spikes.len(), red.rows, red.blocks())
    );
    let files = leaves_and(&[
        "standalone/spikelm_ws_pe.v",
        "standalone/spikelm_ws_array.v",
        "standalone/spikelm_col_acc.v",
    ]);
    let what = format!(
        "R={} C={} Din={} M={}",
        red.rows,
        red.cols,
        red.din(),
        red.spikes.len()
    );
    assert_in_both_adder_forms(&files, &tb, &want, &what);
}

#[test]
fn fewer_vectors_than_two_blocks_of_rows_wait_for_the_loads() {
    // M = 3 < 2R: each block lasts 2R cycles; Din = 10 leaves the last block 2 rows of zeros.
    check(&Reduction::random(4, 3, 4, 10, 3, 11));
}

#[test]
fn more_vectors_than_two_blocks_of_rows_run_back_to_back() {
    check(&Reduction::random(4, 2, 8, 16, 11, 12));
}

#[test]
fn sixteen_rows_reduce_forty_inputs_over_twenty_vectors() {
    check(&Reduction::random(16, 4, 8, 40, 20, 13));
}

#[test]
fn one_vector_waits_for_its_own_column_accumulator() {
    // M = 1 on R = 2: the block period is the accumulators' visit gap, not 2R.
    assert_eq!(block_period(1, 2), crate::units::col_acc::VISIT_GAP);
    check(&Reduction::random(2, 2, 4, 7, 1, 14));
}
