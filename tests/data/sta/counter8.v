module c(input wire clk, input wire [3:0] a, output reg [7:0] q);
  always @(posedge clk) q <= q + {4'b0, a};
endmodule
