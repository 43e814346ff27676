`default_nettype none
// One accumulator lane: acc <= acc + (en ? x : 0). Hand-written test design for the synth flow.
module acc_lane #(
    parameter integer XW = 8,
    parameter integer AW = 16
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 en,
    input  wire signed [XW-1:0] x,
    output reg  signed [AW-1:0] acc
);
    always @(posedge clk) begin
        if (rst) acc <= {AW{1'b0}};
        else if (en) acc <= acc + {{(AW-XW){x[XW-1]}}, x};
    end
endmodule
`default_nettype wire
