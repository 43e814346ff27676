`default_nettype none
// Block RAM and multiplier Fmax probes (ECP5). Each feeds the same fabric consumer.
// ebr_inst: DP16KD instantiated, 1024 x 18, REGMODE_B = "OUTREG", then fabric reg + 24-bit acc.
// ebr_infer: the same memory inferred (registered read), then fabric reg + 24-bit acc.
module ebr_inst (
    input  wire        clk,
    input  wire        we,
    input  wire [9:0]  wa,
    input  wire [17:0] wd,
    input  wire [9:0]  ra,
    output reg  [23:0] acc
);
    wire [17:0] zero18 = 18'd0;
    reg we_q; reg [9:0] wa_q, ra_q; reg [17:0] wd_q;
    wire [17:0] dob;
    reg  [17:0] q;
    always @(posedge clk) begin
        we_q <= we; wa_q <= wa; wd_q <= wd; ra_q <= ra;
        q <= dob;
        acc <= acc + {{6{q[17]}}, q};
    end

    DP16KD #(
        .DATA_WIDTH_A(18), .DATA_WIDTH_B(18), .REGMODE_A("NOREG"), .REGMODE_B("OUTREG"),
        .RESETMODE("SYNC"), .ASYNC_RESET_RELEASE("SYNC"), .CSDECODE_A("0b000"), .CSDECODE_B("0b000"),
        .WRITEMODE_A("NORMAL"), .WRITEMODE_B("NORMAL"), .GSR("DISABLED")
    ) u_ebr (
        .CLKA(clk), .WEA(we_q), .CEA(1'b1), .OCEA(1'b1), .RSTA(1'b0),
        .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),
        .ADA0(1'b1), .ADA1(1'b1), .ADA2(1'b0), .ADA3(1'b0),
        .ADA4(wa_q[0]), .ADA5(wa_q[1]), .ADA6(wa_q[2]), .ADA7(wa_q[3]), .ADA8(wa_q[4]), .ADA9(wa_q[5]), .ADA10(wa_q[6]), .ADA11(wa_q[7]), .ADA12(wa_q[8]), .ADA13(wa_q[9]),
        .DIA0(wd_q[0]), .DIA1(wd_q[1]), .DIA2(wd_q[2]), .DIA3(wd_q[3]), .DIA4(wd_q[4]), .DIA5(wd_q[5]), .DIA6(wd_q[6]), .DIA7(wd_q[7]), .DIA8(wd_q[8]), .DIA9(wd_q[9]), .DIA10(wd_q[10]), .DIA11(wd_q[11]), .DIA12(wd_q[12]), .DIA13(wd_q[13]), .DIA14(wd_q[14]), .DIA15(wd_q[15]), .DIA16(wd_q[16]), .DIA17(wd_q[17]),
        .CLKB(clk), .WEB(1'b0), .CEB(1'b1), .OCEB(1'b1), .RSTB(1'b0),
        .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0),
        .ADB0(1'b0), .ADB1(1'b0), .ADB2(1'b0), .ADB3(1'b0),
        .ADB4(ra_q[0]), .ADB5(ra_q[1]), .ADB6(ra_q[2]), .ADB7(ra_q[3]), .ADB8(ra_q[4]), .ADB9(ra_q[5]), .ADB10(ra_q[6]), .ADB11(ra_q[7]), .ADB12(ra_q[8]), .ADB13(ra_q[9]),
        .DIB0(zero18[0]), .DIB1(zero18[1]), .DIB2(zero18[2]), .DIB3(zero18[3]), .DIB4(zero18[4]), .DIB5(zero18[5]), .DIB6(zero18[6]), .DIB7(zero18[7]), .DIB8(zero18[8]), .DIB9(zero18[9]), .DIB10(zero18[10]), .DIB11(zero18[11]), .DIB12(zero18[12]), .DIB13(zero18[13]), .DIB14(zero18[14]), .DIB15(zero18[15]), .DIB16(zero18[16]), .DIB17(zero18[17]),
        .DOB0(dob[0]), .DOB1(dob[1]), .DOB2(dob[2]), .DOB3(dob[3]), .DOB4(dob[4]), .DOB5(dob[5]), .DOB6(dob[6]), .DOB7(dob[7]), .DOB8(dob[8]), .DOB9(dob[9]), .DOB10(dob[10]), .DOB11(dob[11]), .DOB12(dob[12]), .DOB13(dob[13]), .DOB14(dob[14]), .DOB15(dob[15]), .DOB16(dob[16]), .DOB17(dob[17])
    );
endmodule

module ebr_infer (
    input  wire        clk,
    input  wire        we,
    input  wire [9:0]  wa,
    input  wire [17:0] wd,
    input  wire [9:0]  ra,
    output reg  [23:0] acc
);
    reg we_q; reg [9:0] wa_q, ra_q; reg [17:0] wd_q;
    reg [17:0] mem [0:1023];
    reg [17:0] rd, q;
    always @(posedge clk) begin
        we_q <= we; wa_q <= wa; wd_q <= wd; ra_q <= ra;
        if (we_q) mem[wa_q] <= wd_q;
        rd <= mem[ra_q];
        q <= rd;
        acc <= acc + {{6{q[17]}}, q};
    end
endmodule

// mul_inst: U (32-bit signed) x A (17-bit unsigned) as two MULT18X18D with every register on
// (input, pipeline, output), recombined in the fabric: P = (U_hi * A) << 17 + U_lo * A.
// mul_infer: the same product written as one '*' between registers (Yosys maps it to DSPs).
module mul_inst (
    input  wire        clk,
    input  wire [31:0] u,
    input  wire [16:0] a,
    output reg  [48:0] p
);
    wire [17:0] zero18 = 18'd0;
    reg  [31:0] u_q; reg [16:0] a_q;
    wire [17:0] lo_a = {1'b0, u_q[16:0]};
    wire [17:0] hi_a = {{3{u_q[31]}}, u_q[31:17]};
    wire [17:0] b    = {1'b0, a_q};
    wire [35:0] p_lo, p_hi;
    always @(posedge clk) begin
        u_q <= u; a_q <= a;
        p <= ({{13{p_hi[35]}}, p_hi} << 17) + {13'd0, p_lo};
    end

    MULT18X18D #(
        .REG_INPUTA_CLK("CLK0"), .REG_INPUTB_CLK("CLK0"), .REG_PIPELINE_CLK("CLK0"),
        .REG_OUTPUT_CLK("CLK0"), .GSR("DISABLED"), .RESETMODE("SYNC")
    ) u_lo (
        .A0(lo_a[0]), .A1(lo_a[1]), .A2(lo_a[2]), .A3(lo_a[3]), .A4(lo_a[4]), .A5(lo_a[5]), .A6(lo_a[6]), .A7(lo_a[7]), .A8(lo_a[8]), .A9(lo_a[9]), .A10(lo_a[10]), .A11(lo_a[11]), .A12(lo_a[12]), .A13(lo_a[13]), .A14(lo_a[14]), .A15(lo_a[15]), .A16(lo_a[16]), .A17(lo_a[17]),
        .B0(b[0]), .B1(b[1]), .B2(b[2]), .B3(b[3]), .B4(b[4]), .B5(b[5]), .B6(b[6]), .B7(b[7]), .B8(b[8]), .B9(b[9]), .B10(b[10]), .B11(b[11]), .B12(b[12]), .B13(b[13]), .B14(b[14]), .B15(b[15]), .B16(b[16]), .B17(b[17]),
        .C0(zero18[0]), .C1(zero18[1]), .C2(zero18[2]), .C3(zero18[3]), .C4(zero18[4]), .C5(zero18[5]), .C6(zero18[6]), .C7(zero18[7]), .C8(zero18[8]), .C9(zero18[9]), .C10(zero18[10]), .C11(zero18[11]), .C12(zero18[12]), .C13(zero18[13]), .C14(zero18[14]), .C15(zero18[15]), .C16(zero18[16]), .C17(zero18[17]),
        .SIGNEDA(1'b1), .SIGNEDB(1'b1), .SOURCEA(1'b0), .SOURCEB(1'b0),
        .CLK0(clk),
        .CE0(1'b1),
        .RST0(1'b0),
        .P0(p_lo[0]), .P1(p_lo[1]), .P2(p_lo[2]), .P3(p_lo[3]), .P4(p_lo[4]), .P5(p_lo[5]), .P6(p_lo[6]), .P7(p_lo[7]), .P8(p_lo[8]), .P9(p_lo[9]), .P10(p_lo[10]), .P11(p_lo[11]), .P12(p_lo[12]), .P13(p_lo[13]), .P14(p_lo[14]), .P15(p_lo[15]), .P16(p_lo[16]), .P17(p_lo[17]), .P18(p_lo[18]), .P19(p_lo[19]), .P20(p_lo[20]), .P21(p_lo[21]), .P22(p_lo[22]), .P23(p_lo[23]), .P24(p_lo[24]), .P25(p_lo[25]), .P26(p_lo[26]), .P27(p_lo[27]), .P28(p_lo[28]), .P29(p_lo[29]), .P30(p_lo[30]), .P31(p_lo[31]), .P32(p_lo[32]), .P33(p_lo[33]), .P34(p_lo[34]), .P35(p_lo[35])
    );

    MULT18X18D #(
        .REG_INPUTA_CLK("CLK0"), .REG_INPUTB_CLK("CLK0"), .REG_PIPELINE_CLK("CLK0"),
        .REG_OUTPUT_CLK("CLK0"), .GSR("DISABLED"), .RESETMODE("SYNC")
    ) u_hi (
        .A0(hi_a[0]), .A1(hi_a[1]), .A2(hi_a[2]), .A3(hi_a[3]), .A4(hi_a[4]), .A5(hi_a[5]), .A6(hi_a[6]), .A7(hi_a[7]), .A8(hi_a[8]), .A9(hi_a[9]), .A10(hi_a[10]), .A11(hi_a[11]), .A12(hi_a[12]), .A13(hi_a[13]), .A14(hi_a[14]), .A15(hi_a[15]), .A16(hi_a[16]), .A17(hi_a[17]),
        .B0(b[0]), .B1(b[1]), .B2(b[2]), .B3(b[3]), .B4(b[4]), .B5(b[5]), .B6(b[6]), .B7(b[7]), .B8(b[8]), .B9(b[9]), .B10(b[10]), .B11(b[11]), .B12(b[12]), .B13(b[13]), .B14(b[14]), .B15(b[15]), .B16(b[16]), .B17(b[17]),
        .C0(zero18[0]), .C1(zero18[1]), .C2(zero18[2]), .C3(zero18[3]), .C4(zero18[4]), .C5(zero18[5]), .C6(zero18[6]), .C7(zero18[7]), .C8(zero18[8]), .C9(zero18[9]), .C10(zero18[10]), .C11(zero18[11]), .C12(zero18[12]), .C13(zero18[13]), .C14(zero18[14]), .C15(zero18[15]), .C16(zero18[16]), .C17(zero18[17]),
        .SIGNEDA(1'b1), .SIGNEDB(1'b1), .SOURCEA(1'b0), .SOURCEB(1'b0),
        .CLK0(clk),
        .CE0(1'b1),
        .RST0(1'b0),
        .P0(p_hi[0]), .P1(p_hi[1]), .P2(p_hi[2]), .P3(p_hi[3]), .P4(p_hi[4]), .P5(p_hi[5]), .P6(p_hi[6]), .P7(p_hi[7]), .P8(p_hi[8]), .P9(p_hi[9]), .P10(p_hi[10]), .P11(p_hi[11]), .P12(p_hi[12]), .P13(p_hi[13]), .P14(p_hi[14]), .P15(p_hi[15]), .P16(p_hi[16]), .P17(p_hi[17]), .P18(p_hi[18]), .P19(p_hi[19]), .P20(p_hi[20]), .P21(p_hi[21]), .P22(p_hi[22]), .P23(p_hi[23]), .P24(p_hi[24]), .P25(p_hi[25]), .P26(p_hi[26]), .P27(p_hi[27]), .P28(p_hi[28]), .P29(p_hi[29]), .P30(p_hi[30]), .P31(p_hi[31]), .P32(p_hi[32]), .P33(p_hi[33]), .P34(p_hi[34]), .P35(p_hi[35])
    );
endmodule

module mul_infer (
    input  wire        clk,
    input  wire [31:0] u,
    input  wire [16:0] a,
    output reg  [48:0] p
);
    reg signed [31:0] u_q; reg [16:0] a_q;
    reg signed [48:0] p1, p2;
    always @(posedge clk) begin
        u_q <= u; a_q <= a;
        p1 <= u_q * $signed({1'b0, a_q});
        p2 <= p1;
        p <= p2;
    end
endmodule
`default_nettype wire
