//! The K/V quantiser (`spikelm_kv_quant`, docs/arithmetic.md section 3, "K/V quantiser"): the
//! neuron's comparator ([`crate::units::neuron::spike`]) on the K or V projection's output
//! codes, with its own α code per time step and no membrane. The tensor-wide model is
//! [`crate::model::quantiser::quantise`]; this unit's RTL is checked against it in `tests.rs`.

/// Cycles from a beat taken to its spikes offered, without stalls (input register with the
/// lanes' copies of α >> 1, the compares); one beat per cycle.
pub const LATENCY: u64 = 2;

/// The widths of one quantiser (the RTL's parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvQuantFormat {
    /// Codes per beat.
    pub lanes: usize,
    /// Signed width of a code.
    pub yw: u32,
    /// Width of an α code (unsigned).
    pub aw: u32,
    /// Time steps (α codes held).
    pub steps: usize,
}

impl KvQuantFormat {
    /// The width of the time-step index (`TB`): the smallest with 2^TB ≥ T, at least 1.
    pub fn step_bits(&self) -> u32 {
        crate::config::clog2(self.steps as u64)
    }

    /// Why the combination is invalid, if it is (the RTL checks the same at elaboration).
    pub fn check(&self) -> Result<(), String> {
        if self.lanes == 0 || !(2..=32).contains(&self.yw) || !(2..=32).contains(&self.aw) {
            return Err(format!(
                "the K/V quantiser needs LANES ≥ 1, 2 ≤ YW ≤ 32, 2 ≤ AW ≤ 32 (LANES = {}, YW = {}, AW = {})",
                self.lanes, self.yw, self.aw
            ));
        }
        if self.steps == 0 {
            return Err("the K/V quantiser needs T ≥ 1".to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
