`timescale 1ns/1ps
// ebr_inst and ebr_infer accumulate the same read data; ebr_inst has one more cycle of latency
// (the OUTREG). Write random words, read them all, compare acc sequences shifted by one cycle.
module tb_ebr;
    reg clk = 0, we = 0; reg [9:0] wa = 0, ra = 0; reg [17:0] wd = 0;
    wire [23:0] acc_i, acc_f;
    ebr_inst  ui (.clk(clk), .we(we), .wa(wa), .wd(wd), .ra(ra), .acc(acc_i));
    ebr_infer uf (.clk(clk), .we(we), .wa(wa), .wd(wd), .ra(ra), .acc(acc_f));
    always #5 clk = ~clk;
    integer i, seed = 3, errors = 0; reg [23:0] prev_f;
    initial begin
        for (i = 0; i < 64; i = i + 1) begin @(negedge clk); we = 1; wa = i; wd = $random(seed); end
        @(negedge clk); we = 0;
        repeat (6) @(negedge clk);
        // zero both accumulators is not possible; compare increments instead
        for (i = 0; i < 80; i = i + 1) begin
            @(negedge clk); ra = i % 64;
        end
        $finish;
    end
    reg [23:0] di_q, df_q, df_qq, ai_q, af_q; integer n = 0;
    always @(posedge clk) begin
        ai_q <= acc_i; af_q <= acc_f;
        di_q <= acc_i - ai_q; df_q <= acc_f - af_q; df_qq <= df_q;
        n = n + 1;
        if (n > 90 && di_q !== df_qq) begin errors = errors + 1; if (errors < 5) $display("diff %0d: %h vs %h", n, di_q, df_qq); end
        if (n == 150) $display(errors == 0 ? "PASS ebr (%0d errors)" : "FAIL ebr (%0d errors)", errors);
    end
endmodule
