//! End-to-end Icarus simulation of the generated engine on a small configuration: the output
//! stream, the spike tap and the firing-rate counters against a direct implementation of
//! docs/arithmetic.md written here, under random stalls on all three streams; and, with
//! streams always valid and ready, CYCLES == `perf::layer_cycles`.
//! Run: `cargo test --release --test rtl_sim`.

// The reference below indexes several arrays by the same (n, t, i, j): plain index loops read best.
#![allow(clippy::needless_range_loop)]

mod rtl_common;

use rtl_common::*;
use spikelm_hw::config::{LayerKind, Params, PeKind};
use spikelm_hw::perf::layer_cycles;
use spikelm_hw::rtl::regmap as reg;
use std::fmt::Write as _;
use std::process::Command;

/// Small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

fn sat(v: i128, bits: u32) -> i128 {
    let hi = (1i128 << (bits - 1)) - 1;
    v.clamp(-hi - 1, hi)
}

/// R(v, n) = (v + 2^(n-1)) >> n, n >= 1; R(v, 0) = v.
fn round_shift(v: i128, n: u32) -> i128 {
    if n == 0 {
        v
    } else {
        (v + (1i128 << (n - 1))) >> n
    }
}

/// A code as the hardware holds it: its integer value and the register words to write.
struct Code {
    value: i64,
    words: Vec<u32>,
}

fn exact_code(v: i64) -> Code {
    Code {
        value: v,
        words: vec![v as u32],
    }
}

/// Random csd code of `k` digits with shifts in `lo..=hi` (shift field `shw` bits).
fn csd_code(rng: &mut Rng, k: u32, shw: u32, lo: i64, hi: i64) -> Code {
    let mut value = 0i64;
    let mut words = Vec::new();
    for d in 0..k {
        let e = rng.range(lo, hi);
        let nz = d == 0 || rng.next() % 2 == 0;
        let neg = d > 0 && rng.next() % 2 == 0;
        if nz {
            value += if neg { -(1i64 << e) } else { 1i64 << e };
        }
        words.push(e as u32 | (neg as u32) << shw | (nz as u32) << (shw + 1));
    }
    if value < 1 {
        // Keep the code positive: a single +2^hi digit.
        let mut w = vec![0u32; k as usize];
        w[0] = hi as u32 | 1 << (shw + 1);
        return Code {
            value: 1i64 << hi,
            words: w,
        };
    }
    Code { value, words }
}

struct Case {
    name: String,
    params: Params,
    layer: LayerKind,
    tokens: u32,
    stall: bool,
    seed: u64,
}

struct Expect {
    outputs: Vec<Vec<i64>>, // beats, C lanes
    spikes: Vec<u8>,        // activation-stream order (pairs, then t), ternary only
    counts: Vec<[u64; 3]>,  // per t
}

fn run_case(case: &Case) {
    let p = &case.params;
    let (m, f, a, d) = (p.model(), p.format(), p.array(), &p.derived);
    let int8 = a.pe == PeKind::Int8Mac;
    let shape = d.shape(case.layer);
    let (din, dout) = (shape.din as usize, shape.dout as usize);
    let (r, c, t_steps) = (a.rows as usize, a.cols as usize, m.time_steps as usize);
    let n_tok = case.tokens as usize;
    let tpr = d.tokens_per_row_block as usize;
    let et = if int8 { 1 } else { t_steps };
    let mut rng = Rng(case.seed | 1);

    // Parameters.
    let digits = f.alpha_mode.digits();
    let alpha: Vec<Code> = (0..t_steps)
        .map(|_| match digits {
            None => exact_code(rng.range(300, 3000)),
            Some(k) => csd_code(&mut rng, k, d.alpha_shift_bits, 8, 11),
        })
        .collect();
    // A scale code per time step and output column.
    let scale: Vec<Vec<Code>> = (0..t_steps)
        .map(|_| {
            (0..dout)
                .map(|_| match digits {
                    None => exact_code(rng.range(1, 1 << 12)),
                    Some(k) => csd_code(&mut rng, k, d.scale_shift_bits, 0, 11),
                })
                .collect()
        })
        .collect();
    let shift = if int8 { 14u32 } else { 9 };
    let ybits = f.output_bits;
    let bias: Vec<i64> = (0..dout)
        .map(|_| rng.range(-(1 << (ybits - 1)) + 1, (1 << (ybits - 1)) - 1))
        .collect();
    let wmax = (1i64 << (f.weight_bits - 1)) - 1;
    let w: Vec<Vec<i64>> = (0..dout)
        .map(|_| (0..din).map(|_| rng.range(-wmax, wmax)).collect())
        .collect();
    // Activations x[n][i][t].
    let xr = if int8 { 127 } else { 3 << f.frac_bits };
    let x: Vec<Vec<Vec<i64>>> = (0..n_tok)
        .map(|_| {
            (0..din)
                .map(|_| (0..et).map(|_| rng.range(-xr, xr)).collect())
                .collect()
        })
        .collect();

    // The activation stream (docs/engine.md): for each group of PL tokens, for each input, one
    // beat of the group's PL (token, input) pairs, lane p = token g*PL + p, each its ET codes.
    let pl = d.encoder_lanes as usize;
    let pairs: Vec<(usize, usize)> = (0..n_tok / pl)
        .flat_map(|g| (0..din).flat_map(move |i| (0..pl).map(move |lane| (g * pl + lane, i))))
        .collect();

    // Reference: spikes q[n][t][i] (or int8 codes), accumulators, outputs.
    let mut codes = vec![vec![vec![0u8; et]; din]; n_tok];
    let mut counts = vec![[0u64; 3]; t_steps];
    let mut q = vec![vec![vec![0i64; din]; et]; n_tok];
    for n in 0..n_tok {
        for i in 0..din {
            let (mut u, mut qp) = (0i128, 0i64);
            for t in 0..et {
                if int8 {
                    q[n][t][i] = x[n][i][t];
                    continue;
                }
                let l = if t == 0 || qp == 1 {
                    0
                } else {
                    let prod = u * alpha[t - 1].value as i128;
                    round_shift(prod, f.frac_bits + if qp == 0 { 2 } else { 1 })
                };
                u = sat(l + x[n][i][t] as i128, f.membrane_bits);
                let av = alpha[t].value as i128;
                let s = if 2 * u > av {
                    1
                } else if 2 * u < -av {
                    -1
                } else {
                    0
                };
                q[n][t][i] = s;
                qp = s;
                codes[n][i][t] = match s {
                    1 => 2u8,
                    -1 => 3,
                    _ => 0,
                };
                match s {
                    1 => counts[t][0] += 1,
                    -1 => counts[t][1] += 1,
                    _ => {}
                }
                if s != 0 {
                    counts[t][2] += dout as u64;
                }
            }
        }
    }
    let spikes: Vec<u8> = pairs
        .iter()
        .flat_map(|&(n, i)| codes[n][i].iter().copied())
        .collect();
    let mut outputs = Vec::new();
    let nrb = n_tok.div_ceil(tpr);
    for rb in 0..nrb {
        for cb in 0..dout / c {
            for row in 0..r {
                let (n, t) = (rb * tpr + row / et, row % et);
                let mut beat = Vec::new();
                for lane in 0..c {
                    let j = cb * c + lane;
                    let acc: i64 = (0..din).map(|i| q[n][t][i] * w[j][i]).sum();
                    let mt = scale[if int8 { 0 } else { t }][j].value as i128;
                    let y = sat(
                        round_shift(acc as i128 * mt, shift) + bias[j] as i128,
                        ybits,
                    );
                    beat.push(y as i64);
                }
                outputs.push(beat);
            }
        }
    }
    let expect = Expect {
        outputs,
        spikes,
        counts,
    };

    // Stimulus files.
    let dir = tempfile::tempdir().unwrap();
    let gen = generate_into(dir.path(), p);
    let code_w = if int8 { 8 } else { f.input_bits };
    let act_w = pl * et * code_w as usize;
    let mut act = String::new();
    for beat in pairs.chunks(pl) {
        // Binary, most significant lane first: lane p's step t is code p*ET + t.
        let mut word = String::new();
        for &(n, i) in beat.iter().rev() {
            for &v in x[n][i].iter().rev() {
                word.push_str(&format!(
                    "{:0width$b}",
                    (v as u64) & ((1 << code_w) - 1),
                    width = code_w as usize
                ));
            }
        }
        writeln!(act, "{word}").unwrap();
    }
    let mut wgt = String::new();
    for _rb in 0..nrb {
        for cb in 0..dout / c {
            for i in 0..din {
                let mut word = String::new();
                for lane in (0..c).rev() {
                    word.push_str(&format!(
                        "{:0width$b}",
                        (w[cb * c + lane][i] as u64) & ((1 << f.weight_bits) - 1),
                        width = f.weight_bits as usize
                    ));
                }
                writeln!(wgt, "{word}").unwrap();
            }
        }
    }
    std::fs::write(gen.join("act.mem"), &act).unwrap();
    std::fs::write(gen.join("wgt.mem"), &wgt).unwrap();
    let n_act = n_tok * din / pl;
    let pulse = pl * et;
    let n_wgt = nrb * (dout / c) * din;

    // CSR writes.
    let mut csr = String::new();
    let csr_aw = d.csr_addr_bits;
    let mut wr = |addr: u64, data: u64| {
        writeln!(
            csr,
            "        csr_write({csr_aw}'h{addr:x}, 32'h{:08x});",
            data as u32
        )
        .unwrap();
    };
    let mem = reg::UpperHalf::of(p);
    for t in 0..t_steps {
        for (k, word) in alpha[t].words.iter().enumerate() {
            wr(reg::ALPHA.at(t as u32, k as u32).into(), *word as u64);
        }
        for (j, code) in scale[t].iter().enumerate() {
            for (k, word) in code.words.iter().enumerate() {
                wr(mem.scale(t as u32, k as u32, j as u32).into(), *word as u64);
            }
        }
    }
    for (j, b) in bias.iter().enumerate() {
        wr(mem.bias(j as u32).into(), *b as u64);
    }
    wr(reg::LAYER.addr.into(), shape.index as u64);
    wr(reg::TOKENS.addr.into(), case.tokens as u64);
    wr(reg::OUT_SHIFT.addr.into(), shift as u64);

    let stall = if case.stall { 1 } else { 0 };
    let tb = format!(
        r#"`timescale 1ns/1ps
`default_nettype none
module tb;
    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;
    reg csr_we = 1'b0, csr_re = 1'b0;
    reg [{csr_aw}-1:0] csr_addr = 0;
    reg [31:0] csr_wdata = 0;
    wire [31:0] csr_rdata;
    reg [{act_w}-1:0] act_mem [0:{n_act}-1];
    reg [{c}*{wb}-1:0] wgt_mem [0:{n_wgt}-1];
    integer ai = 0, wi = 0, oi = 0, seed = {seed}, fo, i, k;
    reg act_en = 1'b1, wgt_en = 1'b1, out_en = 1'b1;
    wire s_act_tvalid = act_en && (ai < {n_act});
    wire s_wgt_tvalid = wgt_en && (wi < {n_wgt});
    wire s_act_tready, s_wgt_tready, m_out_tvalid, m_out_tlast;
    wire [{act_w}-1:0] s_act_tdata = act_mem[ai < {n_act} ? ai : 0];
    wire [{c}*{wb}-1:0] s_wgt_tdata = wgt_mem[wi < {n_wgt} ? wi : 0];
    wire [{c}*{yw}-1:0] m_out_tdata;
    wire dbg_spike_valid, dbg_acc_valid;
    wire [{pulse}*2-1:0] dbg_spike;
    wire [{pulse}*{mw}-1:0] dbg_mem;
    wire [{c}*{accw}-1:0] dbg_acc;
    spikelm_engine dut (
        .clk(clk), .rst(rst), .csr_we(csr_we), .csr_re(csr_re), .csr_addr(csr_addr),
        .csr_wdata(csr_wdata), .csr_rdata(csr_rdata),
        .s_act_tvalid(s_act_tvalid), .s_act_tready(s_act_tready), .s_act_tdata(s_act_tdata),
        .s_wgt_tvalid(s_wgt_tvalid), .s_wgt_tready(s_wgt_tready), .s_wgt_tdata(s_wgt_tdata),
        .m_out_tvalid(m_out_tvalid), .m_out_tready(out_en), .m_out_tdata(m_out_tdata),
        .m_out_tlast(m_out_tlast),
        .dbg_spike_valid(dbg_spike_valid), .dbg_spike(dbg_spike), .dbg_mem(dbg_mem),
        .dbg_acc_valid(dbg_acc_valid), .dbg_acc(dbg_acc));
    task csr_write(input [{csr_aw}-1:0] a, input [31:0] v);
        begin
            @(negedge clk); csr_we = 1'b1; csr_addr = a; csr_wdata = v;
            @(negedge clk); csr_we = 1'b0;
        end
    endtask
    task csr_read(input [{csr_aw}-1:0] a, output [31:0] v);
        begin
            @(negedge clk); csr_re = 1'b1; csr_addr = a;
            @(negedge clk); csr_re = 1'b0;
            repeat ({rlat_extra}) @(negedge clk);
            v = csr_rdata;
        end
    endtask
    always @(posedge clk) begin
        if (s_act_tvalid && s_act_tready) ai <= ai + 1;
        if (s_wgt_tvalid && s_wgt_tready) wi <= wi + 1;
        if (m_out_tvalid && out_en) begin
            $fwrite(fo, "O %h %0d\n", m_out_tdata, m_out_tlast);
            oi <= oi + 1;
        end
        if (dbg_spike_valid)
            for (k = 0; k < {pulse}; k = k + 1) $fwrite(fo, "S %0d\n", (dbg_spike >> (2 * k)) & 3);
        if ({stall}) begin
            act_en <= ($random(seed) & 3) != 0;
            wgt_en <= ($random(seed) & 3) != 0;
            out_en <= ($random(seed) & 1) != 0;
        end
    end
    reg [31:0] v;
    integer guard;
    initial begin
        $readmemb("act.mem", act_mem);
        $readmemb("wgt.mem", wgt_mem);
        fo = $fopen("out.txt", "w");
        repeat (3) @(negedge clk);
        rst = 1'b0;
{csr}        csr_write({ctrl}, 1 << {start});
        v = 0;
        guard = 0;
        while (!v[{done}] && guard < 2000000) begin
            csr_read({status}, v);
            guard = guard + 1;
        end
        csr_read({cycles}, v);
        $fwrite(fo, "CYCLES %0d\n", v);
        for (i = 0; i < {t_steps}; i = i + 1) begin
            csr_read({pos} + {stride}*i, v); $fwrite(fo, "POS %0d\n", v);
            csr_read({neg} + {stride}*i, v); $fwrite(fo, "NEG %0d\n", v);
            csr_read({add} + {stride}*i, v); $fwrite(fo, "ADD %0d\n", v);
        end
        csr_read({info}, v);
        $fwrite(fo, "INFO %0d\n", v);
        $fclose(fo);
        $finish;
    end
endmodule
`default_nettype wire
"#,
        seed = case.seed as u32 & 0x7fff_ffff,
        ctrl = reg::CTRL.addr,
        start = reg::CTRL.bit("START"),
        rlat_extra = spikelm_hw::perf::pipeline::CSR_READ_LATENCY - 1,
        status = reg::STATUS.addr,
        done = reg::STATUS.bit("DONE"),
        cycles = reg::CYCLES.addr,
        pos = reg::POS_COUNT.addr,
        neg = reg::NEG_COUNT.addr,
        add = reg::ADD_COUNT.addr,
        stride = reg::POS_COUNT.at(1, 0) - reg::POS_COUNT.addr,
        info = reg::INFO.addr,
        wb = f.weight_bits,
        yw = ybits,
        mw = f.membrane_bits,
        accw = d.acc_bits,
    );
    std::fs::write(gen.join("tb.v"), tb).unwrap();
    let (ok, log) = run(Command::new("iverilog").current_dir(&gen).args([
        "-g2005", "-o", "sim.vvp", "-s", "tb", "-c", "files.f", "tb.v",
    ]));
    assert!(ok, "{}: {log}", case.name);
    let (ok, log) = run(Command::new("vvp")
        .current_dir(&gen)
        .args(["-n", "sim.vvp"]));
    assert!(ok, "{}: {log}", case.name);
    let text = std::fs::read_to_string(gen.join("out.txt")).unwrap();
    check(case, &expect, &text, c, ybits);
}

fn check(case: &Case, expect: &Expect, text: &str, c: usize, ybits: u32) {
    let name = &case.name;
    let mut beats = Vec::new();
    let mut spikes = Vec::new();
    let mut cycles = None;
    let mut counts = Vec::new();
    let mut lasts = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[0] {
            "O" => {
                let word = parts[1];
                let bits: String = word
                    .chars()
                    .map(|ch| format!("{:04b}", ch.to_digit(16).expect("hex output")))
                    .collect();
                let bits = &bits[bits.len() - c * ybits as usize..];
                let mut beat = vec![0i64; c];
                for (lane, v) in beat.iter_mut().enumerate() {
                    let hi = bits.len() - lane * ybits as usize;
                    let raw = u64::from_str_radix(&bits[hi - ybits as usize..hi], 2).unwrap();
                    let sign = 1u64 << (ybits - 1);
                    *v = ((raw ^ sign) as i64) - sign as i64;
                }
                beats.push(beat);
                lasts.push(parts[2] == "1");
            }
            "S" => spikes.push(parts[1].parse::<u8>().unwrap()),
            "CYCLES" => cycles = Some(parts[1].parse::<u64>().unwrap()),
            "POS" | "NEG" | "ADD" => counts.push(parts[1].parse::<u64>().unwrap()),
            _ => {}
        }
    }
    assert_eq!(beats.len(), expect.outputs.len(), "{name}: output beats");
    for (k, (got, want)) in beats.iter().zip(&expect.outputs).enumerate() {
        assert_eq!(got, want, "{name}: output beat {k}");
    }
    let n_last = lasts.iter().filter(|l| **l).count();
    assert!(
        n_last == 1 && *lasts.last().unwrap(),
        "{name}: tlast {lasts:?}"
    );
    if case.params.array().pe == PeKind::Ternary {
        assert_eq!(spikes, expect.spikes, "{name}: spikes");
        let want: Vec<u64> = expect.counts.iter().flatten().copied().collect();
        assert_eq!(counts, want, "{name}: counters");
    }
    let cycles = cycles.expect("CYCLES");
    let nz = spikes.iter().filter(|s| **s != 0).count();
    let sat_hi = (1i64 << (ybits - 1)) - 1;
    let saturated = beats.iter().flatten().filter(|v| v.abs() >= sat_hi).count();
    eprintln!(
        "{name}: {} beats ({} saturated values), {} spikes ({nz} non-zero), CYCLES {cycles}",
        beats.len(),
        saturated,
        spikes.len()
    );
    if !case.stall {
        let model = layer_cycles(&case.params, case.layer, case.tokens);
        assert_eq!(
            cycles, model,
            "{name}: CYCLES register vs perf::layer_cycles"
        );
    } else {
        assert!(
            cycles >= layer_cycles(&case.params, case.layer, case.tokens),
            "{name}"
        );
    }
}

/// A small model so that Icarus runs in a second: hidden 16, ffn 32, 4 tokens.
fn small(sets: &[&str]) -> Params {
    let mut all = vec![
        "model.hidden=16",
        "model.heads=2",
        "model.ffn=32",
        "model.seq_len=8",
    ];
    all.extend_from_slice(sets);
    Params::preset_with("spikelm-bert-tiny", &all).expect("test configuration")
}

fn case(name: &str, sets: &[&str], layer: LayerKind, tokens: u32, stall: bool) -> Case {
    Case {
        name: name.to_string(),
        params: small(sets),
        layer,
        tokens,
        stall,
        seed: 0x5eed_0000 + name.len() as u64 * 977 + tokens as u64,
    }
}

#[test]
fn ternary_engine_matches_reference_and_cycle_model() {
    for c in [
        case("8x4 qkv", &["array=8x4"], LayerKind::Qkv, 4, false),
        case("8x4 ffn_out", &["array=8x4"], LayerKind::FfnOut, 6, false),
        case("8x4 qkv stalls", &["array=8x4"], LayerKind::Qkv, 4, true),
        case(
            "4x8 ffn_in stalls",
            &["array=4x8"],
            LayerKind::FfnIn,
            3,
            true,
        ),
        case("4x8 attn_out", &["array=4x8"], LayerKind::AttnOut, 8, false),
        // 4 tokens per row block against 2 column blocks: two encoder lanes.
        case(
            "16x8 qkv 2 lanes",
            &["array=16x8"],
            LayerKind::Qkv,
            8,
            false,
        ),
        case(
            "16x8 attn_out 2 lanes stalls",
            &["array=16x8"],
            LayerKind::AttnOut,
            4,
            true,
        ),
    ] {
        if c.name.contains("lanes") {
            assert_eq!(c.params.derived.encoder_lanes, 2, "{}", c.name);
        }
        run_case(&c);
    }
}

#[test]
fn csd_and_pow2_engines_match_reference() {
    for c in [
        case(
            "csd2",
            &["array=8x4", "alpha_mode=csd:2"],
            LayerKind::Qkv,
            4,
            true,
        ),
        case(
            "pow2",
            &["array=8x4", "alpha_mode=pow2"],
            LayerKind::FfnOut,
            2,
            false,
        ),
        case(
            "csd3",
            &["array=4x8", "alpha_mode=csd:3"],
            LayerKind::FfnIn,
            2,
            true,
        ),
    ] {
        run_case(&c);
    }
}

#[test]
fn int8_engine_matches_reference_and_cycle_model() {
    for c in [
        case(
            "int8",
            &["array=4x4", "array.pe=int8_mac"],
            LayerKind::Qkv,
            8,
            false,
        ),
        case(
            "int8 stalls",
            &["array=4x8", "array.pe=int8_mac"],
            LayerKind::FfnOut,
            4,
            true,
        ),
        // 8 tokens per row block against 2 column blocks: four lanes.
        case(
            "int8 8x8 4 lanes stalls",
            &["array=8x8", "array.pe=int8_mac"],
            LayerKind::AttnOut,
            8,
            true,
        ),
    ] {
        run_case(&c);
    }
}

/// The real tiny preset (8x8, ffn_out 512 -> 128, 3 row blocks, 29 k cycles): about 10 minutes
/// under Icarus on a loaded machine, so not run by default:
/// `cargo test --release --test rtl_sim -- --ignored`.
#[test]
#[ignore]
fn tiny_preset_matches_reference_and_cycle_model() {
    let c = Case {
        name: "tiny preset ffn_out".into(),
        params: Params::preset_with("spikelm-bert-tiny", &[]).expect("test configuration"),
        layer: LayerKind::FfnOut,
        tokens: 6,
        stall: false,
        seed: 77,
    };
    run_case(&c);
}
