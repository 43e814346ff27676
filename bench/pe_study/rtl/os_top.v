`default_nettype none
// Output-stationary R x C array for area/Fmax study. ORG selects the organisation:
//   0 (a): today's PE: acc <= upd ? (first ? 0 : acc) + op : shift ? acc_below : acc
//   1 (b): no first mux; acc FFs have a synchronous reset (power-up clear only: the shift-up
//          drain zero-fills, so after a drain every accumulator is 0); shift-up drain mux
//   2 (c): no first mux, no shift mux; read-out by column, R:1 mux per column bit selecting
//          the row being drained; the row read is cleared in the same cycle (sync reset)
//   3 (c'): as 2, read-out through an AND-OR bus (per-PE one-hot read enable)
//   6 (g): as 1 with the shift-up drain folded into the CCU2C carry chain (drain_add.v; CCU
//          ignored, always CCU2C); spikes are masked with the valid bit so en = 0 in the drain
//   7 (g): as 2, but each PE has a read register rd_q <= (row read) ? acc : 0 (the zero is the
//          FF's synchronous reset, so no LUT); the column read-out is an OR of the R rd_q
//   5 (g): shadow registers: at the drain start every PE copies acc into a shadow register and
//          clears acc (sync reset) in the same edge; the column R:1 mux reads the shadows, so
//          the next tile can accumulate while the previous one drains (20 FF/PE more)
// XDW = 2: ternary spike {en, neg}, op = signsel(spike, w) (CCU selects the CCU2C adder)
// XDW = 8: int8 activation, op = x * w (LUT multiplier, synthesize with -nodsp)
// All broadcasts are registered and replicated: top register -> per-row (or per 4-row group
// for weights) register -> per-PE register (control, spikes); (* keep *) stops Yosys from
// merging the copies. Protocol: in_valid with in_x/in_w is one reduction step; in_first marks
// the first step of a tile (used by ORG 0 only); a drain pulse (after the last step has landed,
// >= 3 idle cycles) reads the R rows, row 0 first, as out_valid/out_row.
module os_top #(
    parameter integer R    = 16,
    parameter integer C    = 16,
    parameter integer ACCW = 20,
    parameter integer WB   = 8,
    parameter integer XDW  = 2,
    parameter integer ORG  = 0,
    parameter integer CCU  = 0
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              in_valid,
    input  wire              in_first,
    input  wire [R*XDW-1:0]  in_x,
    input  wire [C*WB-1:0]   in_w,
    input  wire              drain,
    output reg               out_valid,
    output reg  [C*ACCW-1:0] out_row
);
    localparam integer RB = (R <= 2) ? 1 : $clog2(R);
    localparam integer G  = 4;              // rows per weight-broadcast group
    localparam integer NG = (R + G - 1) / G;
    localparam integer SHIFT_DRAIN = (ORG <= 1 || ORG == 6);

    // Stage 1: input and drain sequencer registers.
    reg v1, f1, r1;
    reg [R*XDW-1:0] x1;
    reg [C*WB-1:0]  w1;
    reg dact;
    reg [RB-1:0] didx;
    always @(posedge clk) begin
        v1 <= in_valid & ~rst;
        f1 <= in_first;
        r1 <= rst;
        x1 <= in_x;
        w1 <= in_w;
        if (rst) begin
            dact <= 1'b0;
            didx <= {RB{1'b0}};
        end else if (drain) begin
            dact <= 1'b1;
            didx <= {RB{1'b0}};
        end else if (dact) begin
            didx <= didx + 1'b1;
            if (didx == R - 1) dact <= 1'b0;
        end
    end

    // Capture pipeline (one copy): aligned with the per-PE control registers.
    reg cap2, cap3_q, cap4;
    always @(posedge clk) begin
        cap2   <= dact;
        cap3_q <= cap2;
        cap4   <= cap3_q;
    end
    wire cap3 = (ORG == 7) ? cap4 : cap3_q;  // ORG 7 reads through one more register

    // Weights: stage 2 and 3 per 4-row group and column.
    wire [NG*C*WB-1:0] w2, w3;
    genvar r, c, gi, k2;
    generate
        for (gi = 0; gi < NG; gi = gi + 1) begin : g_wgrp
            rep_reg #(.W(C*WB)) u_w2 (.clk(clk), .d(w1), .q(w2[gi*C*WB +: C*WB]));
            rep_reg #(.W(C*WB)) u_w3 (.clk(clk), .d(w2[gi*C*WB +: C*WB]), .q(w3[gi*C*WB +: C*WB]));
        end
    endgenerate

    // Column read-out select (ORG 2, 5), stage 2 and 3 per column.
    wire [C*RB-1:0] sel2, sel3;
    generate
        for (c = 0; c < C; c = c + 1) begin : g_sel
            if (ORG == 2 || ORG == 5) begin : g_r
                rep_reg #(.W(RB)) u_s2 (.clk(clk), .d(didx), .q(sel2[c*RB +: RB]));
                rep_reg #(.W(RB)) u_s3 (.clk(clk), .d(sel2[c*RB +: RB]), .q(sel3[c*RB +: RB]));
            end else begin : g_n
                assign sel2[c*RB +: RB] = {RB{1'b0}};
                assign sel3[c*RB +: RB] = {RB{1'b0}};
            end
        end
    endgenerate

    // accs of row r, column c at [(r*C + c)*ACCW +: ACCW]; row R is the zero fill.
    wire [(R+1)*C*ACCW-1:0] accs;
    wire [R*C-1:0] rd_all;
    wire [R*C*ACCW-1:0] rdq_all;  // ORG 7: per-PE gated read registers  // per-PE one-hot read enable (= clr3) for the AND-OR bus
    assign accs[R*C*ACCW +: C*ACCW] = {(C*ACCW){1'b0}};

    generate
        for (r = 0; r < R; r = r + 1) begin : g_row
            // Stage 2 (per row) and 3 (per PE): control and spikes, only the bits ORG uses.
            // ctl = {x, upd, first, sh, clr, ce, snap}
            localparam [6:0] USE = (ORG == 0) ? 7'b1111000 : (ORG == 1 || ORG == 6) ? 7'b1001110 :
                                   (ORG == 5 || ORG == 7) ? 7'b1100101 : 7'b1100100;
            localparam integer NU = USE[6] + USE[5] + USE[4] + USE[3] + USE[2] + USE[1] + USE[0];
            localparam integer CW = XDW + NU - 1;
            wire [XDW+5:0] ctl1 = {x1[r*XDW +: XDW] & {XDW{ORG != 6 || v1}}, v1, f1, dact,
                                   r1 | (ORG != 5 && !SHIFT_DRAIN && dact && (didx == r)),
                                   v1 | (SHIFT_DRAIN ? dact : 1'b0),
                                   (ORG == 7) ? !(dact && (didx == r)) : (drain & ~rst)};
            wire [XDW+5:0] ctl2_full, ctl3_full;
            wire [CW-1:0] ctl1_p, ctl2_p;
            // pack the used bits (MSB first)
            function [CW-1:0] pack;
                input [XDW+5:0] v;
                integer i, j;
                begin
                    pack = {CW{1'b0}};
                    j = CW - 1;
                    for (i = XDW + 5; i >= 0; i = i - 1) begin
                        if (i >= 6 ? USE[6] : USE[i]) begin
                            pack[j] = v[i];
                            j = j - 1;
                        end
                    end
                end
            endfunction
            function [XDW+5:0] unpack;
                input [CW-1:0] p;
                integer i, j;
                begin
                    unpack = {(XDW+6){1'b0}};
                    j = CW - 1;
                    for (i = XDW + 5; i >= 0; i = i - 1) begin
                        if (i >= 6 ? USE[6] : USE[i]) begin
                            unpack[i] = p[j];
                            j = j - 1;
                        end
                    end
                end
            endfunction
            assign ctl1_p = pack(ctl1);
            rep_reg #(.W(CW)) u_ctl2 (.clk(clk), .d(ctl1_p), .q(ctl2_p));
            for (c = 0; c < C; c = c + 1) begin : g_col
                wire [CW-1:0] ctl3_p;
                rep_reg #(.W(CW)) u_ctl3 (.clk(clk), .d(ctl2_p), .q(ctl3_p));
                wire [XDW+5:0] ctl3 = unpack(ctl3_p);
                wire [XDW-1:0] x3 = ctl3[XDW+5:6];
                wire upd3 = ctl3[5], first3 = ctl3[4], sh3 = ctl3[3], clr3 = ctl3[2],
                     ce3 = ctl3[1], snap3 = ctl3[0];
                wire [WB-1:0] w = w3[(r / G)*C*WB + c*WB +: WB];
                reg  [ACCW-1:0] acc_q;
                wire [ACCW-1:0] base = (ORG == 0 && first3) ? {ACCW{1'b0}} : acc_q;
                wire [ACCW-1:0] next;
                if (ORG == 6) begin : g_drain_add
                    drain_add #(.N(ACCW), .WB(WB)) u_add (
                        .x(acc_q), .below(accs[((r+1)*C + c)*ACCW +: ACCW]), .w(w),
                        .en(x3[1]), .neg(x3[0]), .shift(sh3), .sum(next));
                end else if (XDW == 2) begin : g_tern
                    ss_add #(.N(ACCW), .WB(WB), .CCU(CCU)) u_add (
                        .x(base), .w(w), .en(x3[1]), .neg(x3[0]), .sum(next));
                end else begin : g_int8
                    wire signed [XDW+WB-1:0] p = $signed(x3) * $signed(w);
                    assign next = base + {{(ACCW-XDW-WB){p[XDW+WB-1]}}, p};
                end
                wire [ACCW-1:0] below = accs[((r+1)*C + c)*ACCW +: ACCW];
                if (ORG == 0) begin : g_a
                    always @(posedge clk) begin
                        if (upd3) acc_q <= next;
                        else if (sh3) acc_q <= below;
                    end
                end else if (ORG == 6) begin : g_g6
                    always @(posedge clk) begin
                        if (clr3) acc_q <= {ACCW{1'b0}};
                        else if (ce3) acc_q <= next;
                    end
                end else if (ORG == 1) begin : g_b
                    always @(posedge clk) begin
                        if (clr3) acc_q <= {ACCW{1'b0}};
                        else if (ce3) acc_q <= sh3 ? below : next;
                    end
                end else if (ORG != 5) begin : g_c
                    always @(posedge clk) begin
                        if (clr3) acc_q <= {ACCW{1'b0}};
                        else if (upd3) acc_q <= next;
                    end
                end else begin : g_shadow
                    reg [ACCW-1:0] shadow_q;
                    always @(posedge clk) begin
                        if (clr3 | snap3) acc_q <= {ACCW{1'b0}};
                        else if (upd3) acc_q <= next;
                        if (snap3) shadow_q <= acc_q;
                    end
                end
                if (ORG == 7) begin : g_rdq
                    reg [ACCW-1:0] rd_q;
                    always @(posedge clk) begin
                        if (snap3) rd_q <= {ACCW{1'b0}};  // snap3 = "row not read" here
                        else rd_q <= acc_q;
                    end
                    assign rdq_all[(r*C + c)*ACCW +: ACCW] = rd_q;
                end else begin : g_nordq
                    assign rdq_all[(r*C + c)*ACCW +: ACCW] = {ACCW{1'b0}};
                end
                if (ORG == 5) begin : g_rd_shadow
                    assign accs[(r*C + c)*ACCW +: ACCW] = g_shadow.shadow_q;
                end else begin : g_rd_acc
                    assign accs[(r*C + c)*ACCW +: ACCW] = acc_q;
                end
                assign rd_all[r*C + c] = clr3;
            end
        end

        // Read-out into out_row.
        for (c = 0; c < C; c = c + 1) begin : g_out
            reg [ACCW-1:0] colv;
            integer k;
            if (ORG <= 1 || ORG == 6) begin : g_shift
                always @(*) colv = accs[c*ACCW +: ACCW];
            end else if (ORG == 2 || ORG == 5) begin : g_mux
                wire [ACCW-1:0] col_accs [0:R-1];
                for (k2 = 0; k2 < R; k2 = k2 + 1) begin : g_ca
                    assign col_accs[k2] = accs[(k2*C + c)*ACCW +: ACCW];
                end
                always @(*) colv = col_accs[sel3[c*RB +: RB]];
            end else if (ORG == 7) begin : g_or
                // gated read registers (rd_q: 0 unless its row is read) ORed down the column
                always @(*) begin
                    colv = {ACCW{1'b0}};
                    for (k = 0; k < R; k = k + 1)
                        colv = colv | rdq_all[(k*C + c)*ACCW +: ACCW];
                end
            end else begin : g_bus
                always @(*) begin
                    colv = {ACCW{1'b0}};
                    for (k = 0; k < R; k = k + 1)
                        colv = colv | (accs[(k*C + c)*ACCW +: ACCW] & {ACCW{rd_all[k*C + c]}});
                end
            end
            always @(posedge clk) begin
                if (cap3) out_row[c*ACCW +: ACCW] <= colv;
            end
        end
    endgenerate

    always @(posedge clk) out_valid <= cap3 & ~rst;
endmodule
`default_nettype wire
