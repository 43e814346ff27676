//! `spikelm_credit_fifo` under Icarus, against the pipeline it serves: a start is taken when
//! the testbench wants one and `room` is high, its sequence number reaches `we` exactly `L`
//! cycles later (a shift register), and the output is taken with random or constant ready.
//! The testbench checks, every cycle, that `out_valid` equals "beats held > 0", that no beat
//! arrives into a full memory, that the beats leave in order; it prints the starts counted
//! over a window with constant want and ready, which the test compares with the window.

use crate::units::testbench::{simulate_files, Lcg};

/// Depth 2^DB of the FIFO under test.
const DB: u32 = 3;

/// Run the FIFO behind a pipeline of latency `lat` for `cycles` cycles; `random` draws want
/// and ready at random (else both stay high). Returns (beats taken, starts in the window of
/// cycles 100..200) and panics on any check the testbench failed.
fn run(lat: u32, random: bool, seed: u32, cycles: u32) -> (u64, u64) {
    let depth = 1u32 << DB;
    let draw = if random {
        "want = ($random(seed) & 3) != 0; out_ready = ($random(seed) & 1) != 0;"
    } else {
        "want = 1; out_ready = 1;"
    };
    let tb = format!(
        "`timescale 1ns/1ps
module tb;
    reg clk = 0, rst = 1, want = 0, out_ready = 0;
    integer seed = {seed}, cyc = 0, held = 0, next_out = 0, taken = 0, window = 0;
    wire room, out_valid;
    wire start = want & room & ~rst;
    reg  [{lm1}:0] v_q = 0;          // the pipeline's valid bits, v_q[k]: k + 1 cycles after a start
    reg  [15:0]    d_q [0:{lm1}];    // their sequence numbers
    reg  [15:0]    seq_q = 0;        // the next start's sequence number
    wire [15:0]    out_data;
    integer k;
    spikelm_credit_fifo #(.W(16), .DB({DB})) dut (
        .clk(clk), .rst(rst), .start(start), .room(room), .we(v_q[{lm1}]), .wdata(d_q[{lm1}]),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data)
    );
    always @(posedge clk) begin
        for (k = {lm1}; k > 0; k = k - 1) begin
            v_q[k] <= v_q[k-1];
            d_q[k] <= d_q[k-1];
        end
        v_q[0] <= start;
        d_q[0] <= seq_q;
        if (start) seq_q <= seq_q + 1'b1;
    end
    initial begin
        repeat (3) begin #1 clk = 1; #1 clk = 0; end
        rst = 0;
        while (cyc < {cycles}) begin
            {draw}
            #0.5;
            if (out_valid !== (held > 0)) begin
                $display(\"ERROR cycle %0d: out_valid %b with %0d beats held\", cyc, out_valid, held);
                $finish;
            end
            if (v_q[{lm1}] && !(out_valid && out_ready) && held == {depth}) begin
                $display(\"ERROR cycle %0d: a beat arrives into a full memory\", cyc);
                $finish;
            end
            if (out_valid && out_ready) begin
                if (out_data !== next_out) begin
                    $display(\"ERROR cycle %0d: beat %0d out, %0d expected\", cyc, out_data, next_out);
                    $finish;
                end
                next_out = next_out + 1;
                taken = taken + 1;
            end
            held = held + (v_q[{lm1}] ? 1 : 0) - ((out_valid && out_ready) ? 1 : 0);
            if (start && cyc >= 100 && cyc < 200) window = window + 1;
            #0.5 clk = 1; #1 clk = 0;
            cyc = cyc + 1;
        end
        $display(\"TAKEN %0d WINDOW %0d\", taken, window);
        $finish;
    end
endmodule
",
        lm1 = lat - 1,
    );
    let log = simulate_files(&["standalone/spikelm_credit_fifo.v"], &tb);
    assert!(!log.contains("ERROR"), "L = {lat}: {log}");
    let line = log
        .lines()
        .find_map(|l| l.strip_prefix("TAKEN "))
        .unwrap_or_else(|| panic!("L = {lat}: no summary in\n{log}"));
    let mut it = line.split_whitespace();
    let taken = it.next().and_then(|v| v.parse().ok()).expect("beats taken");
    let window = it
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("window starts");
    (taken, window)
}

#[test]
fn beats_leave_in_order_and_never_overflow_under_random_want_and_ready() {
    let mut rng = Lcg(0x6366);
    for lat in [1, 2, 5, (1 << DB) - 3, (1 << DB) + 4] {
        let (taken, _) = run(lat, true, rng.below(1 << 30) as u32, 600);
        assert!(
            taken > 100,
            "L = {lat}: only {taken} beats taken in 600 cycles"
        );
    }
}

/// The header's rule: full throughput (a start every cycle with constant ready) exactly while
/// L <= 2^DB - 3, a credit being held from its start to the cycle after its beat is taken.
#[test]
fn full_throughput_exactly_while_the_latency_leaves_three_credits() {
    let full = (1 << DB) - 3;
    for lat in 1..=full + 2 {
        let (_, window) = run(lat, false, 1, 220);
        if lat <= full {
            assert_eq!(window, 100, "L = {lat}: a start every cycle");
        } else {
            assert!(window < 100, "L = {lat}: {window} starts in 100 cycles");
        }
    }
}
