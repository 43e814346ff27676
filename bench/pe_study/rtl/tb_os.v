`timescale 1ns/1ps
`default_nettype none
// Random-vector check of os_top against a behavioural model: NT tiles of K steps, each
// drained and compared row by row. Pass: prints PASS and the number of compared words.
module tb_os;
    parameter integer R = 4, C = 3, ACCW = 20, WB = 8, XDW = 2, ORG = 0, CCU = 0;
    parameter integer K = 37, NT = 4;
    reg clk = 0, rst = 1, in_valid = 0, in_first = 0, drain = 0;
    reg [R*XDW-1:0] in_x = 0;
    reg [C*WB-1:0] in_w = 0;
    wire out_valid;
    wire [C*ACCW-1:0] out_row;
    os_top #(.R(R), .C(C), .ACCW(ACCW), .WB(WB), .XDW(XDW), .ORG(ORG), .CCU(CCU)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_first(in_first), .in_x(in_x),
        .in_w(in_w), .drain(drain), .out_valid(out_valid), .out_row(out_row));
    always #5 clk = ~clk;

    integer model [0:R-1][0:C-1];
    integer t, k, r, c, got_rows, errors, words, seed, xv, wv, op;
    initial begin
        seed = 7 + ORG * 13 + CCU;
        errors = 0; words = 0;
        repeat (4) @(negedge clk);
        rst = 0;
        repeat (2) @(negedge clk);
        for (t = 0; t < NT; t = t + 1) begin
            for (r = 0; r < R; r = r + 1) for (c = 0; c < C; c = c + 1) model[r][c] = 0;
            for (k = 0; k < K; k = k + 1) begin
                in_valid = 1; in_first = (k == 0);
                in_x = $random(seed); in_w = {4{$random(seed)}};
                if (t == 1 && k < 3) in_w = {C{8'h80}};  // exercise -128
                for (r = 0; r < R; r = r + 1) begin
                    xv = in_x[r*XDW +: XDW];
                    if (XDW == 8 && xv > 127) xv = xv - 256;
                    for (c = 0; c < C; c = c + 1) begin
                        wv = in_w[c*WB +: WB]; if (wv > 127) wv = wv - 256;
                        if (XDW == 2) op = xv[1] ? (xv[0] ? -wv : wv) : 0;
                        else op = xv * wv;
                        model[r][c] = model[r][c] + op;
                    end
                end
                @(negedge clk);
                // random bubbles
                if ($random(seed) % 4 == 0) begin in_valid = 0; @(negedge clk); end
            end
            in_valid = 0; in_first = 0;
            repeat (3) @(negedge clk);
            drain = 1; @(negedge clk); drain = 0;
            got_rows = 0;
            while (got_rows < R) begin
                @(posedge clk); #1;
                if (out_valid) begin
                    for (c = 0; c < C; c = c + 1) begin
                        words = words + 1;
                        if ($signed(out_row[c*ACCW +: ACCW]) !== model[got_rows][c]) begin
                            errors = errors + 1;
                            if (errors < 10) $display("MISMATCH tile %0d row %0d col %0d: got %0d want %0d",
                                t, got_rows, c, $signed(out_row[c*ACCW +: ACCW]), model[got_rows][c]);
                        end
                    end
                    got_rows = got_rows + 1;
                end
            end
            @(negedge clk);
        end
        if (errors == 0) $display("PASS ORG=%0d CCU=%0d XDW=%0d words=%0d", ORG, CCU, XDW, words);
        else $display("FAIL ORG=%0d CCU=%0d XDW=%0d errors=%0d", ORG, CCU, XDW, errors);
        $finish;
    end
endmodule
`default_nettype wire
