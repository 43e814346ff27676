#!/usr/bin/env python3
"""Mutation sweep of the co-simulation: does `spikelm-hw sim --rtl DIR` fail closed?

Generates the default engine (spikelm-bert-tiny) once, applies single-point mutations to the
generated Verilog (one mutant per row of MUTANTS), and runs the default `spikelm-hw sim --rtl
MUTDIR` on each -- exactly what a user runs -- one at a time. Records, per mutant, whether the
co-simulation failed (caught) and by what message, or passed (escaped). Not part of the test
suite; see docs/verification.md ("Mutation sweep").

usage (from the checkout, after `cargo build --release`):
    source scripts/env.sh && python3 scripts/mutation_sweep.py [--out DIR] [--only ID,ID]
        [--timeout S] [--bin PATH] [--list]

Writes DIR/results.jsonl (one line per mutant) and DIR/table.md. Each mutant's pattern must
occur exactly once in its file (or `nth` picks the occurrence); a pattern that no longer
matches is reported as `stale`, never silently skipped.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

C = "rtl/spikelm_controller.v"
E = "rtl/spikelm_engine.v"
S = "rtl/spikelm_csr.v"
ENC = "rtl/spikelm_encoder.v"
N = "rtl/spikelm_neuron.v"
RC = "rtl/spikelm_rate_counters.v"
O = "rtl/spikelm_out_stage.v"
PE = "rtl/spikelm_pe.v"
PA = "rtl/spikelm_pe_array.v"
SA = "rtl/spikelm_signsel_add.v"
AS = "rtl/spikelm_amp_shift.v"
M18 = "rtl/spikelm_mul18.v"
SB = "rtl/spikelm_sbuf.v"
WB = "rtl/spikelm_wbuf.v"
RAM = "rtl/spikelm_ram_sdp.v"
BM = "rtl/spikelm_bias_mem.v"
DL = "rtl/spikelm_delay.v"

# (id, unit, file, pattern, replacement, what, nth occurrence or None)
MUTANTS = [
    # ---- controller ----
    ("ctl-cycles-step", "controller", C, "cycles_q     <= cycles_q + 1'b1;", "cycles_q     <= cycles_q + 2'd2;", "CYCLES counts by 2 (constant off by one)", None),
    ("ctl-cycles-noclear", "controller", C, "cycles_q     <= CYC0[CNTW-1:0];", "", "START does not clear CYCLES (dropped assignment)", None),
    ("ctl-cycles-sat", "controller", C, "cycles_max_q <= cycles_hi_q & (cycles_q[CLO-1:0] == CYC_LO_M1);", "cycles_max_q <= (cycles_q[CLO-1:0] == CYC_LO_M1);", "CYCLES saturates at 7 (dropped term)", None),
    ("ctl-done-noclear", "controller", C, "done_q <= 1'b0;  // START (go) clears DONE", "", "START does not clear DONE (dropped assignment)", None),
    ("ctl-done-never", "controller", C, "done_q <= 1'b1;", "done_q <= 1'b0;", "DONE stuck at 0", None),
    ("ctl-busy-noreset", "controller", C, "wire            busy_d = ~rst & (go | (busy_q & ~out_done));", "wire            busy_d = (go | (busy_q & ~out_done));", "BUSY not reset (removed reset)", None),
    ("ctl-din-m2", "controller", C, "din_left_idle_q <= {1'b0, rom_din} - {1'b0, DIN_TWO};", "din_left_idle_q <= {1'b0, rom_din} - 1'b1;", "Din - 2 becomes Din - 1 (off by one)", None),
    ("ctl-rom-dout", "controller", C, "rom_dout = 10'd128;", "rom_dout = 10'd127;", "attn_out Dout 127 in the ROM (constant)", 2),
    ("ctl-rom-din-ffn-out", "controller", C, "rom_din  = 10'd512;", "rom_din  = 10'd511;", "ffn_out Din 511 (constant)", None),
    ("ctl-rom-default", "controller", C, "rom_din  = 10'd128;", "rom_din  = 10'd127;", "default branch of the shape ROM (constant)", 1),
    ("ctl-left-off", "controller", C, "LEFT0 = 2 * TPR + 1;", "LEFT0 = 2 * TPR;", "tokens left one too many: a block more where TOKENS is a multiple of TPR (off by one)", None),
    ("ctl-last-late", "controller", C, "(e_block_end ? ~e_last_q : e_more_q)", "(e_block_end ? ~e_next_last : e_more_q)", "blocks remain read from the next block's flag, not the current one's (wrong flag)", None),
    ("ctl-act-ready-unblocked", "controller", C, "wire rdy_beat  = e_more_q & ~b_cur;", "wire rdy_beat  = e_more_q;", "encoder ignores the taken bank (dropped term)", None),
    ("ctl-dt-stuck", "controller", C, "c_dt_q     <= (c_dt_q == T_LAST) ? {TB{1'b0}} : c_dt_q + 1'b1;", "c_dt_q     <= {TB{1'b0}};", "drain time step stuck at 0", None),
    ("ctl-drain-last", "controller", C, "assign drain_last = c_dr_end_q & c_run_end_q;", "assign drain_last = c_dr_end_q & c_bank_last_q;", "tlast at every bank end (wrong flag)", None),
    ("ctl-run-end-term", "controller", C, "c_run_end_q   <= c_blk_end_q & c_cb_end_q & c_run_last_q;", "c_run_end_q   <= c_blk_end_q & c_run_last_q;", "the run ends at the last bank's first column block (dropped term)", None),
    ("ctl-bank-last-cb", "controller", C, "c_bank_last_q <= c_blk_end_q & c_cb_end_q;", "c_bank_last_q <= c_blk_end_q;", "bank switch at every column block (dropped term)", None),
    ("ctl-bias-addr", "controller", C, "assign bias_addr  = c_cb_q[BAB-1:0];", "assign bias_addr  = c_cb_q[BAB:1];", "bias address bit shift", None),
    ("ctl-credit-15", "controller", C, "wire             dr_ok_d = ~(|a_v_in) & ~occ_d[FD-1];", "wire             dr_ok_d = ~(|a_v_in) & ~occ_d[FD-2];", "output credit 15 instead of 16 (bit index)", None),
    ("ctl-ready-reset1", "controller", C, "dr_ok_q <= 1'b0;", "dr_ok_q <= 1'b1;", "drain permission reset to 1", None),
    ("ctl-abusy-early", "controller", C, "wire             dr_ok_d = ~(|a_v_in) & ~occ_d[FD-1];", "wire             dr_ok_d = ~(|a_v_q) & ~occ_d[FD-1];", "drain may start one cycle before the last update", None),
    ("ctl-flush-swap", "controller", C, "(c_run_end_q ? S_FLUSH : S_WAITB)", "(c_run_end_q ? S_WAITB : S_FLUSH)", "inverted condition: last bank", None),
    ("ctl-free-stuck", "controller", C, "wire [1:0] freed_d = {c_bank_q, ~c_bank_q} & {2{cmp_bank_end & ~c_idle}};", "wire [1:0] freed_d = 2'b00;", "bank never freed (stuck at 0)", None),
    ("ctl-blocked-samebank", "controller", C, "wire b_next = blocked_q[~e_bank_q];", "wire b_next = blocked_q[e_bank_q];", "at a bank's end the encoder reads the old bank's taken flag (wrong index)", None),
    ("ctl-grp-end-reset", "controller", C, "e_grp_end_q <= GRP_ONE;\n            e_blk_end_q", "e_grp_end_q <= 1'b1;\n            e_blk_end_q", "the last-group flag set at START (a block of one row group)", None),
    ("ctl-eileft-step", "controller", C, "e_i_left_q <= e_i_left_q - e_i_step;", "e_i_left_q <= e_i_left_q - e_i_step - 1'b1;", "the encode counter's steps left fall by 2 (constant off by one)", None),
    ("ctl-iend-dead", "controller", C, "din_left_q <= din_left_idle_q;", "din_left_q <= {1'b0, din_left_idle_q[DINW-1:0]};", "the reload's sign for Din = 1 dropped (no shape has Din 1)", None),
    ("ctl-bank-swap", "controller", C, "e_base_q    <= e_bank_q ? {SBAB{1'b0}} : BANK1;", "e_base_q    <= e_bank_q ? BANK1 : {SBAB{1'b0}};", "encoder writes the wrong bank (inverted condition)", None),
    ("ctl-addr-block", "controller", C, "c_anext_q <= c_base_q + BLOCK_SZ;", "c_anext_q <= c_base_q;", "the reduction reads the finished row block's spikes again instead of the next block's (dropped offset)", None),
    ("ctl-addr-bank", "controller", C, "c_anext_q <= (c_bank_q ^ c_cb_end_q) ? BANK1 : {SBAB{1'b0}};", "c_anext_q <= c_bank_q ? BANK1 : {SBAB{1'b0}};", "the reduction reads the finished bank again after a bank (dropped term)", None),
    ("ctl-blk-done", "controller", C, "wire           c_blk_done = c_drain & c_dr_end_q;", "wire           c_blk_done = c_drain;", "the block end (state, weight flag, bookkeeping pulse) at every drain beat (dropped term)", None),
    ("ctl-bflip", "controller", C, "assign c_bflip      = c_bend_q & c_bank_last_q;", "assign c_bflip      = 1'b0;", "the WAITB flag's bank select misses the flip the bookkeeping pulse makes (dropped term)", None),
    ("ctl-emore-idle", "controller", C, "wire rdy_go    = ~rst & start;", "wire rdy_go    = ~rst;", "activation ready while idle (dropped term: START)", None),
    ("ctl-state-copy-late", "controller", C, ".d({state_d[I_DRAIN], state_d[I_RED]})", ".d({state_d[I_DRAIN], state_q[I_RED]})", "the engine's copy of the RED state bit one cycle late (wrong signal)", None),
    ("ctl-state-noreset", "controller", C, "state_d = S_IDLE;  // reset, or no run", "state_d = state_q;", "state held through reset and idle (removed reset)", None),
    ("ctl-occ-noreset", "controller", C, "occ_q <= {FD{1'b0}};", "occ_q <= occ_q;", "output credit not reset", None),
    ("ctl-go-c-ungated", "controller", C, "c_go   = start_c & ~busy_c;", "c_go   = start_c;", "the compute process's START copy not gated by its BUSY copy", None),
    # ---- engine top ----
    ("eng-go-ungated", "engine", E, "start_idle = start & ~busy_csr & ~start_go_s;", "start_idle = start & ~start_go_s;", "START not gated by BUSY in the top (clears the counters mid-run)", None),
    ("eng-rates-noclear", "engine", E, "rates_clear_q <= rst | go;", "rates_clear_q <= rst;", "START does not clear the rate counters", None),
    ("eng-dbg-valid-rst", "engine", E, "dbg_spike_valid_q <= wr_we & ~rst;", "dbg_spike_valid_q <= wr_we;", "dbg_spike_valid not masked in reset", None),
    ("eng-scale-addr-swap", "engine", E, ".raddr({bias_raddr, drain_t})", ".raddr({drain_t, bias_raddr})", "scale read address fields swapped (port connection)", None),
    ("eng-bias-rd-early", "engine", E, ".N(`SPIKELM_BIAS_RD_LAT), .RESET(1)) u_bias_rd", ".N(`SPIKELM_BIAS_RD_LAT - 1), .RESET(1)) u_bias_rd", "bias read one cycle early", None),
    ("eng-bias-rd-late", "engine", E, ".N(`SPIKELM_BIAS_RD_LAT), .RESET(1)) u_bias_rd", ".N(`SPIKELM_BIAS_RD_LAT + 1), .RESET(1)) u_bias_rd", "bias read one cycle late (a block's first row meets the previous block's biases)", None),
    ("eng-bias-addr-now", "engine", E, ".re(bias_re), .raddr(bias_rd_addr)", ".re(bias_re), .raddr(bias_raddr)", "bias read at the delayed beat but the current block (address not delayed)", None),
    ("eng-enc-valid-port", "engine", E, ".in_valid(act_fire),", ".in_valid(s_act_tvalid),", "encoder takes tvalid, not the handshake (swapped port)", None),
    ("eng-done-unregistered", "engine", E, ".out_done(done_beat)", ".out_done(out_done)", "DONE from the port's handshake, not its register (dropped stage)", None),
    ("eng-row-last-early", "engine", E, "drain_row_last_q <= drain_last_q;", "drain_row_last_q <= drain_last;", "tlast one row early (dropped stage)", None),
    ("eng-wr-bank-end", "engine", E, ".wr_bank_end(wr_bank_end & wr_we)", ".wr_bank_end(wr_bank_end)", "bank end without its write (stale tag)", None),
    ("eng-shift-plus1", "engine", E, ".shift(out_shift),", ".shift(out_shift + 1'b1),", "OUT_SHIFT off by one", None),
    ("eng-drain-row-rst", "engine", E, "drain_row_q      <= drain_shift & ~rst;", "drain_row_q      <= drain_shift;", "drained-row valid not masked in reset", None),
    # ---- register block ----
    ("csr-start-anybit", "csr", S, "start_q     <= csr_we & hit_ctrl & csr_wdata[CTRL_START];", "start_q     <= csr_we & hit_ctrl;", "any CTRL write starts (dropped term)", None),
    ("csr-mem-busy", "csr", S, "wire   mem_open    = ~run_busy;", "wire   mem_open    = 1'b1;", "BIAS/SCALE writes accepted while busy", None),
    ("csr-reg-busy", "csr", S, "end else if (!run_busy) begin", "end else begin", "run registers writable while busy", None),
    ("csr-tokens-bad", "csr", S, "wdata_lo > SEQ_K};", "wdata_lo > SEQ_K + 1'b1};", "TOKENS = seq_len + 1 accepted (constant)", None),
    ("csr-tokens-zero", "csr", S, "wdata_lo == {TOKW{1'b0}}, ", "1'b0, ", "TOKENS = 0 accepted (dropped term)", None),
    ("csr-tokens-hi", "csr", S, "{|wdata_hi, ", "{1'b0, ", "TOKENS beyond the register's width accepted (dropped term)", None),
    ("csr-cycles-read", "csr", S, "rmux[CNTW-1:0] = cycles;", "rmux[CNTW-1:0] = cycles + 1'b1;", "CYCLES read + 1", None),
    ("csr-info", "csr", S, "rmux           = INFO;", "rmux           = INFO ^ 32'h100;", "INFO bit flipped", None),
    ("csr-status-done", "csr", S, "rmux[STATUS_DONE] = done & ~start_pend_r;", "rmux[STATUS_DONE] = 1'b0;", "STATUS.DONE stuck at 0", None),
    ("csr-status-busy", "csr", S, "rmux[STATUS_BUSY] = busy_status | start_pend_r;", "rmux[STATUS_BUSY] = 1'b0;", "STATUS.BUSY stuck at 0", None),
    ("csr-count-t-ok", "csr", S, "& ({28'd0, a[5:2]} < T);", "& ({28'd0, a[5:2]} <= T);", "counter read of t = T allowed (< to <=)", None),
    ("csr-tokens-reset", "csr", S, "tokens_q    <= SEQ_K;", "tokens_q    <= {TOKW{1'b0}};", "TOKENS resets to 0, not seq_len", None),
    ("csr-layer-reset", "csr", S, "layer_q     <= 2'd0;", "layer_q     <= 2'd1;", "LAYER resets to 1", None),
    ("csr-shift-reset", "csr", S, "out_shift_q <= {OSB{1'b0}};", "out_shift_q <= {OSB{1'b1}};", "OUT_SHIFT resets to all ones", None),
    ("csr-read-ungated", "csr", S, "        end else if (rd2_q) begin\n            csr_rdata_q <= word;", "        end else begin\n            csr_rdata_q <= word;", "read word follows the address (dropped enable)", None),
    ("csr-count-word", "csr", S, "2'd1:    word[CNTW-1:0] = count_t_q[CNTW +: CNTW];", "2'd1:    word[CNTW-1:0] = count_t_q[0 +: CNTW];", "NEG_COUNT reads POS_COUNT (wrong slice)", None),
    ("csr-count-step", "csr", S, "counts[rd_count_at_q[2 +: TB]*3*CNTW", "counts[rd_count_at_q[1 +: TB]*3*CNTW", "counter time step index bits shifted", None),
    ("csr-alpha-t", "csr", S, "wire [15:0] t_hot  = 16'd1 << a[7:4];", "wire [15:0] t_hot  = 16'd1 << a[6:3];", "ALPHA time step index bits shifted", None),
    ("csr-bias-bank", "csr", S, "assign bias_bank   = addr_q[CB-1:0];", "assign bias_bank   = addr_q[CB:1];", "BIAS bank index bits shifted", None),
    ("csr-add-hit", "csr", S, "\n                       | (a[1:0] == A_ADD_COUNT[1:0]))", ")", "ADD_COUNT no longer decoded (dropped term)", None),
    ("csr-shift-hit", "csr", S, "            if (wr_low_q & at_shift_q) begin", "            if (wr_low_q & at_tokens_q) begin", "OUT_SHIFT written by TOKENS writes (wrong select)", None),
    ("csr-unmapped", "csr", S, "if (rd_info_q)   rmux", "if (!(rd_status_q | rd_layer_q | rd_tokens_q | rd_shift_q | rd_cycles_q | rd_count_q)) rmux", "unmapped register reads INFO (select dropped)", None),
    ("csr-rdata-reset", "csr", S, "csr_rdata_q <= 32'd0;", "csr_rdata_q <= 32'd5;", "read word reset value", None),
    # ---- encoder / neuron ----
    ("enc-valid-rst", "encoder", ENC, "in_valid_q <= in_valid & ~rst;", "in_valid_q <= in_valid;", "input valid not masked in reset", None),
    ("enc-delay-noreset", "encoder", ENC, "spikelm_delay #(.W(1), .N(OUT - 1), .RESET(1)) u_valid (", "spikelm_delay #(.W(1), .N(OUT - 1), .RESET(0)) u_valid (", "valid pipeline not reset", None),
    ("enc-aprev-t", "encoder", ENC, "alpha_l[((t == 0) ? 0 : t - 1)*CODEW +: CODEW]", "alpha_l[t*CODEW +: CODEW]", "leak uses A_t, not A_{t-1} (index)", None),
    ("neu-tie-pos", "neuron", N, "p_lo_gt = {1'b0, a_pos_q[CL-1:0]} - {1'b0, ul[CL-1:0]};", "p_lo_gt = {1'b0, a_pos_q[CL-1:0]} - {1'b0, ul[CL-1:0]} - 1'b1;", "> to >= at the positive tie", None),
    ("neu-tie-neg", "neuron", N, "a_neg_q  <= -{ {(W-AW-1){1'b0}}, a_cur};", "a_neg_q  <= ~{ {(W-AW-1){1'b0}}, a_cur};", "-A becomes -A-1 (negative threshold off by one)", None),
    ("neu-gt-unsigned", "neuron", N, "wire fire_pos = ~s_q & (", "wire fire_pos = (", "the sign of 2U ignored at +1: a negative membrane compared as a magnitude (dropped term)", None),
    ("neu-round-swap", "neuron", N, "{ {(VW-2){1'b0}}, nhalf_at, half_at}", "{ {(VW-2){1'b0}}, half_at, nhalf_at}", "rounding constants swapped", None),
    ("neu-half-code", "neuron", N, "wire [2:0]     q_dec = {q_prev == 2'b11, q_prev != 2'b11, q_prev == 2'b10};", "wire [2:0]     q_dec = {q_prev == 2'b10, q_prev != 2'b11, q_prev == 2'b10};", "-1 test on the +1 code", None),
    ("neu-leak-logical", "neuron", N, "wire signed [VW-1:0]  l_leak = v_q >>> 2;", "wire signed [VW-1:0]  l_leak = v_q >> 2;", "arithmetic to logical shift", None),
    ("neu-spike-code", "neuron", N, "q_q <= {fire_pos | fire_neg, fire_neg};", "q_q <= {fire_pos, fire_neg};", "-1 spike coded 2'b01", None),
    ("neu-qdelay", "neuron", N, "q_d_q <= {q_d_q[3*(QD-1)-1:0], q_dec};", "q_d_q <= {q_dec, q_dec};", "q_{t-1} one cycle early", None),
    ("neu-sat-wrap", "neuron", N, "assign u = fits_q ? low_q : {sign_q, {(MW-1){~sign_q}}};", "assign u = low_q;", "the membrane wraps instead of saturating", None),
    ("neu-neg-lo", "neuron", N, "(~n_gt_hi_q & n_lt_lo_q)", "(~n_gt_hi_q | n_lt_lo_q)", "& to | in the negative compare", None),
    ("sat-bound", "neuron", N, "assign u = fits_q ? low_q : {sign_q, {(MW-1){~sign_q}}};", "assign u = fits_q ? low_q : {~sign_q, {(MW-1){sign_q}}};", "membrane saturates to the wrong bound", None),
    # ---- rate counters ----
    ("rc-inc-clear", "rate_counters", RC, "wire            inc_d = inc & ~clear;", "wire            inc_d = inc;", "increment not masked by clear", None),
    ("rc-neg-code", "rate_counters", RC, "if (s == 2'b11 && !neg_max_q) begin", "if (s == 2'b01 && !neg_max_q) begin", "-1 spikes never counted (constant)", None),
    ("rc-add-sat", "rate_counters", RC, "add_out_q <= add_full | {CW{add_ov_q}};", "add_out_q <= add_full;", "ADD_COUNT wraps instead of saturating", None),
    ("rc-add-bit", "rate_counters", RC, "if (s[1]) begin", "if (s[0]) begin", "additions counted for -1 spikes only (bit index)", None),
    ("rc-pos-noclear", "rate_counters", RC, "pos_q     <= {CW{1'b0}};", "pos_q     <= pos_q;", "POS_COUNT not cleared (dropped clear)", None),
    ("rc-pos-max", "rate_counters", RC, "pos_max_q <= pos_hi_q & pos_q[1] & ~pos_q[0];", "pos_max_q <= pos_q[1] & ~pos_q[0];", "POS_COUNT saturates at 3 (the high-bits flag dropped)", None),
    # ---- output stage / amplitude ----
    ("out-sat-bound", "out_stage", O, "assign y_row[c*YW +: YW] = fits_q ? low_q : {sign_q, {(YW-1){~sign_q}}};", "assign y_row[c*YW +: YW] = fits_q ? low_q : {~sign_q, {(YW-1){sign_q}}};", "outputs saturate to the wrong bound", None),
    ("out-fits-bit", "out_stage", O, "fits_q <= (&f_in_q) & (t_q[TWH:YW] == {(TWH-YW+1){t_q[TWH]}});", "fits_q <= (&f_in_q) & (t_q[TWH:YW+1] == {(TWH-YW){t_q[TWH]}});", "saturation threshold one bit off", None),
    ("out-qrange-drop", "out_stage", O, "fits_q <= (&f_in_q) & (", "fits_q <= (", "the range test forgets Q's high bits (dropped term)", None),
    ("out-qrange-bit", "out_stage", O, "assign same[k] = ~(f_q[YW + 1 + 3 * g + k] ^ f_q[PW]);", "assign same[k] = ~(f_q[YW + 2 + 3 * g + k] ^ f_q[PW]);", "Q's range test one bit high (off by one)", None),
    ("out-qrange-early", "out_stage", O, "assign same[k] = ~(m[YW + 1 + FMAX + 6 * g + k] ^ m[PW]);", "assign same[k] = ~(m[YW + 2 + FMAX + 6 * g + k] ^ m[PW]);", "the early part of Q's range test skips its lowest bit (off by one)", None),
    ("out-round", "out_stage", O, "bias, 1'b1};", "bias, 1'b0};", "rounding bit dropped (constant)", None),
    ("out-coarse-logical", "out_stage", O, "c_q    <= p2 >>> (s_q & CMASK);", "c_q    <= p2 >> (s_q & CMASK);", "arithmetic to logical shift", None),
    ("out-pop-noready", "out_stage", O, "wire         out_fire = out_valid & out_ready;", "wire         out_fire = out_valid;", "FIFO pops without tready (dropped term)", None),
    ("out-credit-never", "out_stage", O, "fired_q <= out_fire;", "fired_q <= 1'b0;", "credit never returned (stuck at 0)", None),
    ("out-last-bit", "out_stage", O, "assign out_last  = head[C*YW];", "assign out_last  = head[C*YW-1];", "tlast from a data bit (bit index)", None),
    ("out-wr-noreset", "out_stage", O, "wp_q <= rst ? {FB{1'b0}} : wp_q + { {(FB-1){1'b0}}, wv_q};", "wp_q <= wp_q + { {(FB-1){1'b0}}, wv_q};", "a lane's FIFO write pointer not reset", None),
    ("out-wv-noreset", "out_stage", O, "u_wv_q (.clk(clk), .d(wv_p & ~rst), .q(wv_q));", "u_wv_q (.clk(clk), .d(wv_p), .q(wv_q));", "a lane's write enable copy not cleared by a reset (dropped term)", None),
    ("out-ctl-noreset", "out_stage", O, "spikelm_delay #(.W(2), .N(PL - 2), .RESET(1)) u_ctl (", "spikelm_delay #(.W(2), .N(PL - 2), .RESET(0)) u_ctl (", "row valid pipeline not reset", None),
    ("out-fill-both", "out_stage", O, "if (y_valid_q & ~take) begin", "if (y_valid_q) begin", "fill level wrong on push and pop together", None),
    ("out-take-held", "out_stage", O, "wire              take_l = st_q[1] & (~st_q[0] | out_ready);", "wire              take_l = st_q[1];", "a lane's head register overwritten while its row waits (dropped term)", None),
    ("out-take-shared", "out_stage", O, "wire         take     = fill_q[0] & (~head_v_q | out_fire);", "wire         take     = fill_q[0];", "the FIFO pops while the head register holds its row (dropped term)", None),
    ("out-head-noreset", "out_stage", O, "wire         head_v_d = ~rst & (take | (head_v_q & ~out_fire));", "wire         head_v_d = take | (head_v_q & ~out_fire);", "head register's valid not reset", None),
    ("amp-sign", "amp_shift", AS, "wire signed [W:0]     x_s = {top & x[LO+W-1], x[LO +: W]};", "wire signed [W:0]     x_s = {1'b0, x[LO +: W]};", "operand sign dropped", None),
    ("amp-chunk-shift", "amp_shift", AS, "assign total = g_part[k-1].total + (pp_ext << LO);", "assign total = g_part[k-1].total + (pp_ext << (LO - 1));", "partial product shift off by one", None),
    ("amp-code-signed", "amp_shift", AS, "wire signed [CW:0]   c_s = {1'b0, code};", "wire signed [CW:0]   c_s = {code[CW-1], code};", "code treated as signed", None),
    ("mul-stage", "mul18", M18, "        o_q <= m_q;", "        o_q <= a_q * b_q;", "multiplier one stage short", None),
    # ---- PE / array / buffers ----
    ("pe-noreset", "pe", PE, "acc_q <= {ACCW{1'b0}};", "acc_q <= next;", "accumulator not cleared by reset", None),
    ("pe-carry", "pe", PE, "& {WB{x[1]}}, x[0]}", "& {WB{x[1]}}, x[1]}", "carry-in for +1 too", None),
    ("pe-neg-drop", "pe", PE, ".in({(w ^ {WB{x[0]}}) & {WB{x[1]}}", ".in({w & {WB{x[1]}}", "negation dropped", None),
    ("pe-carry-drop", "signsel_add", SA, "x + operand + carry;", "x + operand;", "carry-in dropped in the adder", None),
    ("pa-neg-rst", "pe_array", PA, "x_r[0] & ~rst};", "x_r[0]};", "negative bit kept in reset's first cycle (a carry-in after the clear)", None),
    ("pa-wtile", "pe_array", PA, "wire [C*WB-1:0] w_q = w_tile[(r / TR)*C*WB +: C*WB];", "wire [C*WB-1:0] w_q = w_tile[0 +: C*WB];", "every row uses weight copy 0", None),
    ("pa-acc-in", "pe_array", PA, ".acc_in(accs[((r+1)*C + c)*ACCW +: ACCW]),", ".acc_in(accs[((r+1)*C + ((c + 1) % C))*ACCW +: ACCW]),", "drain takes the neighbour column (port connection)", None),
    ("sb-grp-ne", "sbuf", SB, "we & (wgrp == GROUP)", "we & (wgrp != GROUP)", "row group select inverted (== to !=)", None),
    ("sb-land-noclear", "sbuf", SB, "if (CLR != 0 && land_clr[r / RT]) begin", "if (1'b0) begin", "a stale row operand outside a step (stuck at 0)", None),
    ("sb-rv-noreset", "sbuf", SB, "rv_q <= 2'b00;", "rv_q <= {rv_q[0], rd_q[r*(AB+1) + AB]};", "reads in flight not dropped by reset", None),
    ("sb-land-rst", "sbuf", SB, "assign land_clr[r] = rst | ~rv_q[1];", "assign land_clr[r] = ~rv_q[1];", "the landing register not cleared in reset's first cycle (dropped term)", None),
    ("sb-rd-copy", "sbuf", SB, "wire [AB:0]    rd = rd_q[(r / RT)*(AB+1) +: AB+1];", "wire [AB:0]    rd = rd_q[0 +: AB+1];", "every row reads request copy 0", None),
    ("ram-re-always", "ram_sdp", RAM, "        if (re) begin\n            rd_q <= mem[raddr];", "        if (1'b1) begin\n            rd_q <= mem[raddr];", "read enable ignored (stuck at 1)", None),
    ("ram-we-always", "ram_sdp", RAM, "        if (we) begin\n            mem[waddr] <= wdata;", "        if (1'b1) begin\n            mem[waddr] <= wdata;", "write enable stuck at 1", None),
    ("wb-delay", "wbuf", WB, "spikelm_delay #(.W(W), .N(RL - 1), .RESET(0)) u_stream (", "spikelm_delay #(.W(W), .N(RL - 2), .RESET(0)) u_stream (", "weights one cycle early (constant)", None),
    ("wb-buf-sel", "wbuf", WB, "out_q <= sel_buf ? buf_w : stream_w;", "out_q <= sel_buf ? stream_w : buf_w;", "weight buffer select inverted (BUF = 1 branch)", None),
    ("bm-word", "bias_mem", BM, "assign wsel_d[c*WORDS + k] = we & (wbank == BANK) & (wword == WORD);", "assign wsel_d[c*WORDS + k] = we & (wbank == BANK);", "word select dropped", None),
    ("bm-bank", "bias_mem", BM, "assign wsel_d[c*WORDS + k] = we & (wbank == BANK) & (wword == WORD);", "assign wsel_d[c*WORDS + k] = we & (wbank != BANK) & (wword == WORD);", "bank select inverted", None),
    ("dl-noreset", "delay", DL, "if (RESET != 0 && rst) begin", "if (RESET != 0 && 1'b0) begin", "no delay line resets (stuck at 0)", None),
]


def apply(tree, rel, pattern, replacement, nth):
    path = os.path.join(tree, rel)
    with open(path) as f:
        text = f.read()
    count = text.count(pattern)
    if nth is None:
        if count != 1:
            return f"pattern occurs {count} times in {rel}"
        text = text.replace(pattern, replacement, 1)
    else:
        if count < nth:
            return f"pattern occurs {count} times in {rel}, need occurrence {nth}"
        at = -1
        for _ in range(nth):
            at = text.index(pattern, at + 1)
        text = text[:at] + replacement + text[at + len(pattern):]
    with open(path, "w") as f:
        f.write(text)
    return None


def verdict(rc, stdout, stderr):
    """(caught?, message) of one sim run."""
    msg = ""
    for line in stderr.splitlines():
        if line.startswith("Error:") or "disagree" in line or "did not run" in line:
            msg = line.strip()
            break
    try:
        report = json.loads(stdout)
        first = report.get("first_mismatch")
        if first:
            msg = (f"{first.get('signal')} layer {first.get('layer')} cycle {first.get('cycle')}: "
                   f"expected {first.get('expected')}, actual {first.get('actual')}")
            if first.get("note"):
                msg += f" [{first['note']}]"
        elif not report.get("passed", True):
            bad = [r for r in report.get("runs", []) if r.get("status") != "ok"]
            if bad:
                msg = f"status {bad[0].get('status')}: " + msg
    except (ValueError, AttributeError):
        pass
    if not msg:
        tail = [l for l in stderr.splitlines() if l.strip()]
        msg = tail[-1].strip() if tail else ""
    return rc != 0, msg[:400]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(here, "target", "mutation-sweep"))
    ap.add_argument("--bin", default=os.path.join(here, "target", "release", "spikelm-hw"))
    ap.add_argument("--cache", default=None, help="build cache (default OUT/cache)")
    ap.add_argument("--timeout", type=int, default=60, help="sim --timeout per harness run (s)")
    ap.add_argument("--only", default="", help="comma-separated mutant ids")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--budget-min", type=float, default=0,
                    help="start no new mutant after this many minutes (0: no limit)")
    args = ap.parse_args()
    if args.list:
        for m in MUTANTS:
            print(f"{m[0]:26} {m[1]:14} {m[5]}")
        return 0
    order = [s for s in args.only.split(",") if s]
    only = set(order)
    unknown = only - {m[0] for m in MUTANTS}
    if unknown:
        print(f"unknown mutant ids: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    cache = args.cache or os.path.join(args.out, "cache")
    env = dict(os.environ, SPIKELM_HW_CACHE=cache)
    base = os.path.join(args.out, "base")
    shutil.rmtree(base, ignore_errors=True)
    subprocess.run([args.bin, "generate", "--out", base], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    out_jsonl = os.path.join(args.out, "results.jsonl")
    todo = MUTANTS if not only else sorted(
        (m for m in MUTANTS if m[0] in only), key=lambda m: order.index(m[0]))
    began = time.time()
    # Appends: several invocations (e.g. --only batches) build one table.
    with open(out_jsonl, "a") as log:
        for (mid, unit, rel, pat, rep, what, nth) in todo:
            if args.budget_min and time.time() - began > 60 * args.budget_min:
                print(f"time budget of {args.budget_min} min spent; stopping before {mid}")
                break
            tree = os.path.join(args.out, "mutants", mid)
            shutil.rmtree(tree, ignore_errors=True)
            shutil.copytree(base, tree)
            err = apply(tree, rel, pat, rep, nth)
            row = {"id": mid, "unit": unit, "file": rel, "what": what}
            if err:
                row.update(result="stale", message=err, seconds=0)
            else:
                started = time.time()
                cmd = [args.bin, "sim", "--rtl", tree, "--json", "--timeout", str(args.timeout),
                       "--work", os.path.join(tree, "work")]
                p = subprocess.run(cmd, env=env, capture_output=True, text=True)
                caught, msg = verdict(p.returncode, p.stdout, p.stderr)
                if "Verilator build failed" in p.stderr:
                    caught, msg = True, "Verilator build failed (" + msg + ")"
                row.update(result="caught" if caught else "ESCAPED", message=msg,
                           seconds=round(time.time() - started, 1))
            log.write(json.dumps(row) + "\n")
            log.flush()
            print(f"{row['result']:8} {mid:26} {row['seconds']:6}s  {row['message'][:140]}",
                  flush=True)
            # Keep the disk small: a mutant's builds are never reused.
            if row["result"] == "caught":
                shutil.rmtree(os.path.join(tree, "work"), ignore_errors=True)
    latest = {}
    with open(out_jsonl) as f:
        for line in f:
            row = json.loads(line)
            latest[row["id"]] = row
    rank = {m[0]: k for k, m in enumerate(MUTANTS)}
    results = sorted(latest.values(), key=lambda r: rank.get(r["id"], len(rank)))
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write("| id | unit | mutation | result | message |\n|---|---|---|---|---|\n")
        for r in results:
            m = r["message"].replace("|", "\\|")
            f.write(f"| {r['id']} | {r['unit']} | {r['what']} | {r['result']} | {m} |\n")
    escaped = [r["id"] for r in results if r["result"] != "caught"]
    print(f"{len(results) - len(escaped)} of {len(results)} caught; not caught: {', '.join(escaped) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
