//! The host link's frames (docs/boards.md; the device side is src/board/templates/spikelm_link.v.tera):
//!
//! ```text
//! request   A5 SEQ CMD    LEN PAYLOAD[LEN] CRC_HI CRC_LO
//! response  A5 SEQ STATUS LEN PAYLOAD[LEN] CRC_HI CRC_LO
//! ```
//! CRC-16/CCITT-FALSE over SEQ .. PAYLOAD.

/// First byte of every frame.
pub const SYNC: u8 = 0xA5;
/// Largest payload of one frame.
pub const MAX_PAYLOAD: usize = 255;
/// Bytes of a frame besides its payload: sync, sequence number, command or status, length
/// and the two checksum bytes.
pub const FRAME_OVERHEAD: usize = 6;

/// Request commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Command {
    Ping = 0,
    Write = 1,
    Read = 2,
    Act = 3,
    Wgt = 4,
    Out = 5,
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0xFFFFu16;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// A request frame. `payload` must not exceed [`MAX_PAYLOAD`] bytes.
pub fn request(seq: u8, cmd: Command, payload: &[u8]) -> Vec<u8> {
    assert!(
        payload.len() <= MAX_PAYLOAD,
        "payload of {} bytes",
        payload.len()
    );
    frame(seq, cmd as u8, payload)
}

/// A frame with `code` in the CMD / STATUS position.
pub fn frame(seq: u8, code: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(payload.len() + FRAME_OVERHEAD);
    f.extend_from_slice(&[SYNC, seq, code, payload.len() as u8]);
    f.extend_from_slice(payload);
    let crc = crc16(&f[1..]);
    f.extend_from_slice(&crc.to_be_bytes());
    f
}

/// A response frame read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub seq: u8,
    pub status: u8,
    pub payload: Vec<u8>,
}

/// What the front of a receive buffer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A whole frame with a good checksum, and the bytes it took.
    Frame(Response, usize),
    /// Not enough bytes yet for the frame that starts at the front.
    Incomplete,
    /// Bytes that are no frame (no sync, or a checksum error): drop this many and look again.
    Garbage(usize),
}

/// Decode the frame at the front of `buf`.
pub fn decode(buf: &[u8]) -> Decoded {
    match buf.iter().position(|&b| b == SYNC) {
        None if buf.is_empty() => return Decoded::Incomplete,
        None => return Decoded::Garbage(buf.len()),
        Some(0) => {}
        Some(i) => return Decoded::Garbage(i),
    }
    if buf.len() < 4 {
        return Decoded::Incomplete;
    }
    let len = usize::from(buf[3]);
    let total = 4 + len + 2;
    if buf.len() < total {
        return Decoded::Incomplete;
    }
    let crc = u16::from_be_bytes([buf[total - 2], buf[total - 1]]);
    if crc != crc16(&buf[1..total - 2]) {
        return Decoded::Garbage(1);
    }
    Decoded::Frame(
        Response {
            seq: buf[1],
            status: buf[2],
            payload: buf[4..4 + len].to_vec(),
        },
        total,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_ccitt_false() {
        // The catalogue check value of CRC-16/CCITT-FALSE (also called CRC-16/IBM-3740).
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn frames_round_trip_and_damage_is_garbage() {
        let f = frame(7, 0, &[1, 2, 3]);
        assert_eq!(&f[..4], &[SYNC, 7, 0, 3]);
        let mut buf = vec![0x00, 0x13];
        buf.extend_from_slice(&f);
        assert_eq!(decode(&buf), Decoded::Garbage(2));
        match decode(&buf[2..]) {
            Decoded::Frame(r, n) => {
                assert_eq!(
                    (r.seq, r.status, r.payload, n),
                    (7, 0, vec![1, 2, 3], f.len())
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(decode(&f[..f.len() - 1]), Decoded::Incomplete);
        assert_eq!(decode(&[]), Decoded::Incomplete);
        for i in 1..f.len() {
            let mut bad = f.clone();
            bad[i] ^= 0x10;
            assert_ne!(
                std::mem::discriminant(&decode(&bad)),
                std::mem::discriminant(&Decoded::Frame(
                    Response {
                        seq: 0,
                        status: 0,
                        payload: vec![]
                    },
                    0
                )),
                "byte {i} flipped still decodes"
            );
        }
    }
}
