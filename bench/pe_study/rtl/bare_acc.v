`default_nettype none
// Bare accumulator reference: acc <= acc + d (d = WB-bit registered input, sign-extended).
module bare_acc #(parameter integer ACCW = 20, parameter integer WB = 8) (
    input  wire            clk,
    input  wire [WB-1:0]   d,
    output reg  [ACCW-1:0] acc
);
    reg [WB-1:0] d_q;
    always @(posedge clk) begin
        d_q <= d;
        acc <= acc + {{(ACCW-WB){d_q[WB-1]}}, d_q};
    end
endmodule
`default_nettype wire
