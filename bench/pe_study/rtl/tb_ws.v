`timescale 1ns/1ps
`default_nettype none
// Random-vector check of ws_top against a behavioural model: load a random weight tile, stream
// NV random skewed spike vectors (some all-zero bubbles), compare every bottom output.
module tb_ws;
    parameter integer R = 5, C = 3, ACCW = 20, WB = 8, NARROW = 0, CCU = 0, NV = 40;
    function integer psw_out;
        input integer dummy;
        integer need, b;
        begin
            if (NARROW == 0) psw_out = ACCW;
            else begin
                need = (1 << (WB - 1)) * R; b = 0;
                while ((1 << b) < need + 1) b = b + 1;
                psw_out = b + 1;
            end
        end
    endfunction
    localparam integer OUTW = psw_out(0);
    reg clk = 0, wload = 0;
    reg [C*WB-1:0] in_wl = 0;
    reg [R*2-1:0] in_x = 0;
    wire [C*OUTW-1:0] out_ps;
    ws_top #(.R(R), .C(C), .ACCW(ACCW), .WB(WB), .NARROW(NARROW), .CCU(CCU)) dut (
        .clk(clk), .wload(wload), .in_wl(in_wl), .in_x(in_x), .out_ps(out_ps));
    always #5 clk = ~clk;

    integer W [0:R-1][0:C-1];
    reg [1:0] X [0:NV-1][0:R-1];
    integer expv [0:NV-1][0:C-1];
    integer edge_n, r, c, v, seed, errors, words, wv, T0, got;
    initial begin
        seed = 11 + NARROW * 5 + CCU; errors = 0; words = 0; edge_n = 0;
        for (r = 0; r < R; r = r + 1) for (c = 0; c < C; c = c + 1) begin
            W[r][c] = $random(seed) % 128;
            if (r == 1) W[r][c] = -128;   // extreme weights in two rows
            if (r == R - 1) W[r][c] = -128;
        end
        for (v = 0; v < NV; v = v + 1) for (r = 0; r < R; r = r + 1) begin
            X[v][r] = (v % 7 == 3) ? 2'b00 : $random(seed);
            if (v == 5) X[v][r] = 2'b11;   // all -1: -(-128) sums
        end
        for (v = 0; v < NV; v = v + 1) for (c = 0; c < C; c = c + 1) begin
            expv[v][c] = 0;
            for (r = 0; r < R; r = r + 1)
                expv[v][c] = expv[v][c] + (X[v][r][1] ? (X[v][r][0] ? -W[r][c] : W[r][c]) : 0);
        end
        // Load: row R-1 first.
        @(negedge clk);
        for (r = R - 1; r >= 0; r = r - 1) begin
            wload = 1;
            for (c = 0; c < C; c = c + 1) in_wl[c*WB +: WB] = W[r][c];
            @(negedge clk);
        end
        wload = 0;
        repeat (4) @(negedge clk);
        // Stream: vector v presented to row r at edge T0 + v + r; edges counted from here.
        T0 = 1;
        for (edge_n = 1; edge_n <= NV + R + C + 4; edge_n = edge_n + 1) begin
            for (r = 0; r < R; r = r + 1) begin
                v = edge_n - T0 - r;
                in_x[r*2 +: 2] = (v >= 0 && v < NV) ? X[v][r] : 2'b00;
            end
            @(posedge clk); #1;
            for (c = 0; c < C; c = c + 1) begin
                v = edge_n - T0 - R - 1 - c;
                if (v >= 0 && v < NV) begin
                    words = words + 1;
                    got = $signed(out_ps[c*OUTW +: OUTW]);
                    if (got !== expv[v][c]) begin
                        errors = errors + 1;
                        if (errors < 10) $display("MISMATCH v %0d col %0d: got %0d want %0d", v, c, got, expv[v][c]);
                    end
                end
            end
            @(negedge clk);
        end
        if (errors == 0 && words == NV * C) $display("PASS WS NARROW=%0d CCU=%0d words=%0d", NARROW, CCU, words);
        else $display("FAIL WS NARROW=%0d CCU=%0d errors=%0d words=%0d", NARROW, CCU, errors, words);
        $finish;
    end
endmodule
`default_nettype wire
