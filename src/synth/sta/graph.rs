//! The timing graph of a routed design and its longest paths.
//!
//! Nodes are pins. Start points are the outputs of clock-to-output arcs (flip-flop, block-RAM
//! and DSP registers), with that arc's delay as their arrival; edges are the cells'
//! combinational arcs (logic) and the nets (routing); endpoints are pins with a setup check,
//! whose required time is the clock period minus the setup time. The longest arrival is found
//! in one pass over a topological order; a combinational loop is cut at the edge that closes
//! it (counted in [`Analysis::loops_cut`]), as nextpnr does.

use super::sdf::{Pin, Sdf};
use std::collections::{HashMap, HashSet};

/// What an edge of the graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A combinational arc through a cell.
    Logic,
    /// A net from a driver to a sink.
    Routing,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    delay_ns: f64,
    kind: EdgeKind,
}

/// The inputs that count as a carry chain: a cell entered here is a carry hop, not a LUT level.
const CARRY_INPUTS: [&str; 3] = ["FCI", "CIN", "CI"];

/// One register-to-register path, start to end.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub from: Pin,
    pub to: Pin,
    /// Clock-to-output + logic + routing + setup, ns.
    pub delay_ns: f64,
    pub routing_ns: f64,
    pub setup_ns: f64,
    /// Cells traversed between the start register and the end point.
    pub levels: usize,
    /// Of those, cells entered through their carry input.
    pub carry_levels: usize,
}

/// The worst path into every endpoint.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub paths: Vec<Path>,
    /// Edges dropped to break combinational loops.
    pub loops_cut: usize,
}

struct Graph {
    pins: Vec<Pin>,
    index: HashMap<Pin, usize>,
    out: Vec<Vec<Edge>>,
    /// Clock-to-output delay of every start point.
    start: HashMap<usize, f64>,
    /// Setup time of every endpoint.
    setup: HashMap<usize, f64>,
}

impl Graph {
    fn node(&mut self, pin: Pin) -> usize {
        if let Some(&i) = self.index.get(&pin) {
            return i;
        }
        let i = self.pins.len();
        self.index.insert(pin.clone(), i);
        self.pins.push(pin);
        self.out.push(Vec::new());
        i
    }

    fn build(sdf: &Sdf) -> Graph {
        let mut g = Graph {
            pins: Vec::new(),
            index: HashMap::new(),
            out: Vec::new(),
            start: HashMap::new(),
            setup: HashMap::new(),
        };
        let pin = |inst: &str, port: &str| Pin {
            inst: inst.to_string(),
            port: port.to_string(),
        };
        for cell in &sdf.cells {
            // Clock ports: references of the setup checks, and inputs given with an edge.
            let clocks: HashSet<&str> = cell
                .setups
                .iter()
                .map(|s| s.clock.as_str())
                .chain(
                    cell.iopaths
                        .iter()
                        .filter(|p| p.from_edge)
                        .map(|p| p.from.as_str()),
                )
                .collect();
            for p in &cell.iopaths {
                let to = g.node(pin(&cell.inst, &p.to));
                if clocks.contains(p.from.as_str()) {
                    let t = g.start.entry(to).or_insert(p.delay_ns);
                    *t = t.max(p.delay_ns);
                } else {
                    let from = g.node(pin(&cell.inst, &p.from));
                    g.out[from].push(Edge {
                        to,
                        delay_ns: p.delay_ns,
                        kind: EdgeKind::Logic,
                    });
                }
            }
            for s in &cell.setups {
                let d = g.node(pin(&cell.inst, &s.data));
                let t = g.setup.entry(d).or_insert(s.setup_ns);
                *t = t.max(s.setup_ns);
            }
        }
        for n in &sdf.interconnects {
            let from = g.node(n.from.clone());
            let to = g.node(n.to.clone());
            g.out[from].push(Edge {
                to,
                delay_ns: n.delay_ns,
                kind: EdgeKind::Routing,
            });
        }
        g
    }

    /// Nodes in topological order, ignoring the edges that close a loop (returned as a count
    /// and removed from `self.out`). Iterative depth-first search: no recursion limit.
    fn topological_order(&mut self) -> (Vec<usize>, usize) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let n = self.pins.len();
        let mut mark = vec![Mark::New; n];
        let mut post = Vec::with_capacity(n);
        let mut back: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if mark[root] != Mark::New {
                continue;
            }
            let mut stack = vec![(root, 0usize)];
            mark[root] = Mark::Open;
            while let Some(&mut (v, ref mut next)) = stack.last_mut() {
                if let Some(e) = self.out[v].get(*next) {
                    let (w, k) = (e.to, *next);
                    *next += 1;
                    match mark[w] {
                        Mark::New => {
                            mark[w] = Mark::Open;
                            stack.push((w, 0));
                        }
                        Mark::Open => back.push((v, k)),
                        Mark::Done => {}
                    }
                } else {
                    mark[v] = Mark::Done;
                    post.push(v);
                    stack.pop();
                }
            }
        }
        // Remove back edges, highest index first so earlier indices stay valid.
        back.sort_unstable_by(|a, b| b.cmp(a));
        for &(v, k) in &back {
            self.out[v].remove(k);
        }
        post.reverse();
        (post, back.len())
    }
}

/// The worst (longest) path into every endpoint that some start point reaches.
pub fn analyze(sdf: &Sdf) -> Analysis {
    let mut g = Graph::build(sdf);
    let (order, loops_cut) = g.topological_order();
    let n = g.pins.len();
    let mut arrival: Vec<Option<f64>> = vec![None; n];
    // Predecessor on the worst path: (node, edge delay, kind).
    let mut pred: Vec<Option<(usize, f64, EdgeKind)>> = vec![None; n];
    for (&s, &d) in &g.start {
        arrival[s] = Some(d);
    }
    for &v in &order {
        let Some(a) = arrival[v] else { continue };
        for e in &g.out[v] {
            let t = a + e.delay_ns;
            if arrival[e.to].is_none_or(|cur| t > cur) {
                arrival[e.to] = Some(t);
                pred[e.to] = Some((v, e.delay_ns, e.kind));
            }
        }
    }
    let mut paths = Vec::new();
    for (&end, &setup_ns) in &g.setup {
        let Some(a) = arrival[end] else { continue };
        let (mut routing_ns, mut levels, mut carry_levels) = (0.0, 0, 0);
        let mut v = end;
        // Walk back to the start point; bounded by the node count.
        for _ in 0..n {
            let Some((u, d, kind)) = pred[v] else { break };
            match kind {
                EdgeKind::Routing => routing_ns += d,
                EdgeKind::Logic => {
                    levels += 1;
                    if CARRY_INPUTS.contains(&g.pins[u].port.as_str()) {
                        carry_levels += 1;
                    }
                }
            }
            v = u;
        }
        paths.push(Path {
            from: g.pins[v].clone(),
            to: g.pins[end].clone(),
            delay_ns: a + setup_ns,
            routing_ns,
            setup_ns,
            levels,
            carry_levels,
        });
    }
    paths.sort_by(|a, b| b.delay_ns.total_cmp(&a.delay_ns).then(a.to.cmp(&b.to)));
    Analysis { paths, loops_cut }
}
