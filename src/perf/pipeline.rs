//! Pipeline depths of the generated engine, one declaration each: the RTL generator passes
//! them to the templates (`define macros of `spikelm_params.vh`, checked by the templates at
//! elaboration) and the cycle model ([`super::cycles`]) counts them.

use crate::config::{Dataflow, Params, PeKind};

/// Latency of `spikelm_mul18`: a DSP block's input, pipeline and output registers.
pub const MUL18_LATENCY: u64 = 3;

/// One cycle where `array.landing_registers` puts a landing register, else 0.
fn landing(params: &Params) -> u64 {
    u64::from(params.array().landing_registers)
}

/// Latency of `spikelm_amp_shift`: [`MUL18_LATENCY`] + 1 for a true multiplier (the partial
/// products, then their sum), + 1 with their landing registers beside the adders; 3 for
/// csd/pow2 digits (shift and invert, negate, sum).
pub fn amp_latency(params: &Params) -> u64 {
    match params.format().alpha_mode.digits() {
        Some(_) => 3,
        None => MUL18_LATENCY + 1 + landing(params),
    }
}

/// Cycles from a PE's operands to its accumulator update beyond the accumulate itself: for the
/// ternary PE the register of its sign-selected weight, so the carry chain starts at flip-flops,
/// with or without `array.landing_registers` (on iCE40 it shares the logic cell of the LUT that
/// forms the operand: 17 cells more in `synth::UP5K_FIT`, whose limit at some placer seeds was
/// the weight's route into that LUT and the carry chain); for the INT8 PE the DSP block's
/// registers ([`MUL18_LATENCY`]) and a landing register beside the accumulator (the route out
/// of the DSP column is most of a cycle).
pub fn mac_latency(params: &Params) -> u64 {
    match params.array().pe {
        PeKind::Ternary => 1,
        PeKind::Int8Mac => MUL18_LATENCY + 1,
    }
}

/// Cycles per unrolled neuron time step: the product, the rounding add, the leak select, the
/// X add, the saturation's range test and its select (`spikelm_neuron`).
pub fn neuron_step(params: &Params) -> u64 {
    amp_latency(params) + 5
}

/// Cycles from a registered membrane U_t to its registered spike q_t: the two halves of 2U
/// compared with +-A_t (short carry chains), then combined (`spikelm_neuron`).
pub const NEURON_CMP_LATENCY: u64 = 2;

/// Extra cycles between consuming the activation beat of a row block's last code and that
/// block's bank being marked full, compared with a buffer written in the consuming cycle: the
/// input register, the launch register, the unrolled neuron (U_0 takes 1 cycle and q_0
/// [`NEURON_CMP_LATENCY`] more, every further time step [`neuron_step`]) and the buffer write;
/// in the weight-stationary engine the write's link register ([`WS_WRITE_LINK`]) too.
/// 0 for int8_mac, which writes as it consumes.
pub fn encoder_latency(params: &Params) -> u64 {
    match params.array().pe {
        PeKind::Ternary => {
            let link = match params.array().dataflow {
                Dataflow::WeightStationary => WS_WRITE_LINK,
                Dataflow::OutputStationary => 0,
            };
            3 + NEURON_CMP_LATENCY
                + (params.model().time_steps as u64 - 1) * neuron_step(params)
                + link
        }
        PeKind::Int8Mac => 0,
    }
}

/// Weight-stationary engine: the spike buffer's write passes one link register between the
/// encoder and the buffer's lanes, and the bank's full flag with it.
pub const WS_WRITE_LINK: u64 = 1;

/// Register stages a register-bus transaction passes in `spikelm_csr` before it acts: the
/// address decode ends in a strobe (write) or select (read) register, so no run register's
/// clock enable is the decode itself. A write acts, and a read samples the registers, this many
/// cycles after its bus cycle; START passes one more register ([`START_STAGES`]).
pub const CSR_BUS_STAGES: u64 = 1;

/// Cycles from `csr_re` to the word on `csr_rdata`: the bus stage, the sampling register (the
/// counters' select and the other registers' apart), then the read word register. The word is
/// the state of the cycle after the bus stage.
pub const CSR_READ_LATENCY: u64 = CSR_BUS_STAGES + 2;

/// Cycles from the START write to the run's first cycle (the controller's `go`): the bus stage,
/// then START's own second register beside its users (`spikelm_engine`), so the strobe crosses
/// the die into a flip-flop rather than into the run-control logic. The register block counts a
/// START in that register as BUSY (refusing writes, STATUS), and CYCLES starts at this value.
pub const START_STAGES: u64 = CSR_BUS_STAGES + 1;

/// Entries of the output stage's FIFO (a power of 2, at least the stage's pipeline depth plus
/// the credit round trip, so a stall-free drain never waits for a slot).
pub const OUT_FIFO_DEPTH: u32 = 16;

/// Entries of the output stage's FIFO of this configuration: [`OUT_FIFO_DEPTH`], or for the
/// weight-stationary engine, whose rows claim their slot when their vector is issued, that
/// plus the cycles from the issue to the drain beat's place ([`ws_issue_to_drain`] less the
/// drain's own [`DRAIN_DELAY`]) and the three entries the controller's registered credit
/// leaves unused (its room flag is registered from the count of two cycles ago), rounded up to
/// a power of 2.
pub fn out_fifo_depth(params: &Params) -> u32 {
    match params.array().dataflow {
        Dataflow::OutputStationary => OUT_FIFO_DEPTH,
        Dataflow::WeightStationary => {
            (OUT_FIFO_DEPTH as u64 + ws_issue_to_drain(params) + DRAIN_DELAY + 3)
                .next_power_of_two() as u32
        }
    }
}

/// Weight-stationary engine: cycles from a vector's issue to its spikes at the array: the
/// read request's two registers on its way to the buffer (beside the controller, then on the
/// route to the buffer's lanes), the buffer read ([`SBUF_READ_LATENCY`]), a copy of each
/// lane's word (its block RAMs are placed apart) and the two registered stages of each lane's
/// code select (a code of each sub-word, then the sub-word beside the array).
pub const WS_VECTOR_DELAY: u64 = 2 + SBUF_READ_LATENCY + 1 + 2;

/// Weight-stationary engine: the fewest cycles between two weight blocks' first vectors on an
/// array of `rows` rows: the next block's R loads start R cycles after this block's first
/// vector reaches the array ([`WS_VECTOR_DELAY`] after its issue) and end before the next's.
pub fn ws_min_slot(rows: u64) -> u64 {
    2 * rows + WS_VECTOR_DELAY
}

/// Weight-stationary engine: the register stages between the array's column sums and the
/// column accumulators' block RAMs, which sit apart (`spikelm_engine`).
pub const WS_ACC_LINK: u64 = 2;

/// Weight-stationary engine: cycles from a vector's issue to the drain beat of its sums (the
/// beat the output stage's scale read and bias delay count from, [`DRAIN_DELAY`] before its
/// row enters the stage): [`WS_VECTOR_DELAY`], the array (`units::ws_array::latency`),
/// [`WS_ACC_LINK`] and the column accumulators (`units::col_acc::LATENCY`) less [`DRAIN_DELAY`].
pub fn ws_issue_to_drain(params: &Params) -> u64 {
    WS_VECTOR_DELAY
        + crate::units::ws_array::latency(params.array().rows as usize) as u64
        + WS_ACC_LINK
        + crate::units::col_acc::LATENCY as u64
        - DRAIN_DELAY
}

/// Cycles the output stage's accumulator registers wait for a row's per-column scale codes:
/// the scale memory is read as the row is issued, its block RAM answers one cycle after the
/// row enters the stage, and with landing registers the word lands in one beside the lane's
/// multiplier (the block RAMs and the multipliers sit apart; the route alone was 5.8 ns).
pub fn scale_read_wait(params: &Params) -> u64 {
    COLUMN_MEM_READ_LATENCY - DRAIN_DELAY + landing(params)
}

/// Cycles from a `spikelm_bias_mem` read request (the biases, the scale codes) to its word: the
/// request's copy beside each bank, then the block RAM's two registers (`spikelm_ram_sdp`).
pub const COLUMN_MEM_READ_LATENCY: u64 = 3;

/// Registers of the bias memory's read request per bank (`spikelm_bias_mem` RL): with landing
/// registers two kept copies in a row, so the route from the shared delay line to a bank's
/// block RAM is two hops (one copy was placed 4.8 ns of routing from its block RAM at one
/// seed). The bias read is delayed anyway, so the second copy costs no cycle: it is taken
/// from [`bias_read_delay`].
pub fn bias_read_link(params: &Params) -> u64 {
    1 + landing(params)
}

/// Cycles from a drain beat to its row's bias read: `spikelm_engine` delays the beat and the
/// column block (a few bits) rather than the row's biases, so the word, through its landing
/// register beside the lane (with landing registers), meets the row at the output stage's
/// rounding adder, [`DRAIN_DELAY`] + [`scale_read_wait`] + [`amp_latency`] +
/// [`out_shift_stages`] cycles after the beat. The bias memory answers
/// [`COLUMN_MEM_READ_LATENCY`] - 1 + [`bias_read_link`] cycles after its read request.
pub fn bias_read_delay(params: &Params) -> u64 {
    DRAIN_DELAY + scale_read_wait(params) + amp_latency(params) + out_shift_stages(params)
        - (COLUMN_MEM_READ_LATENCY - 1 + bias_read_link(params))
        - landing(params)
}

/// Cycles from the controller's drain beat to its row entering the output stage: the drain
/// register (copied beside the array and the scale memory, so the controller's handshake drives
/// no net across the chip) and the array's shift-command register. The scale memory is read
/// from the first, the row leaves the array after the second.
pub const DRAIN_DELAY: u64 = 2;

/// Rows (and columns) of PEs that share one registered copy of a broadcast: the array's row
/// controls per column tile and weights per row tile, and the spike buffer's read and write
/// requests per row tile (`spikelm_pe_array` TR/TC, `spikelm_sbuf` RT).
pub const BROADCAST_TILE: u32 = 4;

/// Cycles from a reduction step's buffer read request to its row operands at the array: the
/// read-request register (copied beside each row tile's block RAMs), the block RAM's read
/// register and its output register, and a landing register per row (`spikelm_sbuf`). The
/// step's weights take as long (`spikelm_wbuf`: from the stream, or from the weight buffer).
pub const SBUF_READ_LATENCY: u64 = 4;

/// Cycles between the last reduction step of a column block and its first drain beat: the
/// buffer read ([`SBUF_READ_LATENCY`]), the PEs' broadcast register and the PE's operand
/// pipeline ([`mac_latency`]).
pub fn array_pipe(params: &Params) -> u64 {
    SBUF_READ_LATENCY + 1 + mac_latency(params)
}

/// Register stages of the output stage's shifter (`spikelm_out_stage`): with landing registers
/// three, S's bits 5:4 and up, 3:2 and 1:0 (a 4:1 multiplexer per bit each, one slice on ECP5);
/// without, two, S's bits 5:3 and up and 2:0 (8:1 multiplexers, fewer flip-flops for the
/// smallest fits).
pub fn out_shift_stages(params: &Params) -> u64 {
    2 + landing(params)
}

/// Cycles from the last drain beat to the final output beat: the drain registers
/// ([`DRAIN_DELAY`]), the output stage's pipeline (the scale wait, the product, the shifter's
/// [`out_shift_stages`], the rounding and bias add, the saturation), the FIFO write and the
/// head register on the output port.
pub fn out_latency(params: &Params) -> u64 {
    DRAIN_DELAY + scale_read_wait(params) + amp_latency(params) + out_shift_stages(params) + 4
}

/// Cycles from the final output beat to the run's end (DONE, BUSY low): the beat's handshake
/// is registered beside the output port (`spikelm_engine`), so the port's valid, ready and last
/// reach the controller's run state through a flip-flop rather than as one net across the die.
pub const DONE_STAGES: u64 = 1;

/// Cycles from the last drain beat to the run's end: [`out_latency`] and [`DONE_STAGES`].
pub fn done_latency(params: &Params) -> u64 {
    out_latency(params) + DONE_STAGES
}
