//! The byte layout of the host link for one engine: bytes per stream beat, load/store register
//! sizes, beats per OUT response. The board top and the host driver both take it from here.

use crate::config::Params;
use crate::synth::design::Port;
use serde::Serialize;

/// Widths of the engine ports the link drives, and the byte counts that follow from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkShape {
    pub csr_aw: u32,
    /// Activation, weight and output beat widths in bits.
    pub xw: u32,
    pub ww: u32,
    pub ow: u32,
}

/// Bits needed to count up to `n` inclusive... i.e. the smallest b with 2^b > n.
pub fn bits_above(n: u64) -> u32 {
    (64 - n.leading_zeros()).max(1)
}

impl LinkShape {
    /// The shape of the engine a configuration generates.
    pub fn of_params(p: &Params) -> Self {
        let f = p.format();
        let c = p.array().cols;
        LinkShape {
            csr_aw: p.derived.csr_addr_bits,
            xw: p.activation_beat_bits(),
            ww: c * f.weight_bits,
            ow: c * f.output_bits,
        }
    }

    /// The shape read from a generated design's ports; `None` if one is missing.
    pub fn of_ports(ports: &[Port]) -> Option<Self> {
        let w = |n: &str| ports.iter().find(|p| p.name == n).map(|p| p.width);
        Some(LinkShape {
            csr_aw: w("csr_addr")?,
            xw: w("s_act_tdata")?,
            ww: w("s_wgt_tdata")?,
            ow: w("m_out_tdata")?,
        })
    }

    pub fn act_bytes(&self) -> u32 {
        self.xw.div_ceil(8)
    }
    pub fn wgt_bytes(&self) -> u32 {
        self.ww.div_ceil(8)
    }
    pub fn out_bytes(&self) -> u32 {
        self.ow.div_ceil(8)
    }
    /// Bytes of the link's load register: a stream beat or a WRITE's address and data.
    pub fn load_bytes(&self) -> u32 {
        self.act_bytes().max(self.wgt_bytes()).max(6)
    }
    /// Bytes of the link's store register, one more than any value it stores.
    pub fn store_bytes(&self) -> u32 {
        self.out_bytes().max(4) + 1
    }
    /// Output beats one OUT response carries (count and flags take two of its 255 bytes).
    pub fn out_max(&self) -> u32 {
        (255 - 2) / self.out_bytes()
    }
    /// Stream beats one ACT / WGT request carries.
    pub fn act_per_frame(&self) -> u32 {
        255 / self.act_bytes()
    }
    pub fn wgt_per_frame(&self) -> u32 {
        255 / self.wgt_bytes()
    }
    /// Whether the link can carry this engine at all (every beat fits one frame).
    pub fn check(&self) -> Result<(), String> {
        if self.out_bytes() > 253 || self.wgt_bytes() > 255 || self.csr_aw > 16 {
            return Err(format!(
                "the host link carries stream beats of at most 253 bytes and 16-bit CSR \
                 addresses; this engine has {}-byte output beats, {}-byte weight beats and \
                 {}-bit addresses",
                self.out_bytes(),
                self.wgt_bytes(),
                self.csr_aw
            ));
        }
        Ok(())
    }
}
