//! Packing signed lane values into the little-endian 32-bit words the harness and Verilator use.

/// Number of 32-bit words holding `bits` bits (at least one).
pub fn words_for(bits: u32) -> usize {
    (bits.max(1) as usize).div_ceil(32)
}

/// Mask of the valid bits in the top word of a `bits`-wide value.
pub fn top_word_mask(bits: u32) -> u32 {
    match bits % 32 {
        0 => u32::MAX,
        r => (1u32 << r) - 1,
    }
}

/// Two's-complement low `width` bits of `value` (width ≤ 64).
pub fn truncate(value: i64, width: u32) -> u64 {
    if width >= 64 {
        value as u64
    } else {
        (value as u64) & ((1u64 << width) - 1)
    }
}

/// Sign-extend the low `width` bits of `raw`.
pub fn sign_extend(raw: u64, width: u32) -> i64 {
    if width >= 64 {
        raw as i64
    } else {
        let shift = 64 - width;
        ((raw << shift) as i64) >> shift
    }
}

/// Append `lanes` (each `width` bits, lane c at bits `[c*width +: width]`) to `out` as words.
pub fn pack_lanes(
    lanes: impl IntoIterator<Item = i64>,
    width: u32,
    count: usize,
    out: &mut Vec<u32>,
) {
    let words = words_for(width * count as u32);
    let base = out.len();
    out.resize(base + words, 0);
    let dst = &mut out[base..];
    for (c, value) in lanes.into_iter().enumerate().take(count) {
        let raw = truncate(value, width);
        let mut bit = c * width as usize;
        let mut left = width as usize;
        let mut v = raw;
        while left > 0 {
            let word = bit / 32;
            let at = bit % 32;
            let take = (32 - at).min(left);
            let chunk = (v & ((1u64 << take) - 1)) as u32;
            dst[word] |= chunk << at;
            v >>= take;
            bit += take;
            left -= take;
        }
    }
}

/// Read lane `c` (signed, `width` bits) from packed words.
pub fn unpack_lane(words: &[u32], width: u32, c: usize) -> i64 {
    let mut raw = 0u64;
    let start = c * width as usize;
    for k in 0..width as usize {
        let bit = start + k;
        let w = words.get(bit / 32).copied().unwrap_or(0);
        raw |= u64::from((w >> (bit % 32)) & 1) << k;
    }
    sign_extend(raw, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_round_trip_across_word_boundaries() {
        let values = [-3i64, 511, -512, 0, 7, -1, 200];
        let mut out = Vec::new();
        pack_lanes(values, 10, values.len(), &mut out);
        assert_eq!(out.len(), words_for(70));
        for (c, v) in values.iter().enumerate() {
            assert_eq!(unpack_lane(&out, 10, c), *v);
        }
    }

    #[test]
    fn wide_single_lane() {
        let mut out = Vec::new();
        pack_lanes([-5i64], 48, 1, &mut out);
        assert_eq!(out, vec![0xFFFF_FFFB, 0xFFFF]);
        assert_eq!(unpack_lane(&out, 48, 0), -5);
        assert_eq!(top_word_mask(48), 0xFFFF);
        assert_eq!(top_word_mask(64), u32::MAX);
    }
}
