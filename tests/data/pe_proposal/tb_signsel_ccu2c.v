module tb;
    reg [16:0] x; reg [7:0] w; reg en, neg; wire [16:0] s;
    signsel_add_ccu2c #(.N(17), .WB(8)) dut (.x(x), .w(w), .en(en), .neg(neg), .sum(s));
    wire [16:0] w_ext = {{9{w[7]}}, w};
    wire [16:0] expct = x + (en ? (neg ? -w_ext : w_ext) : 17'd0);
    integer i, bad;
    initial begin
        bad = 0;
        for (i = 0; i < 200000; i = i + 1) begin
            x = $random; w = $random; en = $random; neg = $random;
            #1 if (s !== expct) begin bad = bad + 1; if (bad < 5) $display("x=%h w=%h en=%b neg=%b s=%h expct=%h", x, w, en, neg, s, expct); end
        end
        $display("mismatches: %0d of %0d", bad, i);
        $finish;
    end
endmodule
