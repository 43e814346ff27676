// Behavioural DP16KD for the units' tests (test model, not synthesized): the uses of
// spikelm_ram_sdp (port A writes, port B reads) and of spikelm_interp's table (both ports read
// a ROM initialised by INITVAL). Both ports in one data width; the word address is the address
// above the mode's low bits. INITVAL is read in the x18 layout (row s holds words 16 s ..
// 16 s + 15, word i in bits [20 i +: 18]; the layout of Yosys' own DP16KD mapping,
// techlibs/lattice/brams_map_16kd.v) and only in the x18 mode. Each port: a read register under
// CE, then with REGMODE = "OUTREG" an output register under OCE. Width 36 is the
// pseudo-dual-port mode as Yosys maps PDPW16KD (techlibs/ecp5/brams_map.v): port A writes
// DIB:DIA under CEA & WEA with the byte enables on ADA3..0, port B reads DOB:DOA under CEB,
// the word address from bit 5, both REGMODEs alike. Reset, chip selects, port-B writes and the
// other write modes are not modelled.
module DP16KD #(
  parameter integer DATA_WIDTH_A = 18, parameter integer DATA_WIDTH_B = 18,
  parameter REGMODE_A = "NOREG", parameter REGMODE_B = "NOREG", parameter RESETMODE = "SYNC",
  parameter CSDECODE_A = "0b000", parameter CSDECODE_B = "0b000",
  parameter WRITEMODE_A = "NORMAL", parameter WRITEMODE_B = "NORMAL", parameter GSR = "AUTO",
  parameter [319:0] INITVAL_00 = 320'h0,
  parameter [319:0] INITVAL_01 = 320'h0,
  parameter [319:0] INITVAL_02 = 320'h0,
  parameter [319:0] INITVAL_03 = 320'h0,
  parameter [319:0] INITVAL_04 = 320'h0,
  parameter [319:0] INITVAL_05 = 320'h0,
  parameter [319:0] INITVAL_06 = 320'h0,
  parameter [319:0] INITVAL_07 = 320'h0,
  parameter [319:0] INITVAL_08 = 320'h0,
  parameter [319:0] INITVAL_09 = 320'h0,
  parameter [319:0] INITVAL_0A = 320'h0,
  parameter [319:0] INITVAL_0B = 320'h0,
  parameter [319:0] INITVAL_0C = 320'h0,
  parameter [319:0] INITVAL_0D = 320'h0,
  parameter [319:0] INITVAL_0E = 320'h0,
  parameter [319:0] INITVAL_0F = 320'h0,
  parameter [319:0] INITVAL_10 = 320'h0,
  parameter [319:0] INITVAL_11 = 320'h0,
  parameter [319:0] INITVAL_12 = 320'h0,
  parameter [319:0] INITVAL_13 = 320'h0,
  parameter [319:0] INITVAL_14 = 320'h0,
  parameter [319:0] INITVAL_15 = 320'h0,
  parameter [319:0] INITVAL_16 = 320'h0,
  parameter [319:0] INITVAL_17 = 320'h0,
  parameter [319:0] INITVAL_18 = 320'h0,
  parameter [319:0] INITVAL_19 = 320'h0,
  parameter [319:0] INITVAL_1A = 320'h0,
  parameter [319:0] INITVAL_1B = 320'h0,
  parameter [319:0] INITVAL_1C = 320'h0,
  parameter [319:0] INITVAL_1D = 320'h0,
  parameter [319:0] INITVAL_1E = 320'h0,
  parameter [319:0] INITVAL_1F = 320'h0,
  parameter [319:0] INITVAL_20 = 320'h0,
  parameter [319:0] INITVAL_21 = 320'h0,
  parameter [319:0] INITVAL_22 = 320'h0,
  parameter [319:0] INITVAL_23 = 320'h0,
  parameter [319:0] INITVAL_24 = 320'h0,
  parameter [319:0] INITVAL_25 = 320'h0,
  parameter [319:0] INITVAL_26 = 320'h0,
  parameter [319:0] INITVAL_27 = 320'h0,
  parameter [319:0] INITVAL_28 = 320'h0,
  parameter [319:0] INITVAL_29 = 320'h0,
  parameter [319:0] INITVAL_2A = 320'h0,
  parameter [319:0] INITVAL_2B = 320'h0,
  parameter [319:0] INITVAL_2C = 320'h0,
  parameter [319:0] INITVAL_2D = 320'h0,
  parameter [319:0] INITVAL_2E = 320'h0,
  parameter [319:0] INITVAL_2F = 320'h0,
  parameter [319:0] INITVAL_30 = 320'h0,
  parameter [319:0] INITVAL_31 = 320'h0,
  parameter [319:0] INITVAL_32 = 320'h0,
  parameter [319:0] INITVAL_33 = 320'h0,
  parameter [319:0] INITVAL_34 = 320'h0,
  parameter [319:0] INITVAL_35 = 320'h0,
  parameter [319:0] INITVAL_36 = 320'h0,
  parameter [319:0] INITVAL_37 = 320'h0,
  parameter [319:0] INITVAL_38 = 320'h0,
  parameter [319:0] INITVAL_39 = 320'h0,
  parameter [319:0] INITVAL_3A = 320'h0,
  parameter [319:0] INITVAL_3B = 320'h0,
  parameter [319:0] INITVAL_3C = 320'h0,
  parameter [319:0] INITVAL_3D = 320'h0,
  parameter [319:0] INITVAL_3E = 320'h0,
  parameter [319:0] INITVAL_3F = 320'h0) (
  input DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0,
  input ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0,
  input CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
  input DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0,
  input ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0,
  input CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
  output DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0,
  output DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0);
  localparam integer W = DATA_WIDTH_A;
  localparam integer LW = (W == 36) ? 5 : (W == 18) ? 4 : (W == 9) ? 3 : (W == 4) ? 2 : (W == 2) ? 1 : 0;
  wire [13:0] ada = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0};
  wire [13:0] adb = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0};
  wire [17:0] dia = {DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0};
  wire [17:0] dib = {DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0};
  reg [17:0] mem [0:16383];
  reg [35:0] mem36 [0:511];  // the x36 mode's words
  reg [35:0] rw, ow;         // its read and output registers
  reg [17:0] ra, oa, rb, ob;
  integer i;
  initial begin
    if (DATA_WIDTH_A != DATA_WIDTH_B) begin
      $display("ERROR: DP16KD test model: one data width for both ports");
      $finish;
    end
    if (W == 36 && REGMODE_A != REGMODE_B) begin
      $display("ERROR: DP16KD test model: x36 needs REGMODE_A = REGMODE_B");
      $finish;
    end
    for (i = 0; i < 16384; i = i + 1) mem[i] = 18'd0;
    for (i = 0; i < 512; i = i + 1) mem36[i] = 36'd0;
    if (W == 18) begin
      for (i = 0; i < 16; i = i + 1) mem[16 * 0 + i] = INITVAL_00[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 1 + i] = INITVAL_01[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 2 + i] = INITVAL_02[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 3 + i] = INITVAL_03[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 4 + i] = INITVAL_04[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 5 + i] = INITVAL_05[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 6 + i] = INITVAL_06[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 7 + i] = INITVAL_07[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 8 + i] = INITVAL_08[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 9 + i] = INITVAL_09[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 10 + i] = INITVAL_0A[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 11 + i] = INITVAL_0B[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 12 + i] = INITVAL_0C[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 13 + i] = INITVAL_0D[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 14 + i] = INITVAL_0E[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 15 + i] = INITVAL_0F[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 16 + i] = INITVAL_10[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 17 + i] = INITVAL_11[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 18 + i] = INITVAL_12[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 19 + i] = INITVAL_13[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 20 + i] = INITVAL_14[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 21 + i] = INITVAL_15[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 22 + i] = INITVAL_16[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 23 + i] = INITVAL_17[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 24 + i] = INITVAL_18[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 25 + i] = INITVAL_19[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 26 + i] = INITVAL_1A[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 27 + i] = INITVAL_1B[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 28 + i] = INITVAL_1C[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 29 + i] = INITVAL_1D[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 30 + i] = INITVAL_1E[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 31 + i] = INITVAL_1F[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 32 + i] = INITVAL_20[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 33 + i] = INITVAL_21[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 34 + i] = INITVAL_22[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 35 + i] = INITVAL_23[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 36 + i] = INITVAL_24[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 37 + i] = INITVAL_25[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 38 + i] = INITVAL_26[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 39 + i] = INITVAL_27[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 40 + i] = INITVAL_28[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 41 + i] = INITVAL_29[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 42 + i] = INITVAL_2A[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 43 + i] = INITVAL_2B[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 44 + i] = INITVAL_2C[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 45 + i] = INITVAL_2D[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 46 + i] = INITVAL_2E[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 47 + i] = INITVAL_2F[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 48 + i] = INITVAL_30[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 49 + i] = INITVAL_31[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 50 + i] = INITVAL_32[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 51 + i] = INITVAL_33[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 52 + i] = INITVAL_34[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 53 + i] = INITVAL_35[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 54 + i] = INITVAL_36[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 55 + i] = INITVAL_37[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 56 + i] = INITVAL_38[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 57 + i] = INITVAL_39[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 58 + i] = INITVAL_3A[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 59 + i] = INITVAL_3B[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 60 + i] = INITVAL_3C[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 61 + i] = INITVAL_3D[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 62 + i] = INITVAL_3E[20 * i +: 18];
      for (i = 0; i < 16; i = i + 1) mem[16 * 63 + i] = INITVAL_3F[20 * i +: 18];
    end
  end
  always @(posedge CLKA) begin
    if (CEA) begin
      if (WEA) mem[ada >> LW] <= dia;
      else ra <= mem[ada >> LW];  // WRITEMODE NORMAL: the output holds during a write
    end
    if (OCEA) oa <= ra;
  end
  always @(posedge CLKB) begin
    if (CEB) rb <= mem[adb >> LW];
    if (OCEB) ob <= rb;
  end
  wire [35:0] di36 = {dib, dia};
  reg  [35:0] word36;
  integer bi;
  always @(posedge CLKA) begin
    if (W == 36 && CEA && WEA) begin
      word36 = mem36[ada[13:5]];
      for (bi = 0; bi < 4; bi = bi + 1) begin
        if (ada[bi]) word36[9 * bi +: 9] = di36[9 * bi +: 9];
      end
      mem36[ada[13:5]] <= word36;
    end
  end
  always @(posedge CLKB) begin
    if (W == 36 && CEB) rw <= mem36[adb[13:5]];
    if (OCEB) ow <= rw;
  end
  wire [35:0] dow = (REGMODE_B == "OUTREG") ? ow : rw;
  wire [17:0] doa = (W == 36) ? dow[17:0] : (REGMODE_A == "OUTREG") ? oa : ra;
  wire [17:0] dob = (W == 36) ? dow[35:18] : (REGMODE_B == "OUTREG") ? ob : rb;
  assign {DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0} = doa;
  assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0} = dob;
endmodule
