//! Orchestration: RTL tree, harness build, and one harness run per (case, layer).

use super::build::{cache_root, ensure_built, shell_line, BuiltHarness, Verilator, XMode};
use super::cases::Case;
use super::control::Control;
use super::outcome::{decode, HarnessResult, Mismatch};
use super::report::{ClassCounts, RunReport, SimReport, Timing, Waveform};
use super::rtl_tree::RtlTree;
use super::stimulus::LayerStimulus;
use super::vectors::{self, reg_checks, reset_probes};
use super::{coverage, harness, limits, model_bridge, rtl_bridge, SimError};
use crate::config::{LayerShape, Params};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub seed: u64,
    /// An existing RTL tree; `None` generates one.
    pub rtl_dir: Option<PathBuf>,
    pub layers: Vec<LayerShape>,
    /// Tokens per run; `None` = the whole sequence.
    pub tokens: Option<u32>,
    pub cases: Vec<Case>,
    /// Stall probability; `None` = each case's default.
    pub stall: Option<f64>,
    /// Always record a waveform (otherwise only on failure).
    pub trace: bool,
    /// Record a waveform automatically when a run fails.
    pub trace_on_failure: bool,
    /// Build cache; `None` = `$SPIKELM_HW_CACHE` or `target/spikelm-hw-cache`.
    pub cache_dir: Option<PathBuf>,
    /// Where vector, result and waveform files go; `None` = `<cache>/runs/<config hash>`.
    pub work_dir: Option<PathBuf>,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Stop at the first failing run.
    pub stop_on_failure: bool,
    /// Replay this stimulus (e.g. a real site's activations from `import::replay`) instead of
    /// the case's.
    pub stimulus: Option<LayerStimulus>,
    /// X-propagation mode: build with `--x-assign unique --x-initial unique` and give every
    /// register without a reset a random initial value drawn from `seed`
    /// (`+verilator+rand+reset+2`), so a missing reset shows as a failure.
    pub x_random: bool,
    /// Wall-clock limit of one harness process; `None` = [`limits::wall_limit`] of its cycle cap.
    pub timeout: Option<Duration>,
    /// Stall pattern per stream and host actions during the run (default: every stream
    /// stalls at random with `stall`, a second START and refused writes a third into the run).
    pub control: Control,
}

impl SimOptions {
    /// Defaults for `params`: every layer, all tokens, the random case, seed 1.
    pub fn new(params: &Params) -> Self {
        SimOptions {
            seed: 1,
            rtl_dir: None,
            layers: params.derived.layer_shapes.clone(),
            tokens: None,
            cases: vec![Case::Random],
            stall: None,
            trace: false,
            trace_on_failure: true,
            cache_dir: None,
            work_dir: None,
            progress: false,
            stop_on_failure: true,
            stimulus: None,
            x_random: false,
            timeout: None,
            control: Control::default(),
        }
    }
}

struct Session<'a> {
    params: &'a Params,
    verilator: Verilator,
    tree: RtlTree,
    cache: PathBuf,
    work: PathBuf,
    build: BuiltHarness,
    build_seconds: f64,
}

/// Check `tokens` against the configuration: 1..=seq_len and a multiple of tokens per row block.
pub fn check_tokens(params: &Params, tokens: u32) -> Result<(), SimError> {
    let tpr = params.derived.tokens_per_row_block;
    let seq = params.model().seq_len;
    if tokens == 0 || tokens > seq || tokens % tpr != 0 {
        return Err(SimError::BadRequest(format!(
            "--tokens {tokens}: must be a multiple of {tpr} (tokens per row block = array.rows / \
             model.time_steps) between {tpr} and model.seq_len = {seq}"
        )));
    }
    Ok(())
}

/// Co-simulate: every case × layer, stopping at the first failure when asked.
pub fn run(params: &Params, opts: &SimOptions) -> Result<SimReport, SimError> {
    let wall = Instant::now();
    if let Some(c) = opts.cases.iter().find(|c| !c.applies(params)) {
        return Err(SimError::BadRequest(format!(
            "--case {}: aims at the spiking neuron, which the int8_mac baseline does not have",
            c.name()
        )));
    }
    let tokens = opts.tokens.unwrap_or(params.model().seq_len);
    check_tokens(params, tokens)?;
    if let Some(p) = opts.stall {
        if !(0.0..1.0).contains(&p) {
            return Err(SimError::BadRequest(format!(
                "--stall {p}: a probability in [0, 1)"
            )));
        }
    }
    let session = Session::open(params, opts)?;
    let total_beats: u64 = opts.cases.len() as u64
        * opts
            .layers
            .iter()
            .map(|l| crate::perf::layer_schedule(params, l.kind, tokens).out_beats)
            .sum::<u64>();
    let bar = progress_bar(opts.progress, total_beats);
    let mut report = SimReport::new(params, &session.tree, &session.verilator, &session.build);
    report.timing.build_s = session.build_seconds;
    'outer: for &case in &opts.cases {
        for &layer in &opts.layers {
            bar.set_message(format!("{} {}", case.name(), layer.kind.name()));
            let run = session.run_one(case, layer, tokens, opts, &bar)?;
            let failed = !run.passed();
            report.push(run);
            if failed {
                if opts.trace_on_failure && !opts.trace {
                    // The verdict stands whatever happens to the waveform.
                    match session.waveform_for_last(&mut report, opts) {
                        Ok(wave) => report.waveform = Some(wave),
                        Err(e) => report.notes.push(format!("no waveform recorded: {e}")),
                    }
                }
                if opts.stop_on_failure {
                    break 'outer;
                }
            }
        }
    }
    bar.finish_and_clear();
    report.timing.wall_s = wall.elapsed().as_secs_f64();
    report.finish();
    Ok(report)
}

fn spinner(show: bool, message: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let s = crate::report::progress::spinner("{spinner} {msg}");
    s.set_message(message.to_string());
    s
}

fn progress_bar(show: bool, total: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:24} [{bar:40}] {pos}/{len} output beats ({eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

impl<'a> Session<'a> {
    fn open(params: &'a Params, opts: &SimOptions) -> Result<Self, SimError> {
        let verilator = Verilator::detect()?;
        let cache = opts.cache_dir.clone().unwrap_or_else(cache_root);
        let work = opts
            .work_dir
            .clone()
            .unwrap_or_else(|| cache.join("runs").join(&params.derived.config_hash));
        std::fs::create_dir_all(&work).map_err(|e| SimError::io(&work, e))?;
        let tree = match &opts.rtl_dir {
            Some(dir) => RtlTree::open(dir)?,
            None => RtlTree::generate(params, &work.join("rtl"))?,
        };
        let src = harness::render(params, opts.trace)?;
        let started = Instant::now();
        let spinner = spinner(opts.progress, "Verilator: building or fetching the harness");
        let build = ensure_built(
            &verilator,
            &params.derived.config_hash,
            &tree,
            &src,
            opts.trace,
            XMode::of(opts.x_random),
            &cache,
        );
        spinner.finish_and_clear();
        let build = build?;
        Ok(Session {
            params,
            verilator,
            tree,
            cache,
            work,
            build_seconds: started.elapsed().as_secs_f64(),
            build,
        })
    }

    fn run_one(
        &self,
        case: Case,
        layer: LayerShape,
        tokens: u32,
        opts: &SimOptions,
        bar: &ProgressBar,
    ) -> Result<RunReport, SimError> {
        let params = self.params;
        let stall = opts.stall.unwrap_or_else(|| case.default_stall());
        let t_model = Instant::now();
        let stim = match &opts.stimulus {
            Some(s) => s.clone(),
            None => case.stimulus(params, layer, tokens as usize, opts.seed),
        };
        let expected = model_bridge::expected(params, &stim)?;
        let cover = coverage::measure(params, &stim, &expected);
        let model_s = t_model.elapsed().as_secs_f64();

        let t_io = Instant::now();
        let stem = format!("{}-{}", case.name(), layer.kind.name());
        let vec_path = self.work.join(format!("{stem}.vec"));
        let res_path = self.work.join(format!("{stem}.json"));
        let checks = reg_checks(params, &stim, &expected);
        let probes = reset_probes(params);
        let counts = vectors::write(
            &vec_path,
            params,
            &stim,
            &expected,
            &checks,
            &probes,
            &opts.control,
        )?;
        let write_s = t_io.elapsed().as_secs_f64();

        let trace_path = opts.trace.then(|| self.work.join(format!("{stem}.fst")));
        let cycles_model = rtl_bridge::layer_cycles(params, layer, tokens);
        let stall_free = opts.control.stall_free(stall);
        let limit = RunLimit::new(cycles_model, opts.control.cap_stall(stall), opts);
        let (result, command, exec_s) = execute(
            &self.build.binary,
            &vec_path,
            &res_path,
            opts,
            stall,
            &limit,
            trace_path.as_deref(),
            None,
            bar,
        )?;
        let mut mismatches = decode(params, layer, tokens as usize, &result, &checks, &probes);
        let cycles_register = checks
            .iter()
            .position(|c| c.name == "CYCLES")
            .and_then(|k| result.reg_values.get(k).copied())
            .unwrap_or(0);
        if let Some(m) = cycles_mismatch(layer, &result, stall_free, cycles_model, cycles_register)
        {
            mismatches.push(m);
        }
        let cols = u64::from(params.array().cols);
        let check = |k: &str| result.checks.get(k).map(|c| c.compared).unwrap_or(0);
        let compared = ClassCounts {
            spikes: check("spike"),
            membranes: check("mem"),
            accumulators: check("acc") * cols,
            outputs: check("out") * cols,
            tlast: check("tlast"),
            registers: check("reg") + check("busy") + check("reset"),
        };
        let io_s = write_s
            + result.load_seconds
            + (exec_s - result.sim_seconds - result.load_seconds).max(0.0);
        Ok(RunReport {
            case,
            layer: layer.kind.name().to_string(),
            din: layer.din,
            dout: layer.dout,
            tokens,
            seed: opts.seed,
            stall,
            stall_free,
            streams: opts.control.streams.map(|p| p.name()),
            events: result.events,
            resets: result.resets,
            runs: result.runs,
            status: result.status.clone(),
            compared,
            mismatch_count: result.checks.values().map(|c| c.mismatches + c.extra).sum(),
            mismatches,
            cycles_register,
            cycles_to_done_seen: result.done_cycle.saturating_sub(result.start_cycle),
            cycles_simulated: result.cycles_total,
            cycles_model,
            busy_cycles: counts.wgt_beats,
            pe_updates: counts.wgt_beats * u64::from(params.derived.pes),
            coverage: cover,
            timing: Timing {
                model_s,
                build_s: 0.0,
                rtl_s: result.sim_seconds,
                rtl_cpu_s: result.sim_cpu_seconds,
                io_s,
                wall_s: model_s + write_s + exec_s,
            },
            vectors: vec_path.display().to_string(),
            vector_bytes: counts.bytes,
            rerun_command: command,
            waveform: trace_path.map(|p| Waveform::at(&p)),
        })
    }

    /// Rebuild with tracing and rerun the last (failed) run's vectors to get a waveform.
    fn waveform_for_last(
        &self,
        report: &mut SimReport,
        opts: &SimOptions,
    ) -> Result<Waveform, SimError> {
        let params = self.params;
        let Some(last) = report.runs.last_mut() else {
            return Err(SimError::BadRequest("no run to trace".into()));
        };
        let src = harness::render(params, true)?;
        let started = Instant::now();
        let built = ensure_built(
            &self.verilator,
            &params.derived.config_hash,
            &self.tree,
            &src,
            true,
            XMode::of(opts.x_random),
            &self.cache,
        )?;
        report.timing.build_s += started.elapsed().as_secs_f64();
        let vec_path = PathBuf::from(&last.vectors);
        let fst = vec_path.with_extension("fst");
        let res = vec_path.with_extension("trace.json");
        let limit = RunLimit::new(last.cycles_model, opts.control.cap_stall(last.stall), opts);
        // Record up to a little past the first failure, not the whole run: a long layer's
        // waveform is gigabytes and minutes of simulation.
        let stop = std::fs::read_to_string(vec_path.with_extension("json"))
            .ok()
            .and_then(|text| serde_json::from_str::<HarnessResult>(&text).ok())
            .map(|r| first_failure_cycle(&r) + TRACE_TAIL_CYCLES);
        let (_, command, _) = execute(
            &built.binary,
            &vec_path,
            &res,
            opts,
            last.stall,
            &limit,
            Some(&fst),
            stop,
            &ProgressBar::hidden(),
        )?;
        let wave = Waveform::at(&fst);
        last.rerun_command = command;
        last.waveform = Some(wave.clone());
        Ok(wave)
    }
}

/// The cycle cap and wall-clock limit of one harness run.
struct RunLimit {
    cycle_cap: u64,
    wall: Duration,
}

impl RunLimit {
    fn new(model: Option<u64>, stall: f64, opts: &SimOptions) -> Self {
        // Without a model (none today) the cap falls back to a generous fixed budget.
        let cycle_cap = limits::cycle_cap(model.unwrap_or(5_000_000), stall);
        let wall = opts
            .timeout
            .unwrap_or_else(|| limits::wall_limit(cycle_cap));
        RunLimit { cycle_cap, wall }
    }
}

/// A stall-free run whose CYCLES register differs from the cycle model fails (under stalls the
/// register counts stall cycles too and is only reported).
fn cycles_mismatch(
    layer: LayerShape,
    result: &HarnessResult,
    stall_free: bool,
    model: Option<u64>,
    register: u32,
) -> Option<Mismatch> {
    let model = model?;
    if !stall_free || result.status != "ok" || model == u64::from(register) {
        return None;
    }
    Some(Mismatch {
        layer: layer.kind.name().to_string(),
        signal: "CYCLES".into(),
        cycle: result.done_cycle.saturating_sub(result.start_cycle),
        time_step: None,
        token: None,
        neuron: None,
        position: 0,
        expected: format!("{model} (perf::cycles model)"),
        actual: format!("{register} (CYCLES register)"),
        other_lanes: 0,
        count: 1,
        note: None,
    })
}

/// Cycles a waveform rerun records past the first failure.
const TRACE_TAIL_CYCLES: u64 = 2_000;

/// The simulated cycle (from power-up) of a run's first failure: the earliest first mismatch
/// of any class, or where the run stopped.
fn first_failure_cycle(r: &HarnessResult) -> u64 {
    r.checks
        .values()
        .filter_map(|c| c.first.as_ref().map(|f| f.cycle))
        .chain(std::iter::once(r.cycles_total))
        .min()
        .unwrap_or(r.cycles_total)
}

/// Run the harness under `limit`, feeding its progress lines to `bar`; returns the parsed
/// result, the command line to rerun it, and the wall time. A harness still running at the
/// wall-clock limit is killed and reported as [`SimError::HarnessFailed`]. With `stop`, the
/// simulation ends at that cycle (from power-up): a waveform rerun, whose result is no verdict.
#[allow(clippy::too_many_arguments)]
fn execute(
    binary: &Path,
    vectors: &Path,
    result: &Path,
    opts: &SimOptions,
    stall: f64,
    limit: &RunLimit,
    trace: Option<&Path>,
    stop: Option<u64>,
    bar: &ProgressBar,
) -> Result<(HarnessResult, String, f64), SimError> {
    let mut args: Vec<String> = vec![
        vectors.display().to_string(),
        result.display().to_string(),
        opts.seed.to_string(),
        format!("{stall}"),
        limit.cycle_cap.to_string(),
    ];
    if let Some(t) = trace {
        args.push(t.display().to_string());
        if let Some(stop) = stop {
            args.push(stop.to_string());
        }
    }
    if opts.x_random {
        // Verilator's seed 0 means "pick one"; keep runs reproducible.
        args.push(format!("+verilator+seed+{}", opts.seed.max(1)));
        args.push("+verilator+rand+reset+2".into());
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let command = shell_line(&here, &binary.display().to_string(), &args);
    let _ = std::fs::remove_file(result);
    let started = Instant::now();
    let base = bar.position();
    let failed = |detail: String| SimError::HarnessFailed {
        command: command.clone(),
        detail,
    };
    let mut child = Command::new(binary)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let progress = child.stdout.take().map(|out| {
        let bar = bar.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(beats) = line
                    .strip_prefix("progress ")
                    .and_then(|r| r.split(' ').next())
                {
                    if let Ok(b) = beats.parse::<u64>() {
                        bar.set_position(base + b);
                    }
                }
            }
        })
    });
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
            text
        })
    });
    let status = loop {
        match child.try_wait().map_err(|e| failed(e.to_string()))? {
            Some(status) => break status,
            None if started.elapsed() > limit.wall => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "killed after the wall-clock limit of {} s (cycle cap {} cycles)",
                    limit.wall.as_secs(),
                    limit.cycle_cap
                )));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    if let Some(t) = progress {
        let _ = t.join();
    }
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let exec_s = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(result).map_err(|_| {
        failed(format!(
            "exit status {status}, no result file; stderr: {}",
            stderr.trim()
        ))
    })?;
    let parsed: HarnessResult = serde_json::from_str(&text)
        .map_err(|e| failed(format!("unreadable result {}: {e}", result.display())))?;
    bar.set_position(base + parsed.consumed.out.min(parsed.expected.out));
    Ok((parsed, command, exec_s))
}
