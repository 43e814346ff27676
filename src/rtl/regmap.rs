//! The register map of the engine, declared once. The CSR template, the co-simulation harness,
//! the vector files, the tests and the register table of `docs/engine.md` are all rendered from
//! [`REGISTERS`]; nothing else spells an address.
//!
//! Word addresses in the lower half of the CSR space (`csr_addr[CSR_AW-1] = 0`); the upper half
//! holds the two per-column memories, BIAS[j] and SCALE[t][j] (see [`UpperHalf`]).

use serde::Serialize;

/// Who may access a register from the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Access {
    R,
    W,
    RW,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::R => "R",
            Access::W => "W",
            Access::RW => "RW",
        }
    }
}

/// How a register is replicated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Index {
    /// One word.
    Single,
    /// One word per time step t, at `addr + stride * t`.
    PerStep { stride: u32 },
    /// One word per time step t and digit k, at `addr + stride * t + k`.
    PerStepDigit { stride: u32 },
}

/// One register (or one array of registers).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Register {
    /// Upper-case name; the CSR template's localparam is `A_<name>`.
    pub name: &'static str,
    /// Word address (of element 0 for an array).
    pub addr: u32,
    pub index: Index,
    pub access: Access,
    /// Width: a number or the name of the CSR module's parameter.
    pub width: &'static str,
    /// Value after reset, as documented.
    pub reset: &'static str,
    /// Named single-bit fields: (name, bit).
    pub fields: &'static [(&'static str, u32)],
    pub meaning: &'static str,
}

impl Register {
    /// Address of element (t, k); `t` and `k` are ignored where the register has no such index.
    pub const fn at(&self, t: u32, k: u32) -> u32 {
        match self.index {
            Index::Single => self.addr,
            Index::PerStep { stride } => self.addr + stride * t,
            Index::PerStepDigit { stride } => self.addr + stride * t + k,
        }
    }

    /// Bit position of the named field.
    pub fn bit(&self, field: &str) -> u32 {
        self.fields
            .iter()
            .find(|(n, _)| *n == field)
            .map(|(_, b)| *b)
            .unwrap_or_else(|| panic!("register {} has no field {field}", self.name))
    }

    /// The address as documented, e.g. `0x040 + 4t`.
    pub fn addr_text(&self) -> String {
        match self.index {
            Index::Single => format!("0x{:03x}", self.addr),
            Index::PerStep { stride } => format!("0x{:03x} + {stride}t", self.addr),
            Index::PerStepDigit { stride } => format!("0x{:03x} + {stride}t + k", self.addr),
        }
    }

    /// The name as documented, e.g. `POS_COUNT[t]`.
    pub fn name_text(&self) -> String {
        match self.index {
            Index::Single => self.name.to_string(),
            _ => format!("{}[t]", self.name),
        }
    }
}

pub const CTRL: Register = Register {
    name: "CTRL",
    addr: 0x000,
    index: Index::Single,
    access: Access::W,
    width: "1",
    reset: "-",
    fields: &[("START", 0)],
    meaning: "bit 0 START (ignored while busy); clears the counters, CYCLES and DONE",
};
pub const STATUS: Register = Register {
    name: "STATUS",
    addr: 0x001,
    index: Index::Single,
    access: Access::R,
    width: "2",
    reset: "0",
    fields: &[("BUSY", 0), ("DONE", 1)],
    meaning: "bit 0 BUSY, bit 1 DONE (set when the final output beat is accepted)",
};
pub const LAYER: Register = Register {
    name: "LAYER",
    addr: 0x002,
    index: Index::Single,
    access: Access::RW,
    width: "2",
    reset: "0",
    fields: &[],
    meaning: "layer shape index: 0 qkv, 1 attn_out, 2 ffn_in, 3 ffn_out",
};
pub const TOKENS: Register = Register {
    name: "TOKENS",
    addr: 0x003,
    index: Index::Single,
    access: Access::RW,
    width: "TOKW",
    reset: "seq_len",
    fields: &[],
    meaning: "tokens N of the next run: a multiple of TPR, 1..seq_len (other values write seq_len)",
};
pub const OUT_SHIFT: Register = Register {
    name: "OUT_SHIFT",
    addr: 0x004,
    index: Index::Single,
    access: Access::RW,
    width: "OSB",
    reset: "0",
    fields: &[],
    meaning: "S of the amplitude stage",
};
pub const CYCLES: Register = Register {
    name: "CYCLES",
    addr: 0x005,
    index: Index::Single,
    access: Access::R,
    width: "CNTW",
    reset: "0",
    fields: &[],
    meaning: "clock cycles from the START write to DONE of the last run",
};
pub const INFO: Register = Register {
    name: "INFO",
    addr: 0x006,
    index: Index::Single,
    access: Access::R,
    width: "32",
    reset: "INFO",
    fields: &[],
    meaning: "`R \\| C << 8 \\| T << 16 \\| pe << 24` (pe: 0 ternary, 1 int8_mac)",
};
pub const POS_COUNT: Register = Register {
    name: "POS_COUNT",
    addr: 0x040,
    index: Index::PerStep { stride: 4 },
    access: Access::R,
    width: "CNTW",
    reset: "0",
    fields: &[],
    meaning: "+1 spikes at time step t in this run (saturating)",
};
pub const NEG_COUNT: Register = Register {
    name: "NEG_COUNT",
    addr: 0x041,
    index: Index::PerStep { stride: 4 },
    access: Access::R,
    width: "CNTW",
    reset: "0",
    fields: &[],
    meaning: "−1 spikes at time step t (saturating)",
};
pub const ADD_COUNT: Register = Register {
    name: "ADD_COUNT",
    addr: 0x042,
    index: Index::PerStep { stride: 4 },
    access: Access::R,
    width: "CNTW",
    reset: "0",
    fields: &[],
    meaning: "synaptic additions issued at time step t (one per PE whose spike is non-zero, per array cycle) = (non-zero spikes at t) × Dout (saturating)",
};
pub const ALPHA: Register = Register {
    name: "ALPHA",
    addr: 0x100,
    index: Index::PerStepDigit { stride: 16 },
    access: Access::W,
    width: "ADW",
    reset: "0",
    fields: &[],
    meaning: "exact: the α code A_t (AW bits, k = 0); csd/pow2: digit k of A_t",
};
/// Every register, in address order.
pub const REGISTERS: [Register; 11] = [
    CTRL, STATUS, LAYER, TOKENS, OUT_SHIFT, CYCLES, INFO, POS_COUNT, NEG_COUNT, ADD_COUNT, ALPHA,
];

/// Bits of the lower-half register offset the CSR decodes (`a` in the template): enough for
/// one past the highest address of [`REGISTERS`], every index at its limit.
pub const OFFSET_BITS: u32 = offset_bits(&REGISTERS);

/// Bits to address one past the last word of `regs`, with t < `MAX_TIME_STEPS` and, for
/// per-digit arrays, k < stride (the digits of one step fill at most its stride).
const fn offset_bits(regs: &[Register]) -> u32 {
    let last_t = crate::config::MAX_TIME_STEPS - 1;
    let mut end = 1;
    let mut i = 0;
    while i < regs.len() {
        let r = &regs[i];
        let last = match r.index {
            Index::Single => r.addr,
            Index::PerStep { .. } => r.at(last_t, 0),
            Index::PerStepDigit { stride } => r.at(last_t, stride - 1),
        };
        if last + 1 > end {
            end = last + 1;
        }
        i += 1;
    }
    u32::BITS - (end - 1).leading_zeros()
}

/// The upper half of the CSR space (`csr_addr[CSR_AW-1] = 1`), write only, refused while busy:
/// two memories with one bank per array column, selected by `csr_addr[CSR_AW-2]`.
///
/// - BIAS[j] (0): YW bits, sign-extended in the word, at `(j / C) << CB | (j % C)`.
/// - SCALE[t][j] (1): the output scale code M_t[j] of time step t and output column j (exact:
///   MBW bits, k = 0; csd/pow2: digit word k), at
///   `((t << KB | k) << (BAB + CB)) | (j / C) << CB | (j % C)`.
///
/// CB = clog2(C) column bits, BAB = `bias_addr_bits` entry bits, KB = `scale_digit_bits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpperHalf {
    pub csr_addr_bits: u32,
    pub cols: u32,
    pub col_bits: u32,
    pub entry_bits: u32,
    pub digit_bits: u32,
}

/// SCALE words per code and bits per word: exact, one word holding the MBW-bit code; csd:K and
/// pow2, K digit words of `scale_shift_bits` + 2 bits (docs/engine.md, "Digit word").
pub fn scale_words(params: &crate::config::Params) -> (u32, u32) {
    match params.format().alpha_mode.digits() {
        None => (1, params.format().scale_bits),
        Some(k) => (k, params.derived.scale_shift_bits + 2),
    }
}

/// Bits of the SCALE memory: a code per time step and column of the widest layer.
pub fn scale_memory_bits(params: &crate::config::Params) -> u64 {
    let (words, bits) = scale_words(params);
    u64::from(params.model().time_steps)
        * u64::from(params.derived.max_dout)
        * u64::from(words * bits)
}

impl UpperHalf {
    pub fn of(params: &crate::config::Params) -> Self {
        let d = &params.derived;
        let cols = params.array().cols;
        UpperHalf {
            csr_addr_bits: d.csr_addr_bits,
            cols,
            col_bits: crate::config::clog2(cols as u64),
            entry_bits: d.bias_addr_bits,
            digit_bits: d.scale_digit_bits,
        }
    }

    /// Column j's bank and entry bits.
    fn column(&self, j: u32) -> u32 {
        ((j / self.cols) << self.col_bits) | (j % self.cols)
    }

    /// The memory select bit and the half bit.
    fn memory(&self, scale: bool) -> u32 {
        (1 << (self.csr_addr_bits - 1)) | (u32::from(scale) << (self.csr_addr_bits - 2))
    }

    /// CSR word address of BIAS[j].
    pub fn bias(&self, j: u32) -> u32 {
        self.memory(false) | self.column(j)
    }

    /// CSR word address of digit word `k` of SCALE[t][j].
    pub fn scale(&self, t: u32, k: u32, j: u32) -> u32 {
        let tk = (t << self.digit_bits) | k;
        self.memory(true) | (tk << (self.entry_bits + self.col_bits)) | self.column(j)
    }
}

/// One row of the template's view of the map.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub name: &'static str,
    /// Verilog literal of the base offset, e.g. `10'h040`.
    pub lit: String,
    pub access: &'static str,
    pub width: &'static str,
    pub meaning: String,
    /// (`<REG>_<FIELD>`, bit) of the named fields.
    pub fields: Vec<(String, u32)>,
}

/// The map as the templates use it.
pub fn rows() -> Vec<RegisterRow> {
    REGISTERS
        .iter()
        .map(|r| RegisterRow {
            name: r.name,
            lit: format!("{OFFSET_BITS}'h{:03x}", r.addr),
            access: r.access.as_str(),
            width: r.width,
            meaning: format!("{} {}", r.addr_text(), r.name_text()),
            fields: r
                .fields
                .iter()
                .map(|(f, b)| (format!("{}_{f}", r.name), *b))
                .collect(),
        })
        .collect()
}

/// The register table of `docs/engine.md` (between the generated-section markers).
pub fn markdown() -> String {
    let rows: Vec<Vec<String>> = REGISTERS
        .iter()
        .map(|r| {
            vec![
                r.addr_text(),
                r.name_text(),
                r.access.as_str().to_string(),
                r.width.to_string(),
                r.reset.to_string(),
                r.meaning.to_string(),
            ]
        })
        .collect();
    crate::report::markdown_table(
        &["addr", "name", "access", "width", "reset", "meaning"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_and_fit_the_decoder() {
        use crate::config::MAX_TIME_STEPS;
        let mut seen = std::collections::BTreeSet::new();
        for r in REGISTERS {
            let (ts, ks) = match r.index {
                Index::Single => (1, 1),
                Index::PerStep { .. } => (MAX_TIME_STEPS, 1),
                Index::PerStepDigit { stride } => (MAX_TIME_STEPS, stride),
            };
            for t in 0..ts {
                for k in 0..ks {
                    let a = r.at(t, k);
                    assert!(a < 1 << OFFSET_BITS, "{} out of range", r.name);
                    assert!(seen.insert(a), "{} overlaps at 0x{a:03x}", r.name);
                }
            }
        }
        // OFFSET_BITS is no wider than the map needs: the highest address uses its top bit.
        let highest = seen.last().copied().unwrap_or(0);
        assert!(
            highest >= 1 << (OFFSET_BITS - 1),
            "OFFSET_BITS {OFFSET_BITS} is wider than 0x{highest:03x} needs"
        );
    }

    /// The CSR template decodes ALPHA by `a[OFW-1:8]`, t by `a[7:4]`, k by `a[3:0]`, and the
    /// counters by `a[OFW-1:6]`, t by `a[5:2]`, which counter by `a[1:0]` (OFW >= 9).
    #[test]
    fn array_registers_match_the_template_decode() {
        assert_eq!(ALPHA.index, Index::PerStepDigit { stride: 16 });
        assert_eq!(ALPHA.addr & 0xff, 0);
        assert_eq!(POS_COUNT.addr & 0x3f, 0);
        for (i, r) in [POS_COUNT, NEG_COUNT, ADD_COUNT].iter().enumerate() {
            assert_eq!(r.index, Index::PerStep { stride: 4 });
            assert_eq!(r.addr, POS_COUNT.addr + i as u32, "{}", r.name);
        }
    }

    /// The CSR template decodes the upper half as: `csr_addr[CSR_AW-2]` the memory, bank
    /// `[CB-1:0]`, entry `[CB +: BAB]`, and for SCALE digit `[CB+BAB +: KB]`, t above it.
    #[test]
    fn memory_addresses_use_the_upper_half_and_fit_it() {
        let p = crate::config::Params::load("spikelm-bert-tiny", None, &[]).expect("preset");
        let u = UpperHalf::of(&p);
        let (cb, bab, kb) = (u.col_bits, u.entry_bits, u.digit_bits);
        let top = 1 << (u.csr_addr_bits - 1);
        assert_eq!(u.bias(0), top);
        assert_eq!(u.bias(9), top | (1 << cb) | 1);
        let s = u.scale(3, 1, 9);
        assert_eq!(
            s,
            top | (top >> 1) | (((3 << kb) | 1) << (cb + bab)) | (1 << cb) | 1
        );
        // The largest index of each field stays below the memory select bit.
        let t_max = p.model().time_steps - 1;
        let j_max = p.derived.max_dout - 1;
        let k_max = (1 << kb) - 1;
        assert!(u.scale(t_max, k_max, j_max) < (top | (top >> 1)) + (top >> 1));
        assert!(u.bias(j_max) < top | (top >> 1));
    }

    #[test]
    fn engine_md_register_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/engine.md");
        let doc = std::fs::read_to_string(path).expect("docs/engine.md");
        let fresh = crate::report::replace_generated(&doc, "register map", &markdown())
            .expect("docs/engine.md has the register map markers");
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &fresh).expect("write docs/engine.md");
        } else {
            assert!(
                doc == fresh,
                "docs/engine.md register table is stale; rerun with UPDATE_DOCS=1"
            );
        }
    }
}
