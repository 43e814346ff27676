`default_nettype none
// Proposal: ternary PE for ECP5 with the sign-select adder placed into CCU2C cells.
// Propagate LUT4 INIT=16'h96AA on A = acc bit, B = weight bit, C = neg, D = en; the low nibble
// (1010) makes the generate term equal to A. One half-cell with D tied high and INIT=16'h0008
// injects en & neg as the carry-in.
module signsel_add_ccu2c #(parameter integer N = 17, parameter integer WB = 8) (
    input  wire [N-1:0]  x,
    input  wire [WB-1:0] w,
    input  wire          en,
    input  wire          neg,
    output wire [N-1:0]  sum
);
    localparam integer CELLS = (N + 2) / 2;   // N sum bits + 1 injector half
    wire [N-1:0] w_ext = { {(N-WB){w[WB-1]}}, w};
    wire [2*CELLS-1:0] a, b, c, d, s;
    wire [CELLS:0] carry;
    assign carry[0] = 1'b0;
    // half 0 = injector, halves 1..N = sum bits, a spare half at the end when N is even
    assign a[0] = en;  assign b[0] = neg; assign c[0] = 1'b0; assign d[0] = 1'b1;
    genvar i;
    generate
        for (i = 1; i < 2*CELLS; i = i + 1) begin : g_in
            if (i <= N) begin : g_bit
                assign a[i] = x[i-1]; assign b[i] = w_ext[i-1]; assign c[i] = neg; assign d[i] = en;
                assign sum[i-1] = s[i];
            end else begin : g_pad
                assign a[i] = 1'b0; assign b[i] = 1'b0; assign c[i] = 1'b0; assign d[i] = 1'b0;
            end
        end
        for (i = 0; i < CELLS; i = i + 1) begin : g_cell
            CCU2C #(
                .INIT0(i == 0 ? 16'h0008 : 16'h96AA), .INIT1(16'h96AA),
                .INJECT1_0("NO"), .INJECT1_1("NO")
            ) u_ccu (
                .CIN(carry[i]), .A0(a[2*i]), .B0(b[2*i]), .C0(c[2*i]), .D0(d[2*i]),
                .A1(a[2*i+1]), .B1(b[2*i+1]), .C1(c[2*i+1]), .D1(d[2*i+1]),
                .S0(s[2*i]), .S1(s[2*i+1]), .COUT(carry[i+1])
            );
        end
    endgenerate
endmodule

// PE variant A: same interface as spikelm_pe (first/shift drain), adder in CCU2C.
module pe_ccu2c_os #(parameter integer ACCW = 17, parameter integer WB = 8) (
    input wire clk, input wire upd, input wire first, input wire shift,
    input wire [1:0] x, input wire [WB-1:0] w, input wire [ACCW-1:0] acc_in, output wire [ACCW-1:0] acc
);
    reg [ACCW-1:0] acc_q;
    wire [ACCW-1:0] base = first ? {ACCW{1'b0}} : acc_q;
    wire [ACCW-1:0] next;
    signsel_add_ccu2c #(.N(ACCW), .WB(WB)) u_add (.x(base), .w(w), .en(x[1]), .neg(x[0]), .sum(next));
    always @(posedge clk) if (upd) acc_q <= next; else if (shift) acc_q <= acc_in;
    assign acc = acc_q;
endmodule

// PE variant B: no `first` mux (the accumulator is cleared by a synchronous clear, FF LSR)
// and no shift drain in the PE (read out through a per-column mux instead).
module pe_ccu2c_clr #(parameter integer ACCW = 17, parameter integer WB = 8) (
    input wire clk, input wire upd, input wire clr,
    input wire [1:0] x, input wire [WB-1:0] w, output wire [ACCW-1:0] acc
);
    reg [ACCW-1:0] acc_q;
    wire [ACCW-1:0] next;
    signsel_add_ccu2c #(.N(ACCW), .WB(WB)) u_add (.x(acc_q), .w(w), .en(x[1]), .neg(x[0]), .sum(next));
    always @(posedge clk) if (clr) acc_q <= {ACCW{1'b0}}; else if (upd) acc_q <= next;
    assign acc = acc_q;
endmodule

// Variant C: plain-Verilog sign-select adder with the same clear-and-read-out PE.
module pe_plain_clr #(parameter integer ACCW = 17, parameter integer WB = 8) (
    input wire clk, input wire upd, input wire clr,
    input wire [1:0] x, input wire [WB-1:0] w, output wire [ACCW-1:0] acc
);
    reg [ACCW-1:0] acc_q;
    wire [ACCW-1:0] w_ext = { {(ACCW-WB){w[WB-1]}}, w};
    wire [ACCW-1:0] next = acc_q + ((w_ext ^ {ACCW{x[0]}}) & {ACCW{x[1]}}) + {{(ACCW-1){1'b0}}, x[1] & x[0]};
    always @(posedge clk) if (clr) acc_q <= {ACCW{1'b0}}; else if (upd) acc_q <= next;
    assign acc = acc_q;
endmodule

module bare_acc #(parameter integer ACCW = 17, parameter integer WB = 8) (
    input wire clk, input wire [WB-1:0] w, output reg [ACCW-1:0] acc
);
    always @(posedge clk) acc <= acc + { {(ACCW-WB){w[WB-1]}}, w};
endmodule
`default_nettype wire
