// Both forms of spikelm_ram_sdp side by side on random writes and reads (tests.rs).
module tb;
  parameter integer DW = 2, DEPTH = 24576, AB = 15, WIDE = 0;
  reg clk = 0; always #1 clk = ~clk;
  reg we, re; reg [AB-1:0] wa, ra; reg [DW-1:0] wd;
  wire [DW-1:0] rd_e, rd_i;
  spikelm_ram_sdp_ebr #(.DW(DW), .DEPTH(DEPTH), .AB(AB), .WIDE(WIDE)) e(.clk(clk), .we(we), .waddr(wa), .wdata(wd), .re(re), .raddr(ra), .rdata(rd_e));
  spikelm_ram_sdp #(.DW(DW), .DEPTH(DEPTH), .AB(AB), .WIDE(WIDE)) i(.clk(clk), .we(we), .waddr(wa), .wdata(wd), .re(re), .raddr(ra), .rdata(rd_i));
  integer k, errs = 0, seen = 0;
  initial begin
    we = 0; re = 0;
    for (k = 0; k < DEPTH; k = k + 1) begin @(negedge clk); we = 1; wa = k; wd = {$random, $random, $random, $random}; end
    @(negedge clk); we = 0;
    for (k = 0; k < 60000; k = k + 1) begin
      @(negedge clk);
      we = ($random & 3) == 0; wa = {$random} % DEPTH; wd = {$random, $random, $random, $random};
      re = ($random & 1); ra = {$random} % DEPTH;
      if (rd_e !== rd_i) errs = errs + 1; else seen = seen + 1;
    end
    $display("RESULT errors=%0d agree=%0d", errs, seen);
    $finish;
  end
endmodule
