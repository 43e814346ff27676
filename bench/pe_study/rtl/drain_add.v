`default_nettype none
// ECP5 CCU2C accumulator step with the shift-up drain folded into the carry chain:
//   sum = shift ? below : x + (en ? (neg ? -w : w) : 0)        (requires en = 0 while shift)
// The operand bits op = (w_ext ^ neg) & en are formed first (WB LUT4s + 1 for all sign bits);
// each sum half is a LUT4 with A = op bit, B = below bit, C = x bit, D = shift and
// INIT 16'hCC5A: f = D ? B : A ^ C. Its low nibble (1010) makes the generate term A = op bit,
// which is the correct carry where x == op, and 0 during the drain because op = 0 then, so no
// carry disturbs S = f ^ cin = below. Half 0 injects en & neg as the carry-in (INIT 16'h0008).
module drain_add #(
    parameter integer N  = 20,
    parameter integer WB = 8
) (
    input  wire [N-1:0]  x,
    input  wire [N-1:0]  below,
    input  wire [WB-1:0] w,
    input  wire          en,
    input  wire          neg,
    input  wire          shift,
    output wire [N-1:0]  sum
);
    localparam integer CELLS  = (N + 2) / 2;
    localparam integer HALVES = 2 * CELLS;
    wire [WB-1:0] op_lo  = (w ^ {WB{neg}}) & {WB{en}};
    wire          op_hi  = (w[WB-1] ^ neg) & en;
    wire [N-1:0]  op     = {{(N-WB){op_hi}}, op_lo};
    wire [HALVES-1:0] a, b, c, d, s;
    wire [CELLS:0] carry;
    assign carry[0] = 1'b0;
    assign a[0] = en; assign b[0] = neg; assign c[0] = 1'b0; assign d[0] = 1'b1;
    genvar i;
    generate
        for (i = 1; i < HALVES; i = i + 1) begin : g_half
            if (i <= N) begin : g_bit
                assign a[i] = op[i-1]; assign b[i] = below[i-1];
                assign c[i] = x[i-1];  assign d[i] = shift;
                assign sum[i-1] = s[i];
            end else begin : g_spare
                assign a[i] = 1'b0; assign b[i] = 1'b0; assign c[i] = 1'b0; assign d[i] = 1'b0;
            end
        end
        for (i = 0; i < CELLS; i = i + 1) begin : g_cell
            CCU2C #(.INIT0(i == 0 ? 16'h0008 : 16'hCC5A), .INIT1(16'hCC5A),
                    .INJECT1_0("NO"), .INJECT1_1("NO")) u_ccu (
                .CIN(carry[i]),
                .A0(a[2*i]), .B0(b[2*i]), .C0(c[2*i]), .D0(d[2*i]),
                .A1(a[2*i+1]), .B1(b[2*i+1]), .C1(c[2*i+1]), .D1(d[2*i+1]),
                .S0(s[2*i]), .S1(s[2*i+1]), .COUT(carry[i+1]));
        end
    endgenerate
endmodule
`default_nettype wire
