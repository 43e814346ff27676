//! The host side of the link: a byte transport (a serial port, or the pipes of a simulated
//! board) and request/response with sequence numbers, timeouts and retries. A request is
//! retried with the same sequence number, which the device answers from its stored response
//! without executing it again; a response with a bad checksum or a stale number is ignored.

use super::error::{BoardError, Result};
use super::protocol::{self, Command, Decoded};
use serde::Serialize;
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Bytes in both directions.
pub trait Transport: Send {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// Bytes received within `timeout` (empty if none); an error when the device is gone.
    fn recv(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>>;
}

/// A transport over a reader and a writer (a serial port's file, a child process's pipes); a
/// thread reads so that `recv` can time out.
pub struct StreamTransport {
    writer: Box<dyn Write + Send>,
    rx: mpsc::Receiver<std::io::Result<Vec<u8>>>,
    closed: bool,
}

impl StreamTransport {
    pub fn new(
        mut reader: impl Read + Send + 'static,
        writer: impl Write + Send + 'static,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => {
                        let _ = tx.send(Err(std::io::ErrorKind::UnexpectedEof.into()));
                        break;
                    }
                    Ok(n) => {
                        if tx.send(Ok(buf[..n].to_vec())).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        StreamTransport {
            writer: Box::new(writer),
            rx,
            closed: false,
        }
    }

    /// A serial port at 115200 baud, raw (configured with `stty`).
    pub fn serial(path: &std::path::Path, baud: u32) -> Result<Self> {
        let status = std::process::Command::new("stty")
            .arg("-F")
            .arg(path)
            .args([
                &baud.to_string(),
                "raw",
                "-echo",
                "-ixon",
                "-ixoff",
                "-crtscts",
                "cs8",
                "-cstopb",
                "-parenb",
            ])
            .status()
            .map_err(|e| BoardError::io(path, e))?;
        if !status.success() {
            return Err(BoardError::Link(format!(
                "cannot configure {} with stty (is it a serial port, and yours to open?)",
                path.display()
            )));
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| BoardError::io(path, e))?;
        let reader = file.try_clone().map_err(|e| BoardError::io(path, e))?;
        Ok(StreamTransport::new(reader, file))
    }
}

impl Transport for StreamTransport {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    fn recv(&mut self, timeout: Duration) -> std::io::Result<Vec<u8>> {
        if self.closed {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        match self.rx.recv_timeout(timeout) {
            Ok(Ok(b)) => Ok(b),
            Ok(Err(e)) => {
                self.closed = true;
                Err(e)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(Vec::new()),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.closed = true;
                Err(std::io::ErrorKind::UnexpectedEof.into())
            }
        }
    }
}

/// What the link went through.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkStats {
    pub requests: u64,
    pub retries: u64,
    pub timeouts: u64,
    /// Received bytes dropped as no frame (checksum errors, noise).
    pub garbage_bytes: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Request/response over a transport.
pub struct Link<T: Transport> {
    transport: T,
    seq: u8,
    buf: Vec<u8>,
    pub timeout: Duration,
    pub attempts: u32,
    pub stats: LinkStats,
}

impl<T: Transport> Link<T> {
    /// Open the link: two pings, so that the device's last sequence number is known and no
    /// request of this session is mistaken for a retry of an earlier one.
    pub fn open(transport: T, timeout: Duration, first_seq: u8) -> Result<Self> {
        let mut link = Link {
            transport,
            seq: first_seq,
            buf: Vec::new(),
            timeout,
            attempts: 8,
            stats: LinkStats::default(),
        };
        link.request(Command::Ping, &[])?;
        link.request(Command::Ping, &[])?;
        Ok(link)
    }

    /// Send one request and return its response payload; retried on timeouts and damaged
    /// frames, an error after `attempts` tries or when the device is gone.
    pub fn request(&mut self, cmd: Command, payload: &[u8]) -> Result<Vec<u8>> {
        let frame = protocol::request(self.seq, cmd, payload);
        self.stats.requests += 1;
        for attempt in 0..self.attempts {
            if attempt > 0 {
                self.stats.retries += 1;
            }
            self.transport.send(&frame).map_err(|e| {
                BoardError::Link(format!("sending {cmd:?}: {e} (device unplugged?)"))
            })?;
            self.stats.bytes_sent += frame.len() as u64;
            let deadline = Instant::now() + self.timeout;
            loop {
                match protocol::decode(&self.buf) {
                    Decoded::Frame(r, n) => {
                        self.buf.drain(..n);
                        if r.seq != self.seq {
                            continue; // the late answer to an earlier request
                        }
                        self.seq = self.seq.wrapping_add(1);
                        return match r.status {
                            0 => Ok(r.payload),
                            s => Err(BoardError::Link(format!(
                                "the device refused {cmd:?} with status {s} ({})",
                                if s == 1 {
                                    "unknown command"
                                } else {
                                    "bad length"
                                }
                            ))),
                        };
                    }
                    Decoded::Garbage(n) => {
                        self.stats.garbage_bytes += n as u64;
                        self.buf.drain(..n);
                        continue;
                    }
                    Decoded::Incomplete => {}
                }
                let now = Instant::now();
                if now >= deadline {
                    self.stats.timeouts += 1;
                    // What is left is a damaged or partial frame: it will never complete.
                    self.stats.garbage_bytes += self.buf.len() as u64;
                    self.buf.clear();
                    break;
                }
                let bytes = self.transport.recv(deadline - now).map_err(|e| {
                    BoardError::Link(format!(
                        "receiving the answer to {cmd:?}: {e} (device gone?)"
                    ))
                })?;
                self.stats.bytes_received += bytes.len() as u64;
                self.buf.extend_from_slice(&bytes);
            }
        }
        Err(BoardError::Link(format!(
            "no valid answer to {cmd:?} after {} attempts of {:?} each ({} timeouts, {} bytes \
             of damaged frames so far): check the port, the baud rate and that the board runs \
             this bitstream",
            self.attempts, self.timeout, self.stats.timeouts, self.stats.garbage_bytes
        )))
    }

    pub fn write(&mut self, addr: u32, data: u32) -> Result<()> {
        let mut p = (addr as u16).to_le_bytes().to_vec();
        p.extend_from_slice(&data.to_le_bytes());
        self.request(Command::Write, &p).map(|_| ())
    }

    pub fn read(&mut self, addr: u32) -> Result<u32> {
        let r = self.request(Command::Read, &(addr as u16).to_le_bytes())?;
        let bytes: [u8; 4] = r.as_slice().try_into().map_err(|_| {
            BoardError::Link(format!("READ answered with {} bytes, not 4", r.len()))
        })?;
        Ok(u32::from_le_bytes(bytes))
    }

    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }
}
