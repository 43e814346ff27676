//! Runs a unit's RTL test under Icarus: generates the tiny engine (with overrides) into a
//! temporary directory, adds a testbench module `tb`, simulates it and returns the log.

use crate::config::Params;
use std::process::Command;

/// 8-bit input and membrane, 8-bit alpha codes, F = 2 (alpha 1.0 = code 4).
pub const SMALL: [&str; 4] = [
    "format.input_bits=8",
    "format.membrane_bits=8",
    "format.alpha_bits=8",
    "format.frac_bits=2",
];

/// Generate the configuration, add `tb` (module `tb`), simulate, return stdout and stderr.
/// Panics with the command's output when compiling or simulating fails.
pub fn simulate(sets: &[&str], tb: &str) -> String {
    simulate_with_defines(sets, tb, &[])
}

/// As [`simulate`], with Verilog macros defined for the compile (e.g. a technology form).
pub fn simulate_with_defines(sets: &[&str], tb: &str, defines: &[&str]) -> String {
    let mut sources: Vec<String> = defines.iter().map(|d| format!("-D{d}")).collect();
    sources.extend(["-c".to_string(), "files.f".to_string()]);
    simulate_sources(sets, tb, &sources)
}

/// As [`simulate`] for units outside `files.f` (`standalone/`): compiles only `files` (paths in
/// the generated tree, leaves first) and `tb`.
pub fn simulate_files(files: &[&str], tb: &str) -> String {
    simulate_files_with(&[], files, tb)
}

/// As [`simulate_files`], from the tree of the tiny preset with `sets` (e.g. the CCU2C adder).
pub fn simulate_files_with(sets: &[&str], files: &[&str], tb: &str) -> String {
    let sources: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    simulate_sources(sets, tb, &sources)
}

/// The engine's leaf units the weight-stationary units are built on (the block-RAM wrapper, the
/// delay line, the kept register copy), then `units` (paths in the generated tree).
pub fn leaves_and(units: &[&'static str]) -> Vec<&'static str> {
    [
        "rtl/spikelm_ram_sdp.v",
        "rtl/spikelm_delay.v",
        "rtl/spikelm_rep_reg.v",
    ]
    .iter()
    .chain(units)
    .copied()
    .collect()
}

/// Testbench lines for the end of its `initial` block, once `stim` is filled in: release reset
/// after three cycles, apply `stim[k]` to `ports` (a concatenation) one per cycle, with the
/// statement `each` after every cycle, then the statement `idle`, wait `drain` cycles, print
/// `report` (a `$display` argument list) and finish.
pub fn replay_stimulus(ports: &str, each: &str, idle: &str, drain: usize, report: &str) -> String {
    format!(
        "        repeat (3) @(posedge clk);\n\
         \x20       #1 rst = 1'b0;\n\
         \x20       for (k = 0; k < NS; k = k + 1) begin\n\
         \x20           {{{ports}}} = stim[k];\n\
         \x20           @(posedge clk); #1;\n\
         \x20           {each}\n\
         \x20       end\n\
         \x20       {idle}\n\
         \x20       repeat ({drain}) @(posedge clk);\n\
         \x20       $display({report});\n\
         \x20       $finish;\n"
    )
}

/// Runs `tb` over `files` (paths in the generated tree) in both PE adder forms, the plain tree
/// and the tree with `array.adder = ecp5_ccu2c` (with the CCU2C simulation model), and asserts
/// that each log contains `want`; `what` names the case in the failure.
pub fn assert_in_both_adder_forms(files: &[&str], tb: &str, want: &str, what: &str) {
    let ccu2c: Vec<&str> = ["rtl/CCU2C.v"].iter().chain(files).copied().collect();
    for (form, log) in [
        ("plain", simulate_files_with(&[], files, tb)),
        (
            "ccu2c",
            simulate_files_with(&["array.adder=ecp5_ccu2c"], &ccu2c, tb),
        ),
    ] {
        assert!(
            log.contains(want),
            "{form} {what}: expected `{want}`\n{log}"
        );
    }
}

/// Testbench lines (inside an `always @(posedge clk)`) that compare each output `got` taken
/// while `valid` with `want[n_out]` in order (a testbench with `rst`, `NE`, `want`, `n_out` and
/// `errors`), printing the first five mismatches.
pub fn compare_outputs(valid: &str, got: &str) -> String {
    format!(
        "        if (!rst && {valid}) begin\n\
         \x20           if (n_out >= NE || {got} !== want[n_out]) begin\n\
         \x20               if (errors < 5) $display(\"MISMATCH %0d: %b want %b\", n_out, {got}, want[n_out]);\n\
         \x20               errors = errors + 1;\n\
         \x20           end\n\
         \x20           n_out = n_out + 1;\n\
         \x20       end\n"
    )
}

/// Generate the configuration into a temporary tree, add `tb`, compile `sources` (iverilog
/// arguments: macros and files) with it, simulate.
fn simulate_sources(sets: &[&str], tb: &str, sources: &[String]) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let gen = dir.path().join("gen");
    let params = Params::preset_with("spikelm-bert-tiny", sets).expect("test configuration");
    let rtl = crate::rtl::generate(&params).expect("generate");
    crate::rtl::write_tree(&gen, &rtl, false).expect("write");
    std::fs::write(gen.join("tb.v"), tb).expect("write tb.v");
    run(Command::new("iverilog")
        .current_dir(&gen)
        .args(["-g2005", "-o", "u.vvp", "-s", "tb"])
        .args(sources)
        .arg("tb.v"));
    run(Command::new("vvp").current_dir(&gen).args(["-n", "u.vvp"]))
}

/// Run a command; its output, or a panic naming the command and its output.
pub(crate) fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("$ {shown}\ncannot run: {e}"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "$ {shown}\n{log}");
    log
}

/// Deterministic stimuli for the unit tests: a 64-bit linear congruential generator.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next value in 0..m (m ≥ 1).
    pub fn below(&mut self, m: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 20) % m
    }
}

/// The end of a row unit's testbench `initial` block: after reset, offer beat `accepted`
/// (`assign` sets the input ports from the stimulus arrays at that index) and take outputs,
/// until `beats` outputs are taken (the testbench counts them in `emitted`); then finish. With
/// `stalls`, valid and ready are random (3 cycles in 4); without, every beat is offered as soon
/// as the unit may take it and every output is taken at once (the cycle model's conditions).
pub fn row_driver(beats: usize, assign: &str, stalls: bool) -> String {
    let (valid, ready) = handshake_terms(stalls);
    format!(
        "        while (emitted < {beats}) begin\n\
         \x20           @(negedge clk);\n\
         \x20           in_valid = (accepted < {beats}) && {valid};\n\
         \x20           {assign}\n\
         \x20           out_ready = {ready};\n\
         \x20       end\n\
         \x20       $finish;\n"
    )
}

/// The testbench's (valid, ready) for an offered beat and a taken output: random (3 cycles in
/// 4, from the testbench's `seed`) with `stalls`, always without.
pub fn handshake_terms(stalls: bool) -> (&'static str, &'static str) {
    if stalls {
        ("(($random(seed) & 3) != 0)", "($random(seed) & 3) != 0")
    } else {
        ("1'b1", "1'b1")
    }
}

/// Testbench lines that print `A <cycle>` for every input beat a row unit takes, counting clock
/// edges from time 0 (ports `in_valid`, `in_ready`).
pub const INPUT_STAMPS: &str = "    integer cyc = 0;\n\
    always @(posedge clk) begin\n\
        cyc <= cyc + 1;\n\
        if (in_valid && in_ready) $display(\"A %0d\", cyc);\n\
    end\n";

/// The periods of a row unit's rows from a log with [`INPUT_STAMPS`]: for each row but the
/// last (`lens` beats each, in order), the cycles from its first beat taken to the next row's.
pub fn row_periods(log: &str, lens: &[usize]) -> Vec<u64> {
    let taken: Vec<u64> = log
        .lines()
        .filter_map(|l| l.strip_prefix("A ")?.trim().parse().ok())
        .collect();
    assert_eq!(
        taken.len(),
        lens.iter().sum::<usize>(),
        "input beats taken\n{log}"
    );
    let firsts: Vec<u64> = lens
        .iter()
        .scan(0, |at, &n| {
            let first = *at;
            *at += n;
            Some(taken[first])
        })
        .collect();
    firsts.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The output beats a row unit's testbench printed as `<tag> <value> <last>`.
pub fn tagged_beats(log: &str, tag: &str) -> Vec<(i64, bool)> {
    log.lines()
        .filter_map(|l| l.strip_prefix(tag)?.strip_prefix(' '))
        .map(|v| {
            let mut it = v.split_whitespace();
            let value = it.next().and_then(|x| x.parse().ok()).expect("a value");
            (value, it.next() == Some("1"))
        })
        .collect()
}

/// A row unit's output beats `got` (value, last) against the model's rows `want`, bit for bit,
/// with `last` on each row's final beat; adds to `differ[k]` the beats on which the altered
/// model `altered[k]` (the model with one rounding changed) disagrees with the RTL.
pub fn check_rows<const K: usize>(
    got: &[(i64, bool)],
    want: &[Vec<i64>],
    altered: &[[Vec<i64>; K]],
    differ: &mut [usize; K],
    what: &str,
) {
    let beats: usize = want.iter().map(Vec::len).sum();
    assert_eq!(got.len(), beats, "{what}: output beats");
    let mut at = 0;
    for (ri, (row, alt)) in want.iter().zip(altered).enumerate() {
        for (i, w) in row.iter().enumerate() {
            let (v, last) = got[at + i];
            assert_eq!(v, *w, "{what}: row {ri} beat {i}");
            assert_eq!(last, i + 1 == row.len(), "{what}: row {ri} beat {i} last");
            for (a, d) in alt.iter().zip(differ.iter_mut()) {
                *d += usize::from(a[i] != v);
            }
        }
        at += row.len();
    }
}

/// Runs a multiplier testbench `tb` (which prints `P <value>` once per clock edge, the first
/// product first) in the plain form and in the ECP5 DSP form (`SPIKELM_ECP5_DSP`, with the
/// MULT18X18D simulation model) and checks that each form prints `want` in order.
pub fn check_products_in_both_forms(tb: &str, want: &[i128], what: &str) {
    for define in [None, Some("SPIKELM_ECP5_DSP")] {
        let log = simulate_with_defines(&[], tb, define.as_slice());
        let got: Vec<i128> = log
            .lines()
            .filter_map(|l| l.strip_prefix("P "))
            .map(|v| v.trim().parse().expect("a product"))
            .collect();
        assert!(
            got.len() >= want.len(),
            "{what} {define:?}: {} products\n{log}",
            got.len()
        );
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g, w, "{what} {define:?}: case {k}");
        }
    }
}

/// One bus of a lane unit: `lanes` signed values of `width` bits, lane 0 in the low bits.
#[derive(Debug, Clone, Copy)]
pub struct LaneBus {
    pub port: &'static str,
    pub width: u32,
    pub lanes: usize,
}

impl LaneBus {
    pub fn bits(&self) -> usize {
        self.width as usize * self.lanes
    }

    /// The lanes' values (two's complement, masked to the width) as a Verilog literal.
    pub fn literal(&self, values: &[i64]) -> String {
        assert_eq!(values.len(), self.lanes, "{}: lanes", self.port);
        let mut bits = Vec::with_capacity(self.bits());
        for &v in values {
            bits.extend((0..self.width).map(|b| (v >> b.min(63)) & 1 == 1));
        }
        let hex: String = bits
            .chunks(4)
            .rev()
            .map(|c| {
                let d = c.iter().rev().fold(0u32, |acc, &b| acc << 1 | u32::from(b));
                char::from_digit(d, 16).expect("a hex digit")
            })
            .collect();
        format!("{}'h{hex}", self.bits())
    }

    /// The lanes of a value the testbench printed with `%h` (sign-extended from the width).
    pub fn lanes_of(&self, hex: &str) -> Vec<i64> {
        let mut bits: Vec<bool> = Vec::with_capacity(hex.len() * 4);
        for c in hex.chars().rev() {
            let d = c
                .to_digit(16)
                .unwrap_or_else(|| panic!("{}: not hex: {hex}", self.port));
            bits.extend((0..4).map(|b| d >> b & 1 == 1));
        }
        bits.chunks(self.width as usize)
            .take(self.lanes)
            .map(|lane| {
                let v = lane
                    .iter()
                    .rev()
                    .fold(0i64, |acc, &b| acc << 1 | i64::from(b));
                let sign = 1i64 << (self.width - 1);
                (v ^ sign) - sign
            })
            .collect()
    }
}

/// A testbench for a unit with one valid/ready input beat of several buses and one output bus
/// (ports `clk`, `rst`, `in_valid`, `in_ready`, `out_valid`, `out_ready`): `inst` instantiates
/// it as `dut` over regs named after the input ports and a wire named after the output port;
/// `decls` declares any other signal it needs and `prelude` drives them after reset, before the
/// stream. Beat k offers `inputs[p].1[k]` on each input port p; the testbench prints each
/// output beat as `Y <hex> <cycle>` (read back by [`lane_outputs`]) and each beat taken as
/// `A <cycle>`, and stops after `outputs` output beats (or fails with `TIMEOUT`). Stalls as
/// [`handshake_terms`].
pub struct LaneStream {
    pub inst: String,
    pub decls: String,
    pub prelude: String,
    pub inputs: Vec<(LaneBus, Vec<Vec<i64>>)>,
    pub output: LaneBus,
    pub outputs: usize,
}

impl LaneStream {
    pub fn testbench(&self, seed: u32, stalls: bool) -> String {
        let (valid, ready) = handshake_terms(stalls);
        let beats = self.inputs.first().map_or(0, |i| i.1.len());
        let mut regs = String::new();
        let mut init = String::new();
        let mut assign = String::new();
        for (bus, values) in &self.inputs {
            assert_eq!(values.len(), beats, "{}: beats", bus.port);
            let (p, w) = (bus.port, bus.bits());
            regs.push_str(&format!(
                "    reg [{w}-1:0] {p} = 0; reg [{w}-1:0] m_{p} [0:{beats}];\n"
            ));
            for (k, v) in values.iter().enumerate() {
                init.push_str(&format!("        m_{p}[{k}] = {};\n", bus.literal(v)));
            }
            assign.push_str(&format!("{p} = m_{p}[accepted]; "));
        }
        let (out, ow) = (self.output.port, self.output.bits());
        let cap = 64 + 8 * (beats + self.outputs);
        format!(
            "`timescale 1ns/1ps\nmodule tb;\n\
             \x20   reg clk = 0; always #1 clk = ~clk;\n\
             \x20   reg rst = 1, in_valid = 0, out_ready = 0;\n\
             {regs}\
             \x20   wire in_ready, out_valid; wire [{ow}-1:0] {out};\n\
             \x20   integer accepted = 0, emitted = 0, seed = {seed};\n\
             {decls}\
             {inst}\n\
             {stamps}\
             \x20   always @(posedge clk) begin\n\
             \x20       if (in_valid && in_ready) accepted <= accepted + 1;\n\
             \x20       if (out_valid && out_ready) begin\n\
             \x20           emitted <= emitted + 1;\n\
             \x20           $display(\"Y %h %0d\", {out}, cyc);\n\
             \x20       end\n\
             \x20       if (cyc > {cap}) begin $display(\"TIMEOUT\"); $finish; end\n\
             \x20   end\n\
             \x20   initial begin\n{init}\
             \x20       repeat (3) @(negedge clk); rst = 0;\n\
             {prelude}\
             \x20       while (emitted < {outputs}) begin\n\
             \x20           @(negedge clk);\n\
             \x20           in_valid = (accepted < {beats}) && {valid};\n\
             \x20           {assign}\n\
             \x20           out_ready = {ready};\n\
             \x20       end\n\
             \x20       $finish;\n\
             \x20   end\nendmodule\n",
            decls = self.decls,
            inst = self.inst,
            stamps = INPUT_STAMPS,
            prelude = self.prelude,
            outputs = self.outputs,
        )
    }
}

/// The output beats a [`LaneStream`] testbench printed: each beat's lanes and its cycle.
pub fn lane_outputs(log: &str, bus: &LaneBus) -> Vec<(Vec<i64>, u64)> {
    assert!(!log.contains("TIMEOUT"), "the unit stopped\n{log}");
    log.lines()
        .filter_map(|l| {
            let mut it = l.strip_prefix("Y ")?.split_whitespace();
            let lanes = bus.lanes_of(it.next()?);
            Some((lanes, it.next()?.parse().ok()?))
        })
        .collect()
}

/// The cycles a testbench with [`INPUT_STAMPS`] printed for the beats taken.
pub fn taken_cycles(log: &str) -> Vec<u64> {
    log.lines()
        .filter_map(|l| l.strip_prefix("A ")?.trim().parse().ok())
        .collect()
}

/// A [`LaneStream`] run without stalls: `beats` beats taken on consecutive cycles, and output k
/// offered `latency` cycles after the beat that completes it, beat (k + 1) · `per_output` − 1.
pub fn assert_beat_per_cycle(
    log: &str,
    out: &LaneBus,
    beats: usize,
    per_output: usize,
    latency: u64,
) {
    let taken = taken_cycles(log);
    let offered: Vec<u64> = lane_outputs(log, out).iter().map(|o| o.1).collect();
    assert_eq!(
        (taken.len(), offered.len()),
        (beats, beats / per_output),
        "{log}"
    );
    assert!(taken.windows(2).all(|w| w[1] == w[0] + 1), "{taken:?}");
    for (k, o) in offered.iter().enumerate() {
        let last = taken[(k + 1) * per_output - 1];
        assert_eq!(o - last, latency, "output {k}: {taken:?}\n{offered:?}");
    }
}

/// The beats of values [T, N, LANES] in the drain's order (token by token, its T steps in a
/// row): each beat's time step (for `in_t`) and its lanes.
pub fn drain_beats(x: &ndarray::Array3<i64>) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let (steps, tokens) = (x.shape()[0], x.shape()[1]);
    (0..tokens)
        .flat_map(|n| (0..steps).map(move |t| (n, t)))
        .map(|(n, t)| (vec![t as i64], x.slice(ndarray::s![t, n, ..]).to_vec()))
        .unzip()
}
