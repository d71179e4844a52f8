//! The versioned binary encoding of a [`Message`], written by hand, little-endian.
//!
//! ```text
//! message   = "KFED" version:u16 kind:u8 payload_len:u64 payload
//! broadcast = round:u64 params
//! update    = client:u64 num_examples:u64 params metrics
//! prototypes= client:u64 count:u32 { label:u64 n:u64 len:u32 f32×len }×count
//! params    = count:u32 { path:str rank:u8 dim:u64×rank len:u64 f32×len }×count
//! metrics   = count:u32 { name:str value:f64 }×count
//! str       = len:u32 utf8×len
//! ```
//! The decoder checks every length against the bytes left before allocating, so corrupt bytes
//! give a [`FedError`] naming the field and offset, never a panic or a huge allocation.

use super::message::{Message, PrototypeEntry};
use super::params::{NamedTensor, ParamSet};
use crate::error::{FedError, Result};

/// The first four bytes of every message.
pub const MAGIC: [u8; 4] = *b"KFED";
/// The encoding version written and read by this build.
pub const VERSION: u16 = 1;
/// Bytes before the payload: magic, version, kind, payload length.
pub const HEADER_LEN: usize = 4 + 2 + 1 + 8;
/// Largest tensor rank accepted.
const MAX_RANK: u8 = 8;

const KIND_BROADCAST: u8 = 1;
const KIND_UPDATE: u8 = 2;
const KIND_PROTOTYPES: u8 = 3;

fn put_u32(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u32).to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u64).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_f32s(out: &mut Vec<u8>, values: &[f32]) {
    out.reserve(values.len() * 4);
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn put_params(out: &mut Vec<u8>, params: &ParamSet) {
    put_u32(out, params.tensors.len());
    for t in &params.tensors {
        put_str(out, &t.path);
        out.push(t.shape.len() as u8);
        for &d in &t.shape {
            put_u64(out, d);
        }
        put_u64(out, t.values.len());
        put_f32s(out, &t.values);
    }
}

/// Encodes `message`.
pub fn encode(message: &Message) -> Vec<u8> {
    let mut payload = Vec::new();
    let kind = match message {
        Message::Broadcast { round, params } => {
            put_u64(&mut payload, *round);
            put_params(&mut payload, params);
            KIND_BROADCAST
        }
        Message::Update { client, num_examples, params, metrics } => {
            put_u64(&mut payload, *client);
            put_u64(&mut payload, *num_examples);
            put_params(&mut payload, params);
            put_u32(&mut payload, metrics.len());
            for (name, value) in metrics {
                put_str(&mut payload, name);
                payload.extend_from_slice(&value.to_le_bytes());
            }
            KIND_UPDATE
        }
        Message::Prototypes { client, entries } => {
            put_u64(&mut payload, *client);
            put_u32(&mut payload, entries.len());
            for e in entries {
                put_u64(&mut payload, e.label);
                put_u64(&mut payload, e.count);
                put_u32(&mut payload, e.vector.len());
                put_f32s(&mut payload, &e.vector);
            }
            KIND_PROTOTYPES
        }
    };
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(kind);
    put_u64(&mut out, payload.len());
    out.extend_from_slice(&payload);
    out
}

/// A cursor over message bytes that names the field of every failure.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return Err(FedError::decode(field, self.pos, format!("needs {n} bytes, {left} left")));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u64(&mut self, field: &'static str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    /// A `u64` that must fit `usize`.
    fn size(&mut self, field: &'static str) -> Result<usize> {
        let at = self.pos;
        let v = self.u64(field)?;
        usize::try_from(v).map_err(|_| FedError::decode(field, at, format!("{v} does not fit this machine")))
    }

    /// A count of items that each take at least `min_item_bytes`: refused when the bytes left
    /// cannot hold that many.
    fn count(&mut self, field: &'static str, wide: bool, min_item_bytes: usize) -> Result<usize> {
        let at = self.pos;
        let n = if wide { self.size(field)? } else { u32::from_le_bytes(self.array(field)?) as usize };
        let left = self.bytes.len() - self.pos;
        if n.checked_mul(min_item_bytes).is_none_or(|need| need > left) {
            return Err(FedError::decode(field, at, format!("count {n} cannot fit in the {left} bytes left")));
        }
        Ok(n)
    }

    fn str(&mut self, field: &'static str) -> Result<String> {
        let n = self.count(field, false, 1)?;
        let at = self.pos;
        let raw = self.take(n, field)?;
        String::from_utf8(raw.to_vec()).map_err(|_| FedError::decode(field, at, "not UTF-8"))
    }

    fn f32s(&mut self, n: usize, field: &'static str) -> Result<Vec<f32>> {
        let raw = self.take(n * 4, field)?;
        Ok(raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    fn params(&mut self) -> Result<ParamSet> {
        // path len (4) + rank (1) + value count (8) at least.
        let count = self.count("params.count", false, 13)?;
        let mut tensors = Vec::with_capacity(count);
        for _ in 0..count {
            let path = self.str("params.path")?;
            let at = self.pos;
            let rank = self.u8("params.rank")?;
            if rank > MAX_RANK {
                return Err(FedError::decode("params.rank", at, format!("rank {rank} above {MAX_RANK}")));
            }
            let mut shape = Vec::with_capacity(rank as usize);
            for _ in 0..rank {
                shape.push(self.size("params.dim")?);
            }
            let at = self.pos;
            let len = self.count("params.len", true, 4)?;
            let expected = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
            if expected != Some(len) {
                return Err(FedError::decode(
                    "params.len",
                    at,
                    format!("{len} values for shape {shape:?} of `{path}`"),
                ));
            }
            let values = self.f32s(len, "params.values")?;
            tensors.push(NamedTensor { path, shape, values });
        }
        Ok(ParamSet { tensors })
    }
}

/// Decodes bytes written by [`encode`].
///
/// # Errors
/// [`FedError::BadMagic`], [`FedError::UnsupportedVersion`], or [`FedError::Decode`] naming
/// the field and byte offset of truncated, inconsistent or trailing bytes.
pub fn decode(bytes: &[u8]) -> Result<Message> {
    let mut r = Reader { bytes, pos: 0 };
    let magic = r.array::<4>("magic").map_err(|_| FedError::BadMagic { found: bytes.to_vec(), expected: MAGIC })?;
    if magic != MAGIC {
        return Err(FedError::BadMagic { found: magic.to_vec(), expected: MAGIC });
    }
    let version = u16::from_le_bytes(r.array("version")?);
    if version != VERSION {
        return Err(FedError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let kind_at = r.pos;
    let kind = r.u8("kind")?;
    let len_at = r.pos;
    let payload_len = r.size("payload_len")?;
    let left = bytes.len() - r.pos;
    if payload_len != left {
        return Err(FedError::decode("payload_len", len_at, format!("says {payload_len} bytes, {left} follow")));
    }
    let message = match kind {
        KIND_BROADCAST => {
            let round = r.size("round")?;
            Message::Broadcast { round, params: r.params()? }
        }
        KIND_UPDATE => {
            let client = r.size("client")?;
            let num_examples = r.size("num_examples")?;
            let params = r.params()?;
            let count = r.count("metrics.count", false, 12)?;
            let mut metrics = Vec::with_capacity(count);
            for _ in 0..count {
                let name = r.str("metrics.name")?;
                metrics.push((name, f64::from_le_bytes(r.array("metrics.value")?)));
            }
            Message::Update { client, num_examples, params, metrics }
        }
        KIND_PROTOTYPES => {
            let client = r.size("client")?;
            let count = r.count("entries.count", false, 20)?;
            let mut entries = Vec::with_capacity(count);
            for _ in 0..count {
                let label = r.size("entries.label")?;
                let n = r.size("entries.count")?;
                let len = r.count("entries.len", false, 4)?;
                entries.push(PrototypeEntry { label, count: n, vector: r.f32s(len, "entries.vector")? });
            }
            Message::Prototypes { client, entries }
        }
        other => return Err(FedError::decode("kind", kind_at, format!("unknown message kind {other}"))),
    };
    if r.pos != bytes.len() {
        return Err(FedError::decode("payload", r.pos, format!("{} trailing bytes", bytes.len() - r.pos)));
    }
    Ok(message)
}
