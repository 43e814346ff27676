//! Which unit a cell belongs to. Yosys names a flattened cell after its hierarchical instance
//! path (`u_core.u_ctrl.e_tokens_TRELLIS_FF_Q`); the unit is the module instantiated by the
//! design top under the path's component below it (`u_ctrl` → `spikelm_controller`), read from
//! the Verilog sources themselves so that no table of instance names is kept here.

use std::collections::{BTreeMap, BTreeSet};

/// Submodule instances of every module of a set of Verilog sources: module → instance → module.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    pub children: BTreeMap<String, BTreeMap<String, String>>,
}

/// Verilog tokens: identifiers and single punctuation characters; comments, strings and
/// macro names dropped.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    while i < b.len() {
        let c = b[i];
        if c == '`' {
            // A macro use or directive name (`SPIKELM_T, `default_nettype): dropped alone, so
            // the parentheses around it stay balanced.
            i += 1;
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if ident(c) {
            let s = i;
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            out.push(b[s..i].iter().collect());
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// Index just after the bracket group opening at `i` (`(`…`)` or `[`…`]`), if balanced.
fn skip_group(t: &[String], i: usize) -> Option<usize> {
    let (open, close) = match t.get(i)?.as_str() {
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        _ => return None,
    };
    let mut depth = 0;
    for (j, tok) in t.iter().enumerate().skip(i) {
        if tok == open {
            depth += 1;
        } else if tok == close {
            depth -= 1;
            if depth == 0 {
                return Some(j + 1);
            }
        }
    }
    None
}

impl Hierarchy {
    /// Scan Verilog sources for `module` definitions and, inside each, instances of the
    /// modules defined there: `name [#(…)] inst [[range]] (`.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = &'a str>) -> Hierarchy {
        let files: Vec<Vec<String>> = sources.into_iter().map(tokens).collect();
        let defined: BTreeSet<&str> = files
            .iter()
            .flat_map(|t| t.windows(2))
            .filter(|w| w[0] == "module")
            .map(|w| w[1].as_str())
            .collect();
        let mut h = Hierarchy::default();
        for t in &files {
            let mut current: Option<&str> = None;
            let mut i = 0;
            while i < t.len() {
                match t[i].as_str() {
                    "module" => current = t.get(i + 1).map(String::as_str),
                    "endmodule" => current = None,
                    name if current.is_some() && defined.contains(name) => {
                        let mut j = i + 1;
                        if t.get(j).map(String::as_str) == Some("#") {
                            j = skip_group(t, j + 1).unwrap_or(j);
                        }
                        let inst = t.get(j);
                        let mut k = j + 1;
                        if t.get(k).map(String::as_str) == Some("[") {
                            k = skip_group(t, k).unwrap_or(k);
                        }
                        if let (Some(m), Some(inst), Some("(")) =
                            (current, inst, t.get(k).map(String::as_str))
                        {
                            h.children
                                .entry(m.to_string())
                                .or_default()
                                .insert(inst.clone(), name.to_string());
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        h
    }

    /// The unit of a cell named by its hierarchical path (`.`-separated), walking down from
    /// `root`: the module instantiated by `design_top` under the next path component, or
    /// `design_top` for its own cells, or the deepest module reached above it (a wrapper).
    pub fn unit_of(&self, cell: &str, root: &str, design_top: &str) -> String {
        let mut module = root;
        let mut in_top = root == design_top;
        for comp in cell.split('.') {
            let Some(child) = self.children.get(module).and_then(|c| c.get(comp)) else {
                break;
            };
            if in_top {
                return child.clone();
            }
            module = child;
            in_top = module == design_top;
        }
        module.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRAP: &str = "module wrap(input wire clk); eng u_core (.clk(clk)); endmodule";
    const ENG: &str = "`default_nettype none\n\
        module eng(input wire clk);\n\
          // ctrl u_fake (\n\
          ctrl #(.W(`W), .D((2)), .E(`E(1))) u_ctrl (.clk(clk));\n\
          arr u_array [1:0] (.clk(clk));\n\
          if (1) begin : g end\n\
        endmodule\n\
        module ctrl #(parameter W = 1, D = 1) (input wire clk); endmodule\n\
        module arr(input wire clk); pe u_pe (.clk(clk)); endmodule\n\
        module pe(input wire clk); endmodule";

    #[test]
    fn instances_are_read_from_the_sources() {
        let h = Hierarchy::from_sources([WRAP, ENG]);
        assert_eq!(h.children["wrap"]["u_core"], "eng");
        assert_eq!(h.children["eng"]["u_ctrl"], "ctrl");
        assert_eq!(h.children["eng"]["u_array"], "arr");
        assert!(!h.children["eng"].contains_key("u_fake"), "comment skipped");
        assert_eq!(h.children["eng"].len(), 2);
    }

    #[test]
    fn cells_map_to_the_unit_below_the_design_top() {
        let h = Hierarchy::from_sources([WRAP, ENG]);
        let unit = |c: &str| h.unit_of(c, "wrap", "eng");
        assert_eq!(unit("u_core.u_ctrl.state_TRELLIS_FF_Q"), "ctrl");
        assert_eq!(unit("u_core.u_array.u_pe.acc_TRELLIS_FF_Q_3"), "arr");
        assert_eq!(unit("u_core.busy_TRELLIS_FF_Q"), "eng");
        assert_eq!(unit("$nextpnr_CCU2C_5$CCU2_COMB0"), "wrap");
        assert_eq!(h.unit_of("u_ctrl.x", "eng", "eng"), "ctrl");
    }
}
