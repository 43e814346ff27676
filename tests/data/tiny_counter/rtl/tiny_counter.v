`default_nettype none
// Test top for the synthesis flows: a free-running counter and two accumulator lanes with wide
// stream-like ports, so the narrow I/O wrapper has something to serialise.
module tiny_counter (
    input  wire        clk,
    input  wire        rst,
    input  wire        s_tvalid,
    input  wire [15:0] s_tdata,
    output wire [31:0] m_tdata,
    output reg  [7:0]  count,
    output wire [3:0]  dbg_count
);
    always @(posedge clk) begin
        if (rst) count <= 8'd0;
        else count <= count + 8'd1;
    end
    acc_lane #(.XW(8), .AW(16)) lane0 (
        .clk(clk), .rst(rst), .en(s_tvalid), .x(s_tdata[7:0]), .acc(m_tdata[15:0])
    );
    acc_lane #(.XW(8), .AW(16)) lane1 (
        .clk(clk), .rst(rst), .en(s_tvalid), .x(s_tdata[15:8]), .acc(m_tdata[31:16])
    );
    assign dbg_count = count[3:0];
endmodule
`default_nettype wire
