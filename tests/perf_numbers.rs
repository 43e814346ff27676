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

/// One row block, no overlap, CYCLES counted from the START write (cycle 0): the encode phase
/// takes cycles 1..=E (one activation beat per cycle: 2 tokens × T = 4 × Din); the bank is full
/// L = 24 cycles after the last beat (the launch register and U_0/q_0: 3 cycles; each of the 3
/// further time steps: a multiplier of latency 4 — input, pipeline and output registers, sum of
/// the partial products — plus rounding, leak select + X and saturation: 7 cycles); one cycle
/// hands the buffer to the array; the reduction runs for K cycles (per column block of 8 outputs:
/// Din weight beats, 3 pipeline cycles — buffer read with its output register and the broadcast
/// registers — and 8 drain beats); the last output beat leaves O = 11 cycles after the last drain
/// (drain register, the wait for the scale memory, multiplier 4, rounding, shift, bias,
/// saturation, FIFO write):
/// CYCLES = E + L + 1 + K + O.
fn hand_cycles(din: u64, dout: u64) -> u64 {
    let encode = 2 * 4 * din;
    let encoder_latency = 3 + 3 * (4 + 3);
    let compute = (dout / 8) * (din + 3 + 8);
    let out_latency = 1 + 1 + 4 + 5;
    encode + encoder_latency + 1 + compute + out_latency
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
