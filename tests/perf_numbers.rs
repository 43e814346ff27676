//! `spikelm-hw perf` against figures worked out by hand for a small configuration: tiny
//! (hidden 128, FFN 512, 2 encoder layers, T = 4, 8 × 8 array) with a sequence of 2 tokens, so
//! that one row block (rows / T = 2 tokens) holds the whole sequence and the schedule is serial.

use std::process::Command;

fn perf(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .args(["perf", "--json", "--set", "model.seq_len=2"])
        .args(args)
        .output()
        .expect("run spikelm-hw perf");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// (layer, Din, Dout) of a tiny encoder layer: QKV 128→384, attention out 128→128, FFN
/// 128→512 and 512→128.
const LAYERS: [(&str, u64, u64); 4] = [
    ("qkv", 128, 384),
    ("attn_out", 128, 128),
    ("ffn_in", 128, 512),
    ("ffn_out", 512, 128),
];

/// One row block, no overlap, CYCLES counted from the START write (cycle 0), which starts the run B
/// = 2 cycles later (the register block's bus stage, then START's own register beside the
/// controller); from there the encode phase takes cycles 1..=E (one activation beat per cycle, the
/// T = 4 codes of one (token, input) pair each: 2 tokens × Din); the bank is full L = 35 cycles
/// after the last beat (the encoder's input register, the launch register, U_0, and q_0 after a
/// two-stage comparator: 5 cycles; each of the 3 further time steps: a multiplier of latency 5 —
/// input, pipeline and output registers, a landing register per partial product, their sum — plus
/// rounding, leak select, + X, the saturation's range test and its select: 10 cycles); one cycle
/// hands the buffer to the array; the reduction runs for K cycles (per column block of 8 outputs:
/// Din weight beats, 6 pipeline cycles — the buffer's read-request copy, its read and output
/// registers, its landing register, the broadcast registers and the PE's operand register — and 8
/// drain beats); the last output beat leaves O = 16 cycles after the last drain (drain register,
/// the array's shift register, the wait for the scale memory and its landing register, multiplier
/// 5, the shifter's three stages, rounding and bias, the saturation's two stages, FIFO write, the
/// head register on the output port), and
/// DONE follows D = 1 cycle later (the final beat's handshake register beside the port):
/// CYCLES = B + E + L + 1 + K + O + D.
fn hand_cycles(din: u64, dout: u64) -> u64 {
    let encode = 2 * din;
    let encoder_latency = 5 + 3 * (5 + 5);
    let compute = (dout / 8) * (din + 6 + 8);
    let out_latency = 2 + 2 + 5 + 3 + 4;
    let start_stages = 2;
    let done_stages = 1;
    start_stages + encode + encoder_latency + 1 + compute + out_latency + done_stages
}

#[test]
fn cycles_ops_and_latency_match_a_hand_derivation() {
    let v = perf(&["--fmax", "50", "--firing-rate", "0.25"]);
    let layers = v["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 4);
    let mut per_layer_sum = 0;
    let mut macs = 0;
    for (l, (name, din, dout)) in layers.iter().zip(LAYERS) {
        assert_eq!(l["layer"], name);
        assert_eq!(
            (l["din"].as_u64(), l["dout"].as_u64()),
            (Some(din), Some(dout))
        );
        // Every synapse once per token and time step.
        let syn = 2 * 4 * din * dout;
        assert_eq!(l["synaptic_ops"].as_u64(), Some(syn), "{name}");
        // Additions: only non-zero spikes add, a quarter of them at firing rate 0.25.
        let adds = l["additions"].as_f64().expect("additions");
        assert!((adds - syn as f64 / 4.0).abs() < 1e-6, "{name}: {adds}");
        let cycles = hand_cycles(din, dout);
        assert_eq!(l["cycles"].as_u64(), Some(cycles), "{name}");
        // Useful PE-cycles (tokens × T × Din × Dout) over cycles × 64 PEs.
        let util = l["utilisation"].as_f64().expect("utilisation");
        assert!(
            (util - syn as f64 / (cycles as f64 * 64.0)).abs() < 1e-12,
            "{name}"
        );
        per_layer_sum += cycles;
        macs += 2 * din * dout;
    }
    // Two encoder layers, one after the other.
    assert_eq!(v["cycles_per_sequence"].as_u64(), Some(2 * per_layer_sum));
    assert_eq!(v["int8_macs_per_sequence"].as_u64(), Some(2 * macs));
    // At 50 MHz a cycle is 20 ns.
    let latency_ms = v["latency_ms"].as_f64().expect("latency");
    assert!((latency_ms - 2.0 * per_layer_sum as f64 * 20e-6).abs() < 1e-9);
    let tps = v["tokens_per_s"].as_f64().expect("tokens/s");
    assert!((tps - 2.0 / (latency_ms / 1e3)).abs() < 1e-6);
}

/// Energy per 45 nm operation and memory bit (Horowitz, ISSCC 2014; docs/synthesis.md, energy
/// conventions): FP32 add 0.9 pJ, FP32 MAC 4.6 pJ; INT8 add 0.03 pJ, INT8 MAC 0.2 + 0.03 pJ;
/// DRAM 1.3 nJ and 8 KB SRAM 10 pJ per 64-bit access.
const FP32: (f64, f64) = (0.9, 4.6);
const INT8: (f64, f64) = (0.03, 0.23);
const DRAM_PJ_PER_BIT: f64 = 1300.0 / 64.0;
const SRAM_PJ_PER_BIT: f64 = 10.0 / 64.0;

/// The memory traffic of one tiny layer over N = 8 tokens (T = 4, 8 × 8 array: 4 ternary row
/// blocks of 2 tokens, one INT8 row block of 8), by the rules of docs/synthesis.md ("The `perf`
/// energy estimate") and docs/engine.md (schedule): off chip, the weights (8 bits) once per
/// bank of resident tokens, every activation code (16 bits, T per token and input) and every
/// output value (16 bits, T per token and output); on chip, each 2-bit spike written once and
/// read once per column block of 8 outputs, and with `resident` = 8 (one bank of 4 row blocks)
/// the weight buffer written once and read by the 3 other blocks. The INT8 network (its twin
/// holds the same 8 tokens: one row block, no weight buffer) streams its weights once, 8-bit
/// activations once, 16-bit outputs once per token, and reads each activation once per column
/// block after writing it.
fn hand_traffic(din: u64, dout: u64, resident: bool) -> [u64; 4] {
    let weights = din * dout * 8;
    let (passes, weight_buffer) = if resident {
        (1, weights + 3 * weights)
    } else {
        (4, 0)
    };
    let snn_off = passes * weights + 8 * din * 4 * 16 + 8 * 4 * dout * 16;
    let snn_on = 8 * 4 * din * 2 * (1 + dout / 8) + weight_buffer;
    let int8_off = weights + 8 * din * 8 + 8 * dout * 16;
    let int8_on = 8 * din * 8 * (1 + dout / 8);
    [snn_off, snn_on, int8_off, int8_on]
}

#[test]
fn memory_traffic_and_energy_match_a_hand_derivation() {
    // Worked by hand for attention out (128 -> 128) without resident tokens: weights 4 passes
    // of 128·128·8 = 524288 bits, activations 8·128·4·16 = 65536, outputs 8·4·128·16 = 65536:
    // 655360 bits off chip; spikes 8·4·128 = 4096 of 2 bits, written once and read by 16
    // column blocks: 139264 bits on chip.
    assert_eq!(
        hand_traffic(128, 128, false),
        [655360, 139264, 131072 + 8192 + 16384, 139264]
    );
    for resident in [false, true] {
        let tokens = if resident { "8" } else { "0" };
        let v = perf(&[
            "--firing-rate",
            "0.25",
            "--set",
            "model.seq_len=8",
            "--set",
            &format!("array.resident_tokens={tokens}"),
        ]);
        check_traffic_and_energy(&v, resident);
    }
}

fn check_traffic_and_energy(v: &serde_json::Value, resident: bool) {
    let layers = v["layers"].as_array().expect("layers");
    let (mut adds, mut outs, mut macs, mut int8_outs) = (0.0, 0.0, 0.0, 0.0);
    let mut bits = [0u64; 4];
    for (l, (name, din, dout)) in layers.iter().zip(LAYERS) {
        let want = hand_traffic(din, dout, resident);
        let got = [
            &l["traffic"]["off_chip"],
            &l["traffic"]["on_chip"],
            &l["int8_traffic"]["off_chip"],
            &l["int8_traffic"]["on_chip"],
        ]
        .map(|x| x.as_u64().unwrap_or(u64::MAX));
        assert_eq!(got, want, "{name}: off/on chip bits, SNN then INT8");
        let t = &l["traffic"];
        let split = ["weights", "activations", "outputs"].map(|k| t[k].as_u64().unwrap_or(0));
        assert_eq!(
            split.iter().sum::<u64>(),
            want[0],
            "{name}: the split adds up"
        );
        for (b, w) in bits.iter_mut().zip(want) {
            *b += w;
        }
        // A quarter of the 8·4·Din·Dout synaptic operations add; the amplitude stage multiplies
        // once per output value (8·4·Dout); the INT8 network multiplies 8·Din·Dout times and
        // scales each of its 8·Dout outputs once.
        adds += (8 * 4 * din * dout) as f64 / 4.0;
        outs += (8 * 4 * dout) as f64;
        macs += (8 * din * dout) as f64;
        int8_outs += (8 * dout) as f64;
    }
    // Two encoder layers; pJ to µJ.
    let per_sequence = 2.0 * 1e-6;
    let memory = |off: u64, on: u64| {
        (off as f64 * DRAM_PJ_PER_BIT + on as f64 * SRAM_PJ_PER_BIT) * per_sequence
    };
    let energy = v["energy"].as_array().expect("energy");
    assert_eq!(energy.len(), 2);
    for (row, (e_ac, e_mac)) in energy.iter().zip([FP32, INT8]) {
        let want = [
            (adds * e_ac + outs * e_mac) * per_sequence,
            memory(bits[0], bits[1]),
            (macs + int8_outs) * e_mac * per_sequence,
            memory(bits[2], bits[3]),
        ];
        let got = [
            "snn_compute_uj",
            "snn_memory_uj",
            "int8_compute_uj",
            "int8_memory_uj",
        ]
        .map(|k| row[k].as_f64().unwrap_or(f64::NAN));
        for ((k, g), w) in ["SNN compute", "SNN memory", "INT8 compute", "INT8 memory"]
            .iter()
            .zip(got)
            .zip(want)
        {
            assert!(
                (g - w).abs() <= 1e-9 * w.abs(),
                "{}: {k} {g} µJ, by hand {w} µJ",
                row["convention"]
            );
        }
    }
    // The FP32 SNN compute figure in full: additions 2·(393216 + 131072 + 524288 + 524288) =
    // 3145728 at 0.9 pJ, amplitude products 2·32·(384 + 128 + 512 + 128) = 73728 at 4.6 pJ:
    // 2831155.2 + 339148.8 pJ = 3.170304 µJ.
    let fp32_compute = energy[0]["snn_compute_uj"].as_f64().unwrap_or(f64::NAN);
    assert!((fp32_compute - 3.170304).abs() < 1e-9, "{fp32_compute}");
}

/// `spikelm-hw perf | head`: a reader that goes away ends the command quietly (SIGPIPE), with
/// no panic about a broken pipe. The pipe's read end is closed before the command starts, so
/// its first line already meets no reader.
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_perf_quietly() {
    use std::os::unix::io::FromRawFd;
    let mut fds = [0i32; 2];
    // SAFETY: pipe() fills two new descriptors; the read end is closed at once, the write end
    // is owned by the File handed to the child.
    let write_end = unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0, "pipe");
        libc::close(fds[0]);
        std::fs::File::from_raw_fd(fds[1])
    };
    let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .args(["perf"])
        .stdout(write_end)
        .output()
        .expect("run spikelm-hw perf");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

/// A configuration error names its cause once (the library's message already holds it).
#[test]
fn config_errors_print_their_cause_once() {
    let out = Command::new(env!("CARGO_BIN_EXE_spikelm-hw"))
        .args(["perf", "--config", "/nonexistent/spikelm.toml"])
        .output()
        .expect("run spikelm-hw perf");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/spikelm.toml"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

/// The four linear sites' cycles of one layer, from `perf --json`.
fn linear_site_cycles(v: &serde_json::Value) -> u64 {
    v["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["cycles"].as_u64().expect("cycles"))
        .sum()
}

/// The non-linear units of one tiny layer with 2 tokens, by hand from the units' row timings
/// (docs/arithmetic.md 4.7): softmax T × heads × N = 4 × 2 × 2 = 16 rows of 2, each 3 · 2 + 35
/// cycles plus 0 to AB = 1 normalising shifts; LayerNorm 2 × T × N = 16 rows of H = 128, each
/// 2 · 128 + (AB + 1) + (XW + AB) + 48 with AB = 7, XW = 26 (the residual sums' width), plus 1
/// to 33 shifts of D by two bits (D's accumulator has 2 · 26 − 2 + 2 · 7 + 2 = 66 bits, its
/// normalisation register one more, made even: 68; D below 2^65 is shifted at least
/// (68 − 65) / 2 = 1 time, D = 1 (68 − 1) / 2 = 33 times);
/// GELU T × N × FFN = 4 × 2 × 512 values, one per cycle; the K/V quantiser and the residual
/// additions, two sites each of T × N × H / C = 4 × 2 × 128 / 8 beats of C = 8 values, one per
/// cycle.
#[test]
fn nonlinear_units_match_a_hand_derivation() {
    let v = perf(&[]);
    let units = v["nonlinear_units"].as_array().expect("nonlinear_units");
    let linear = linear_site_cycles(&v);
    let ln_row = 2 * 128 + 8 + 33 + 48;
    let want = [
        ("softmax", 16, 2, 16 * 41, 16 * 42),
        ("LayerNorm", 16, 128, 16 * (ln_row + 1), 16 * (ln_row + 33)),
        ("GELU", 4096, 1, 4096, 4096),
        ("K/V quantiser", 256, 8, 256, 256),
        ("residual", 256, 8, 256, 256),
    ];
    assert_eq!(units.len(), want.len());
    for (u, (name, rows, len, lo, hi)) in units.iter().zip(want) {
        let n = |k: &str| u[k].as_u64().unwrap_or_else(|| panic!("{name}.{k}"));
        assert_eq!(u["unit"], name);
        assert_eq!(
            (n("rows"), n("row_len"), n("cycles_min"), n("cycles_max")),
            (rows, len, lo, hi),
            "{name}"
        );
        let share = u["of_linear_sites"].as_f64().expect("share");
        assert!((share - hi as f64 / linear as f64).abs() < 1e-12, "{name}");
    }
}

/// The attention estimate of one tiny layer with 2 tokens, by hand: heads = 2, d_head = 64,
/// T = 4, so 8 passes of each product on the 8 × 8 array with the array pipeline P = 6
/// (docs/engine.md): Q·Kᵀ one block of 2 keys × 2 queries over 64, 64 + 6 + 8 = 78 cycles;
/// P·V ⌈64 / 8⌉ = 8 blocks of 64 features × 2 queries over 2 keys, 2 + 6 + 8 = 16 cycles each.
/// The whole layer adds them to the four linear sites, whose useful PE-cycles are
/// N · T · Σ Din · Dout = 2 · 4 · (128 · 384 + 128 · 128 + 128 · 512 + 512 · 128).
#[test]
fn attention_products_match_a_hand_derivation() {
    let v = perf(&[]);
    let att = &v["attention"];
    let products = att["products"].as_array().expect("products");
    let n = |p: &serde_json::Value, k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k}"));
    let want = [
        ("Q·Kᵀ", 8 * 78, 8 * 2 * 2 * 64),
        ("P·V", 8 * 8 * 16, 8 * 64 * 2 * 2),
    ];
    assert_eq!(products.len(), want.len());
    for (p, (name, cycles, useful)) in products.iter().zip(want) {
        assert_eq!(p["product"], name);
        assert_eq!(
            (n(p, "cycles"), n(p, "useful_pe_cycles")),
            (cycles, useful),
            "{name}"
        );
    }
    let linear = linear_site_cycles(&v);
    let layer = linear + 8 * 78 + 8 * 8 * 16;
    assert_eq!(n(att, "layer_cycles"), layer);
    let useful = 2 * 4 * (128 * 384 + 128 * 128 + 128 * 512 + 512 * 128) + 2 * 2048;
    let util = att["layer_utilisation"].as_f64().expect("utilisation");
    assert!(
        (util - useful as f64 / (layer * 64) as f64).abs() < 1e-12,
        "{util}"
    );
}
