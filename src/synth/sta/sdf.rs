//! A reader for the Standard Delay Format (SDF 3.0) files nextpnr writes with `--sdf`: an
//! S-expression tree, then the parts the path analysis needs — cell delays (`IOPATH`), net
//! delays (`INTERCONNECT`) and setup checks (`SETUP`, `SETUPHOLD`).
//!
//! Every delay is a list of triples `(min:typ:max)`, one per transition (rise, fall, …). The
//! analysis takes the **max** field of each triple (the value nextpnr's own timing analysis
//! uses for setup: its clock-to-out of 525 ps prints as 0.52 ns) and the largest over the
//! transitions, so one arc has one worst-case delay. Values are converted to nanoseconds with
//! the file's `TIMESCALE`.

/// A node of the S-expression tree. Atoms keep their SDF escapes (`\$`, `\.`, `\[`) so that a
/// hierarchy divider can be told from an escaped one.
#[derive(Debug, Clone, PartialEq)]
pub enum Sexp {
    Atom(String),
    Str(String),
    List(Vec<Sexp>),
}

impl Sexp {
    fn head(&self) -> Option<&str> {
        match self {
            Sexp::List(v) => match v.first() {
                Some(Sexp::Atom(a)) => Some(a.as_str()),
                _ => None,
            },
            _ => None,
        }
    }
    fn items(&self) -> &[Sexp] {
        match self {
            Sexp::List(v) => v,
            _ => &[],
        }
    }
    /// The children of a list after its keyword.
    fn args(&self) -> &[Sexp] {
        self.items().get(1..).unwrap_or(&[])
    }
}

/// Parse SDF text into its top-level expression.
pub fn parse_sexp(text: &str) -> Result<Sexp, String> {
    let mut stack: Vec<Vec<Sexp>> = vec![Vec::new()];
    let mut chars = text.char_indices().peekable();
    let mut line = 1usize;
    while let Some((_, c)) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '(' => stack.push(Vec::new()),
            ')' => {
                let done = stack
                    .pop()
                    .filter(|_| !stack.is_empty())
                    .ok_or_else(|| format!("line {line}: `)` without a matching `(`"))?;
                if let Some(parent) = stack.last_mut() {
                    parent.push(Sexp::List(done));
                }
            }
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => {
                            if let Some((_, e)) = chars.next() {
                                s.push(e);
                            }
                        }
                        Some((_, ch)) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                        None => return Err(format!("line {line}: unterminated string")),
                    }
                }
                push(&mut stack, Sexp::Str(s));
            }
            _ => {
                let mut s = String::new();
                let mut ch = c;
                loop {
                    s.push(ch);
                    if ch == '\\' {
                        if let Some((_, e)) = chars.next() {
                            s.push(e);
                        }
                    }
                    match chars.peek() {
                        Some(&(_, n)) if !n.is_whitespace() && n != '(' && n != ')' => {
                            ch = n;
                            chars.next();
                        }
                        _ => break,
                    }
                }
                push(&mut stack, Sexp::Atom(s));
            }
        }
    }
    let mut top = stack
        .pop()
        .filter(|_| stack.is_empty())
        .ok_or_else(|| format!("{} unclosed `(` at the end of the file", stack.len()))?;
    match top.len() {
        1 => Ok(top.remove(0)),
        0 => Err("empty file".into()),
        n => Err(format!("{n} top-level expressions, expected one DELAYFILE")),
    }
}

fn push(stack: &mut [Vec<Sexp>], e: Sexp) {
    if let Some(l) = stack.last_mut() {
        l.push(e);
    }
}

/// Remove SDF escapes: `\$nextpnr_CCU2C_5\$CCU2_COMB0` → `$nextpnr_CCU2C_5$CCU2_COMB0`.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(e) = it.next() {
                out.push(e);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Split `inst/port` at the last unescaped divider into (instance, port), both unescaped. A
/// name without a divider is a top-level port (instance "").
pub fn split_pin(raw: &str, divider: char) -> (String, String) {
    let mut last = None;
    let mut escaped = false;
    for (i, c) in raw.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == divider {
            last = Some(i);
        }
    }
    match last {
        Some(i) => (
            unescape(&raw[..i]),
            unescape(&raw[i + divider.len_utf8()..]),
        ),
        None => (String::new(), unescape(raw)),
    }
}

/// A pin: instance name (unescaped, "" for a top-level port) and port name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin {
    pub inst: String,
    pub port: String,
}

/// A delay arc inside a cell, from an input to an output port.
#[derive(Debug, Clone, PartialEq)]
pub struct IoPath {
    pub from: String,
    /// The input was given with an edge (`(posedge CLK)`): a clock-to-output arc.
    pub from_edge: bool,
    pub to: String,
    pub delay_ns: f64,
}

/// A setup check: `data` must be stable `setup_ns` before the edge on `clock`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupCheck {
    pub data: String,
    pub clock: String,
    pub setup_ns: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    pub celltype: String,
    pub inst: String,
    pub iopaths: Vec<IoPath>,
    pub setups: Vec<SetupCheck>,
}

/// A net delay from a driver pin to a sink pin.
#[derive(Debug, Clone, PartialEq)]
pub struct Interconnect {
    pub from: Pin,
    pub to: Pin,
    pub delay_ns: f64,
}

/// The parts of an SDF file the path analysis uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sdf {
    pub cells: Vec<Cell>,
    pub interconnects: Vec<Interconnect>,
}

/// `1ps` / `100 ps` / `1ns` → nanoseconds per unit.
fn timescale_ns(args: &[Sexp]) -> Result<f64, String> {
    let text: String = args
        .iter()
        .filter_map(|a| match a {
            Sexp::Atom(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("TIMESCALE `{text}` has no unit"))?;
    let (num, unit) = text.split_at(split);
    let n: f64 = if num.is_empty() {
        1.0
    } else {
        num.parse()
            .map_err(|_| format!("TIMESCALE `{text}`: bad number"))?
    };
    let per = match unit {
        "s" => 1e9,
        "ms" => 1e6,
        "us" => 1e3,
        "ns" => 1.0,
        "ps" => 1e-3,
        "fs" => 1e-6,
        _ => return Err(format!("TIMESCALE `{text}`: unknown unit")),
    };
    Ok(n * per)
}

/// The max field of one `(min:typ:max)` triple (or of a single value); `None` for `()`.
fn triple_max(e: &Sexp) -> Result<Option<f64>, String> {
    let Sexp::List(v) = e else {
        return Err(format!("expected a delay value list, found {e:?}"));
    };
    let Some(Sexp::Atom(a)) = v.first() else {
        return Ok(None);
    };
    let fields: Vec<&str> = a.split(':').collect();
    let parse = |f: &str| f.parse::<f64>().map_err(|_| format!("bad delay `{a}`"));
    match fields.as_slice() {
        [_, _, max] if !max.is_empty() => parse(max).map(Some),
        // Max field empty (or a single value): the largest given field.
        _ => fields
            .iter()
            .filter(|f| !f.is_empty())
            .try_fold(None, |m: Option<f64>, f| {
                let x = parse(f)?;
                Ok(Some(m.map_or(x, |m| m.max(x))))
            }),
    }
}

/// Largest max field over the transition triples of one arc (0 when all are empty).
fn worst(values: &[Sexp], scale: f64) -> Result<f64, String> {
    let mut w: Option<f64> = None;
    for v in values {
        if let Some(x) = triple_max(v)? {
            w = Some(w.map_or(x, |m: f64| m.max(x)));
        }
    }
    Ok(w.unwrap_or(0.0) * scale)
}

/// A port spec: `CLK` or `(posedge CLK)` → (port, had an edge).
fn port_spec(e: &Sexp) -> Result<(String, bool), String> {
    match e {
        Sexp::Atom(a) => Ok((unescape(a), false)),
        Sexp::List(_) if matches!(e.head(), Some("posedge" | "negedge")) => match e.args() {
            [Sexp::Atom(a), ..] => Ok((unescape(a), true)),
            _ => Err(format!("bad edge port spec {e:?}")),
        },
        // `(COND expr port)` in a timing check: the port is the last item.
        Sexp::List(v) if e.head() == Some("COND") => v
            .last()
            .ok_or_else(|| "empty COND".to_string())
            .and_then(port_spec),
        _ => Err(format!("bad port spec {e:?}")),
    }
}

fn atom(e: &Sexp) -> Result<&str, String> {
    match e {
        Sexp::Atom(a) => Ok(a),
        Sexp::Str(s) => Ok(s),
        _ => Err(format!("expected a name, found {e:?}")),
    }
}

/// Read the delay file.
pub fn parse(text: &str) -> Result<Sdf, String> {
    let root = parse_sexp(text)?;
    if root.head() != Some("DELAYFILE") {
        return Err("not an SDF file (no DELAYFILE)".into());
    }
    let mut scale = 1.0;
    let mut divider = '.';
    let mut sdf = Sdf::default();
    for item in root.args() {
        match item.head() {
            Some("TIMESCALE") => scale = timescale_ns(item.args())?,
            Some("DIVIDER") => {
                divider = item
                    .args()
                    .first()
                    .and_then(|d| atom(d).ok())
                    .and_then(|d| d.chars().next())
                    .ok_or("empty DIVIDER")?;
            }
            Some("CELL") => read_cell(item, scale, divider, &mut sdf)?,
            _ => {}
        }
    }
    Ok(sdf)
}

fn read_cell(item: &Sexp, scale: f64, divider: char, sdf: &mut Sdf) -> Result<(), String> {
    let mut cell = Cell::default();
    for part in item.args() {
        match part.head() {
            Some("CELLTYPE") => {
                cell.celltype = part
                    .args()
                    .first()
                    .map(atom)
                    .transpose()?
                    .unwrap_or("")
                    .into()
            }
            Some("INSTANCE") => {
                cell.inst = part
                    .args()
                    .first()
                    .map(atom)
                    .transpose()?
                    .map(unescape)
                    .unwrap_or_default()
            }
            Some("DELAY") => {
                for block in part.args() {
                    if matches!(block.head(), Some("ABSOLUTE" | "INCREMENT")) {
                        for d in block.args() {
                            read_delay(d, scale, divider, &mut cell, sdf)?;
                        }
                    }
                }
            }
            Some("TIMINGCHECK") => {
                for c in part.args() {
                    if let (Some("SETUP" | "SETUPHOLD"), [data, clock, value, ..]) =
                        (c.head(), c.args())
                    {
                        cell.setups.push(SetupCheck {
                            data: port_spec(data)?.0,
                            clock: port_spec(clock)?.0,
                            setup_ns: worst(std::slice::from_ref(value), scale)?,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    sdf.cells.push(cell);
    Ok(())
}

fn read_delay(
    d: &Sexp,
    scale: f64,
    divider: char,
    cell: &mut Cell,
    sdf: &mut Sdf,
) -> Result<(), String> {
    match (d.head(), d.args()) {
        (Some("IOPATH"), [from, to, values @ ..]) => {
            let (from, from_edge) = port_spec(from)?;
            cell.iopaths.push(IoPath {
                from,
                from_edge,
                to: port_spec(to)?.0,
                delay_ns: worst(values, scale)?,
            });
        }
        // A conditional arc counts with its worst condition.
        (Some("COND"), args) => {
            if let Some(inner) = args.last() {
                read_delay(inner, scale, divider, cell, sdf)?;
            }
        }
        (Some("INTERCONNECT"), [from, to, values @ ..]) => {
            let pin = |e: &Sexp| -> Result<Pin, String> {
                let (inst, port) = split_pin(atom(e)?, divider);
                // Pins are relative to the enclosing cell's instance.
                let inst = match (cell.inst.is_empty(), inst.is_empty()) {
                    (true, _) => inst,
                    (false, true) => cell.inst.clone(),
                    (false, false) => format!("{}{divider}{inst}", cell.inst),
                };
                Ok(Pin { inst, port })
            };
            sdf.interconnects.push(Interconnect {
                from: pin(from)?,
                to: pin(to)?,
                delay_ns: worst(values, scale)?,
            });
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_dividers() {
        assert_eq!(
            split_pin(r"\$nextpnr_CCU2C_5\$CCU2_COMB0/FCO", '/'),
            ("$nextpnr_CCU2C_5$CCU2_COMB0".into(), "FCO".into())
        );
        assert_eq!(
            split_pin(r"u_core\.g\[3\]\/x/Q", '/'),
            ("u_core.g[3]/x".into(), "Q".into())
        );
        assert_eq!(split_pin("clk", '/'), (String::new(), "clk".into()));
    }

    #[test]
    fn triples_take_the_max_field_and_the_worst_transition() {
        let e = parse_sexp("(x (1:2:3) (4:5:6) ())").expect("parses");
        assert_eq!(worst(e.args(), 1e-3).expect("values"), 6e-3);
        let single = parse_sexp("(x (7))").expect("parses");
        assert_eq!(worst(single.args(), 1.0).expect("value"), 7.0);
        let partial = parse_sexp("(x (2:9:))").expect("parses");
        assert_eq!(worst(partial.args(), 1.0).expect("value"), 9.0);
        assert!(worst(parse_sexp("(x (a:b:c))").expect("parses").args(), 1.0).is_err());
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(parse("(DELAYFILE (CELL )").is_err());
        assert!(parse("(DELAYFILE))").is_err());
        assert!(parse("(OTHER)").is_err());
        assert!(parse("(DELAYFILE (TIMESCALE 1 parsec))").is_err());
        assert_eq!(
            timescale_ns(&[Sexp::Atom("100".into()), Sexp::Atom("ps".into())]),
            Ok(0.1)
        );
    }
}
