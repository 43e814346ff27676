`default_nettype none
// One replicated pipeline register of a broadcast tree. keep_hierarchy stops Yosys' opt_merge
// from merging the copies (it merges identical $dff cells even under (* keep *)); run.sh
// flattens after synthesis, so nextpnr sees plain TRELLIS_FFs.
(* keep_hierarchy *)
module rep_reg #(parameter integer W = 1) (
    input  wire         clk,
    input  wire [W-1:0] d,
    output reg  [W-1:0] q
);
    always @(posedge clk) q <= d;
endmodule
`default_nettype wire
