`default_nettype none
// Weight-stationary systolic R x C array for area/Fmax study. Each PE holds one weight;
// spikes flow right (one register per PE), partial sums flow down:
//   ps[r][c] <= ps[r-1][c] + signsel(x[r][c], w[r][c])   (ps[-1] = 0)
// Weights load by shifting down the columns under a replicated, registered clock enable
// (wload -> per-row -> per-PE register). NARROW = 0: every partial sum is ACCW bits;
// NARROW = 1: row r carries only the bits its range needs, 1 + clog2(2^(WB-1) * (r+1) + 1)
// (9 bits in row 0 up to 13 bits in row 15 at WB = 8), sign-extended into the next row.
// Not included (per-column cost, not per-PE): the input skew (row r delayed by r cycles), the
// output de-skew and the per-column output accumulators (an M-entry RAM read-modify-write).
// Timing: in_x at edge k enters x1; row r of vector v is presented at edge T+r; the bottom sum
// of column c is in out_ps after edge T + R + 1 + c.
module ws_top #(
    parameter integer R      = 16,
    parameter integer C      = 16,
    parameter integer ACCW   = 20,
    parameter integer WB     = 8,
    parameter integer NARROW = 0,
    parameter integer CCU    = 0
) (
    input  wire                clk,
    input  wire                wload,
    input  wire [C*WB-1:0]     in_wl,
    input  wire [R*2-1:0]      in_x,
    output wire [C*OUTW-1:0]   out_ps
);
    function integer psw;  // partial-sum width of row r
        input integer r;
        integer need, b;
        begin
            if (NARROW == 0) psw = ACCW;
            else begin
                need = (1 << (WB - 1)) * (r + 1);  // max |sum| of r + 1 terms
                b = 0;
                while ((1 << b) < need + 1) b = b + 1;
                psw = b + 1;
            end
        end
    endfunction
    localparam integer OUTW = psw(R - 1);

    reg wl1;
    reg [C*WB-1:0] wd1, wd2, wd3;
    reg [R*2-1:0] x1;
    always @(posedge clk) begin
        wl1 <= wload;
        wd1 <= in_wl;
        wd2 <= wd1;
        wd3 <= wd2;
        x1  <= in_x;
    end

    // ps of row r, column c at [(r*C + c)*ACCW +: psw(r)]; x of row r, column c at
    // [(r*(C+1) + c + 1)*2 +: 2] (column 0 input at c = -1 slot).
    wire [R*C*ACCW-1:0] ps;
    wire [R*(C+1)*2-1:0] xs;
    wire [(R+1)*C*WB-1:0] ws;  // weight of row r-1 feeding row r; row 0 fed by wd3
    assign ws[0 +: C*WB] = wd3;

    genvar r, c;
    generate
        for (r = 0; r < R; r = r + 1) begin : g_row
            localparam integer W  = psw(r);
            localparam integer WI = (r == 0) ? 1 : psw(r - 1);
            wire wl2;
            rep_reg #(.W(1)) u_wl2 (.clk(clk), .d(wl1), .q(wl2));
            assign xs[(r*(C+1))*2 +: 2] = x1[r*2 +: 2];
            for (c = 0; c < C; c = c + 1) begin : g_col
                wire wl3;
                rep_reg #(.W(1)) u_wl3 (.clk(clk), .d(wl2), .q(wl3));
                reg [WB-1:0] w_q;
                reg [1:0]    x_q;
                reg [W-1:0]  ps_q;
                wire [W-1:0] ps_in;
                if (r == 0) begin : g_top
                    assign ps_in = {W{1'b0}};
                end else begin : g_mid
                    wire [WI-1:0] above = ps[((r-1)*C + c)*ACCW +: WI];
                    assign ps_in = {{(W-WI){above[WI-1]}}, above};
                end
                wire [W-1:0] sum;
                ss_add #(.N(W), .WB(WB), .CCU(CCU)) u_add (
                    .x(ps_in), .w(w_q), .en(x_q[1]), .neg(x_q[0]), .sum(sum));
                always @(posedge clk) begin
                    if (wl3) w_q <= ws[(r*C + c)*WB +: WB];
                    x_q  <= xs[(r*(C+1) + c)*2 +: 2];
                    ps_q <= sum;
                end
                assign ws[((r+1)*C + c)*WB +: WB] = w_q;
                assign xs[(r*(C+1) + c + 1)*2 +: 2] = x_q;
                if (W < ACCW) begin : g_pad
                    assign ps[(r*C + c)*ACCW + W +: ACCW - W] = {(ACCW-W){1'b0}};
                end
                assign ps[(r*C + c)*ACCW +: W] = ps_q;
                if (r == R - 1) begin : g_out
                    assign out_ps[c*OUTW +: OUTW] = ps_q;
                end
            end
        end
    endgenerate
endmodule
`default_nettype wire
