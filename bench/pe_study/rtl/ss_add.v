`default_nettype none
// Sign-select adder sum = x + (en ? (neg ? -w : w) : 0). CCU=0: plain Verilog (one adder with
// carry-in); CCU=1: hand-mapped ECP5 CCU2C chain (INIT 16'h96AA, injector 16'h0008), as in
// src/units/signsel_add/spikelm_signsel_add.v.tera.
module ss_add #(
    parameter integer N   = 20,
    parameter integer WB  = 8,
    parameter integer CCU = 0
) (
    input  wire [N-1:0]  x,
    input  wire [WB-1:0] w,
    input  wire          en,
    input  wire          neg,
    output wire [N-1:0]  sum
);
    wire [N-1:0] w_ext = {{(N-WB){w[WB-1]}}, w};
    generate
        if (CCU == 0) begin : g_plain
            wire [N-1:0] operand = (w_ext ^ {N{neg}}) & {N{en}};
            assign sum = x + operand + {{(N-1){1'b0}}, en & neg};
        end else begin : g_ccu
            localparam integer CELLS  = (N + 2) / 2;
            localparam integer HALVES = 2 * CELLS;
            wire [HALVES-1:0] a, b, c, d, s;
            wire [CELLS:0] carry;
            assign carry[0] = 1'b0;
            assign a[0] = en; assign b[0] = neg; assign c[0] = 1'b0; assign d[0] = 1'b1;
            genvar i;
            for (i = 1; i < HALVES; i = i + 1) begin : g_half
                if (i <= N) begin : g_bit
                    assign a[i] = x[i-1]; assign b[i] = w_ext[i-1];
                    assign c[i] = neg;    assign d[i] = en;
                    assign sum[i-1] = s[i];
                end else begin : g_spare
                    assign a[i] = 1'b0; assign b[i] = 1'b0; assign c[i] = 1'b0; assign d[i] = 1'b0;
                end
            end
            for (i = 0; i < CELLS; i = i + 1) begin : g_cell
                CCU2C #(.INIT0(i == 0 ? 16'h0008 : 16'h96AA), .INIT1(16'h96AA),
                        .INJECT1_0("NO"), .INJECT1_1("NO")) u_ccu (
                    .CIN(carry[i]),
                    .A0(a[2*i]), .B0(b[2*i]), .C0(c[2*i]), .D0(d[2*i]),
                    .A1(a[2*i+1]), .B1(b[2*i+1]), .C1(c[2*i+1]), .D1(d[2*i+1]),
                    .S0(s[2*i]), .S1(s[2*i+1]), .COUT(carry[i+1]));
            end
        end
    endgenerate
endmodule
`default_nettype wire
