`default_nettype none

`ifndef SYNTHESIS
// Behavioural model of the Lattice ECP5 CCU2C carry cell, written for this project from the
// cell's documented behaviour (checked against Yosys techlibs/ecp5), for simulation only.
// Synthesis (SYNTHESIS defined, as Yosys does) skips it and uses the library cell.
//
// Each half k is a LUT4 f = INITk[{Dk,Ck,Bk,Ak}]; its carry out is its carry in where f = 1
// (propagate) and the generate term INITk[{Bk,Ak}] (the LUT's low nibble) where f = 0; its sum
// is Sk = f ^ carry in. INJECT1_k = "YES" hides the carry in from the sum and zeroes the
// generate term (the carry still passes where f = 1).
module CCU2C #(
    parameter [15:0] INIT0     = 16'h0000,
    parameter [15:0] INIT1     = 16'h0000,
    parameter [23:0] INJECT1_0 = "YES",  // "YES" or "NO", as three characters
    parameter [23:0] INJECT1_1 = "YES"
) (
    input  wire CIN,
    input  wire A0,
    input  wire B0,
    input  wire C0,
    input  wire D0,
    input  wire A1,
    input  wire B1,
    input  wire C1,
    input  wire D1,
    output wire S0,
    output wire S1,
    output wire COUT
);
    localparam [0:0] INJ0 = (INJECT1_0 == "YES") ? 1'b1 : 1'b0;
    localparam [0:0] INJ1 = (INJECT1_1 == "YES") ? 1'b1 : 1'b0;

    wire f0  = INIT0[{D0, C0, B0, A0}];
    wire g0  = INIT0[{2'b00, B0, A0}] & ~INJ0;
    wire co0 = f0 ? CIN : g0;

    wire f1  = INIT1[{D1, C1, B1, A1}];
    wire g1  = INIT1[{2'b00, B1, A1}] & ~INJ1;

    assign S0   = f0 ^ (CIN & ~INJ0);
    assign S1   = f1 ^ (co0 & ~INJ1);
    assign COUT = f1 ? co0 : g1;
endmodule
`endif

`default_nettype wire
