//! The cluster's messages on a TCP stream: a handshake, then framed messages.
//!
//! A frame is `tag: u8`, `length: u64` (little-endian), then `length` payload bytes. Every
//! read and write has the cluster's timeout, so a peer that stops answering is an error after
//! a bounded wait, and a peer that exits is an error at once (its end of the stream closes).

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::error::CoreError;

/// The first bytes of every handshake.
const MAGIC: &[u8; 4] = b"KILN";
/// Bumped whenever the messages change, so nodes of different builds refuse each other.
pub(super) const PROTOCOL: u32 = 1;
/// The largest payload accepted (16 GiB): a bigger length means a corrupt or foreign stream.
const MAX_PAYLOAD: u64 = 1 << 34;

/// What a frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    /// A node's `f32` values for an all-reduce.
    Reduce = 1,
    /// The coordinator's reduced values.
    Reduced = 2,
    /// Bytes the coordinator broadcasts.
    Broadcast = 3,
    /// The coordinator accepts a joining node.
    Welcome = 4,
    /// The coordinator refuses a joining node (payload: the reason, UTF-8).
    Refused = 5,
}

impl Tag {
    fn from_byte(byte: u8) -> Option<Self> {
        [Tag::Reduce, Tag::Reduced, Tag::Broadcast, Tag::Welcome, Tag::Refused].into_iter().find(|t| *t as u8 == byte)
    }
}

/// Who is at the other end of a stream, for error messages.
#[derive(Debug, Clone, Copy)]
pub(super) enum Peer {
    /// The coordinator (rank 0).
    Coordinator,
    /// The node of this rank.
    Node(usize),
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Peer::Coordinator => write!(f, "the coordinator (node 0)"),
            Peer::Node(rank) => write!(f, "node {rank}"),
        }
    }
}

/// A [`CoreError::Cluster`] about `peer`, worded after the I/O error's kind.
pub(super) fn io_error(peer: Peer, doing: &str, error: &std::io::Error, timeout: Duration) -> CoreError {
    let message = match error.kind() {
        ErrorKind::UnexpectedEof
        | ErrorKind::ConnectionReset
        | ErrorKind::BrokenPipe
        | ErrorKind::ConnectionAborted => {
            format!("{peer} closed the connection while {doing} (did it stop?)")
        }
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            format!("{peer} did not answer within {} s while {doing}", timeout.as_secs_f64())
        }
        _ => format!("{doing} with {peer}: {error}"),
    };
    CoreError::Cluster(message)
}

/// Sets both timeouts of `stream` and turns off Nagle's delay (messages are few and large, and
/// the small ones are answers someone waits for).
pub(super) fn configure(stream: &TcpStream, timeout: Duration) -> std::io::Result<()> {
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)
}

/// Writes one frame.
pub(super) fn send(stream: &mut TcpStream, tag: Tag, payload: &[u8]) -> std::io::Result<()> {
    let mut header = [0u8; 9];
    header[0] = tag as u8;
    header[1..].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    stream.write_all(&header)?;
    stream.write_all(payload)?;
    stream.flush()
}

/// Reads one frame, which must carry `expected`; a [`Tag::Refused`] frame becomes an error
/// with its reason.
pub(super) fn receive(stream: &mut TcpStream, expected: Tag, peer: Peer) -> std::io::Result<Vec<u8>> {
    let mut header = [0u8; 9];
    stream.read_exact(&mut header)?;
    let mut length = [0u8; 8];
    length.copy_from_slice(&header[1..]);
    let length = u64::from_le_bytes(length);
    let invalid = |message: String| std::io::Error::new(ErrorKind::InvalidData, message);
    if length > MAX_PAYLOAD {
        return Err(invalid(format!("{peer} announced a {length}-byte message: not a Kiln cluster stream")));
    }
    let mut payload = vec![0u8; length as usize];
    stream.read_exact(&mut payload)?;
    match Tag::from_byte(header[0]) {
        Some(tag) if tag == expected => Ok(payload),
        Some(Tag::Refused) => Err(invalid(String::from_utf8_lossy(&payload).into_owned())),
        Some(tag) => {
            Err(invalid(format!("{peer} sent {tag:?} where {expected:?} was expected: the nodes are out of step")))
        }
        None => Err(invalid(format!("{peer} sent an unknown message {}: not a Kiln cluster stream", header[0]))),
    }
}

/// A joining node's introduction: magic, protocol, the number of nodes it expects, its rank.
pub(super) fn hello(nodes: usize, rank: usize) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    for value in [PROTOCOL, nodes as u32, rank as u32] {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes
}

/// Reads a [`hello`]: `(protocol, nodes, rank)`, or why the bytes are not one.
pub(super) fn read_hello(stream: &mut TcpStream) -> std::io::Result<std::result::Result<(u32, usize, usize), String>> {
    let mut bytes = [0u8; 16];
    stream.read_exact(&mut bytes)?;
    if &bytes[..4] != MAGIC {
        return Ok(Err("a connection that is not a Kiln node".into()));
    }
    let word = |i: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[4 + 4 * i..8 + 4 * i]);
        u32::from_le_bytes(w)
    };
    Ok(Ok((word(0), word(1) as usize, word(2) as usize)))
}

/// `values` as little-endian bytes.
pub(crate) fn f32_bytes(values: &[f32]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(values.len() * 4);
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes
}

/// Little-endian bytes as `f32` values (`bytes.len()` a multiple of 4).
pub(crate) fn bytes_f32(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}
