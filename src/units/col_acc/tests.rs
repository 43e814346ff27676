//! `spikelm_col_acc` under Icarus against [`reduce`]: reductions of one and of many blocks
//! over a few and over many vectors, visits with random gaps (never closer than
//! [`VISIT_GAP`]), partial sums at their extremes, in the plain and the DP16KD memory forms.

use super::*;
use crate::units::interp::ecp5_sim::simulate_files_ecp5;
use crate::units::testbench::{compare_outputs, leaves_and, replay_stimulus, simulate_files, Lcg};

const C: usize = 3;
const PSW: u32 = 6;
const ACCW: u32 = 12;
const AB: u32 = 5;

/// One cycle: a visit (first, last, addr, partial sums) or none.
type Visit = Option<(bool, bool, usize, Vec<i64>)>;

/// Reductions of `blocks[k]` blocks over `vectors[k]` vectors each, back to back: the cycles
/// and the expected outputs (addr, sums) in order.
fn schedule(reductions: &[(usize, usize)], seed: u64) -> (Vec<Visit>, Vec<(usize, Vec<i64>)>) {
    let mut rng = Lcg(seed);
    let half = 1i64 << (PSW - 1);
    let (mut cycles, mut want) = (Vec::new(), Vec::new());
    for &(blocks, vectors) in reductions {
        let mut parts = vec![Vec::new(); vectors];
        let mut last_visit = vec![None::<usize>; vectors];
        for b in 0..blocks {
            for (m, part) in parts.iter_mut().enumerate() {
                while rng.below(4) == 0
                    || last_visit[m].is_some_and(|t| cycles.len() < t + VISIT_GAP)
                {
                    cycles.push(None);
                }
                let ps: Vec<i64> = (0..C)
                    .map(|c| match (b + c + m) % 5 {
                        0 => -half,
                        1 => half - 1,
                        _ => rng.below(2 * half as u64) as i64 - half,
                    })
                    .collect();
                last_visit[m] = Some(cycles.len());
                cycles.push(Some((b == 0, b + 1 == blocks, m, ps.clone())));
                part.push(ps);
            }
        }
        want.extend(parts.iter().enumerate().map(|(m, p)| (m, reduce(p))));
    }
    (cycles, want)
}

fn bits(v: i64, w: u32) -> String {
    format!("{:0w$b}", (v as u64) & ((1u64 << w) - 1), w = w as usize)
}

fn testbench(cycles: &[Visit], want: &[(usize, Vec<i64>)]) -> String {
    let sw = 3 + AB as usize + C * PSW as usize;
    let ow = AB as usize + C * ACCW as usize;
    let mut init = String::new();
    for (k, v) in cycles.iter().enumerate() {
        let word = match v {
            Some((first, last, m, ps)) => {
                let p: String = ps.iter().rev().map(|&x| bits(x, PSW)).collect();
                format!("1{}{}{}{p}", *first as u8, *last as u8, bits(*m as i64, AB))
            }
            None => "0".repeat(sw),
        };
        init.push_str(&format!("        stim[{k}] = {sw}'b{word};\n"));
    }
    for (k, (m, sums)) in want.iter().enumerate() {
        let s: String = sums.iter().rev().map(|&x| bits(x, ACCW)).collect();
        init.push_str(&format!(
            "        want[{k}] = {ow}'b{}{s};\n",
            bits(*m as i64, AB)
        ));
    }
    format!(
        "`timescale 1ns/1ps\nmodule tb;\n\
        \x20   localparam integer NS = {ns}, NE = {ne};\n\
        \x20   reg clk = 1'b0, rst = 1'b1;\n\
        \x20   reg [{sw1}:0] stim [0:NS-1];\n\
        \x20   reg [{ow1}:0] want [0:NE-1];\n\
        \x20   reg in_valid = 1'b0, in_first = 1'b0, in_last = 1'b0;\n\
        \x20   reg [{ab1}:0] in_addr = 0;\n\
        \x20   reg [{pw1}:0] in_ps = 0;\n\
        \x20   wire out_valid;\n\
        \x20   wire [{ab1}:0] out_addr;\n\
        \x20   wire [{aw1}:0] out_acc;\n\
        \x20   integer k, n_out = 0, errors = 0, cyc = 0, t_in = -1, t_out = -1;\n\
        \x20   spikelm_col_acc #(.C({c}), .PSW({psw}), .ACCW({accw}), .DEPTH({depth}), .AB({ab})) dut (\n\
        \x20       .clk(clk), .rst(rst), .in_valid(in_valid), .in_first(in_first), .in_last(in_last),\n\
        \x20       .in_addr(in_addr), .in_ps(in_ps), .out_valid(out_valid), .out_addr(out_addr),\n\
        \x20       .out_acc(out_acc));\n\
        \x20   always #5 clk = ~clk;\n\
        \x20   always @(posedge clk) begin\n\
        \x20       cyc <= cyc + 1;\n\
        \x20       if (in_valid && in_last && t_in < 0) t_in = cyc;\n\
        \x20       if (!rst && out_valid && t_out < 0) t_out = cyc;\n\
        {compare}\
        \x20   end\n\
        \x20   initial begin\n{init}\
{replay}\
        \x20   end\n\
        endmodule\n",
        ns = cycles.len(),
        ne = want.len(),
        sw1 = sw - 1,
        ow1 = ow - 1,
        ab1 = AB - 1,
        pw1 = C * PSW as usize - 1,
        aw1 = C * ACCW as usize - 1,
        c = C,
        psw = PSW,
        accw = ACCW,
        depth = 1 << AB,
        ab = AB,
        compare = compare_outputs("out_valid", "{out_addr, out_acc}"),
        replay = replay_stimulus(
            "in_valid, in_first, in_last, in_addr, in_ps",
            ";",
            "in_valid = 1'b0;",
            8,
            "\"ERRORS %0d OUTPUTS %0d LATENCY %0d\", errors, n_out, t_out - t_in"
        ),
    )
}

#[test]
fn reductions_of_one_and_many_blocks_sum_every_vector() {
    // One block over 1 vector (revisited only by the next reduction), 3 blocks over 2 vectors
    // (the gap rule holds them apart), 40 blocks over 32 vectors (sums near the width's end).
    let (cycles, want) = schedule(&[(1, 1), (3, 2), (40, 32), (2, 5)], 7);
    let tb = testbench(&cycles, &want);
    let expect = format!("ERRORS 0 OUTPUTS {} LATENCY {LATENCY}", want.len());
    let files = leaves_and(&["standalone/spikelm_col_acc.v"]);
    let plain = simulate_files(&files, &tb);
    assert!(
        plain.contains(&expect),
        "plain: expected `{expect}`\n{plain}"
    );
    let ebr = simulate_files_ecp5(&files, &tb);
    assert!(ebr.contains(&expect), "DP16KD: expected `{expect}`\n{ebr}");
}
