//! The PLY header: `ply`, a `format` line, then `element NAME COUNT` lines each followed by its
//! `property TYPE NAME` / `property list COUNT_TYPE ITEM_TYPE NAME` lines, up to the line
//! `end_header`.

use std::path::Path;

use super::Encoding;
use crate::error::{GeomError, Result};

/// A PLY scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Scalar {
    /// The type a header names (`uchar` or `uint8`, …).
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "char" | "int8" => Self::I8,
            "uchar" | "uint8" => Self::U8,
            "short" | "int16" => Self::I16,
            "ushort" | "uint16" => Self::U16,
            "int" | "int32" => Self::I32,
            "uint" | "uint32" => Self::U32,
            "float" | "float32" => Self::F32,
            "double" | "float64" => Self::F64,
            _ => return None,
        })
    }

    /// Bytes per value in a binary body.
    pub(super) fn size(self) -> usize {
        match self {
            Self::I8 | Self::U8 => 1,
            Self::I16 | Self::U16 => 2,
            Self::I32 | Self::U32 | Self::F32 => 4,
            Self::F64 => 8,
        }
    }

    /// Whether the type holds integers.
    pub(super) fn is_integer(self) -> bool {
        !matches!(self, Self::F32 | Self::F64)
    }

    /// Whether `value` is one the type can hold (an integer within range for the integer types;
    /// any number for the floating types, whose finiteness is checked where it matters).
    pub(super) fn holds(self, value: f64) -> bool {
        let (lo, hi) = match self {
            Self::I8 => (i8::MIN as f64, i8::MAX as f64),
            Self::U8 => (0.0, u8::MAX as f64),
            Self::I16 => (i16::MIN as f64, i16::MAX as f64),
            Self::U16 => (0.0, u16::MAX as f64),
            Self::I32 => (i32::MIN as f64, i32::MAX as f64),
            Self::U32 => (0.0, u32::MAX as f64),
            Self::F32 | Self::F64 => return true,
        };
        value.fract() == 0.0 && (lo..=hi).contains(&value)
    }

    /// Decodes one little-endian value from the first [`Scalar::size`] bytes of `b`
    /// (`None` when `b` is shorter).
    pub(super) fn read_le(self, b: &[u8]) -> Option<f64> {
        Some(match self {
            Self::I8 => f64::from(i8::from_le_bytes(*b.first_chunk()?)),
            Self::U8 => f64::from(*b.first()?),
            Self::I16 => f64::from(i16::from_le_bytes(*b.first_chunk()?)),
            Self::U16 => f64::from(u16::from_le_bytes(*b.first_chunk()?)),
            Self::I32 => f64::from(i32::from_le_bytes(*b.first_chunk()?)),
            Self::U32 => f64::from(u32::from_le_bytes(*b.first_chunk()?)),
            Self::F32 => f64::from(f32::from_le_bytes(*b.first_chunk()?)),
            Self::F64 => f64::from_le_bytes(*b.first_chunk()?),
        })
    }
}

/// One property of an element.
#[derive(Debug, Clone)]
pub(super) enum Property {
    /// `property TYPE NAME`.
    Scalar { name: String, ty: Scalar },
    /// `property list COUNT_TYPE ITEM_TYPE NAME`.
    List { name: String, count: Scalar, item: Scalar },
}

impl Property {
    /// The property's name.
    pub(super) fn name(&self) -> &str {
        match self {
            Self::Scalar { name, .. } | Self::List { name, .. } => name,
        }
    }

    /// The fewest bytes one instance takes in a binary body (an empty list: its count).
    fn min_binary_bytes(&self) -> usize {
        match self {
            Self::Scalar { ty, .. } => ty.size(),
            Self::List { count, .. } => count.size(),
        }
    }
}

/// One `element` of the header.
#[derive(Debug, Clone)]
pub(super) struct Element {
    /// Its name (`vertex`, `face`, …).
    pub name: String,
    /// Instances the header declares.
    pub count: usize,
    /// Its properties, in body order.
    pub properties: Vec<Property>,
}

impl Element {
    /// `"vertex"`, `"face"` or `"element"`, for errors.
    pub(super) fn label(&self) -> &'static str {
        match self.name.as_str() {
            "vertex" => "vertex",
            "face" => "face",
            _ => "element",
        }
    }

    /// The fewest body bytes one instance takes: in binary the packed scalars and list counts;
    /// in ASCII one token and one separator per property.
    pub(super) fn min_row_bytes(&self, encoding: Encoding) -> usize {
        match encoding {
            Encoding::BinaryLittleEndian => self.properties.iter().map(Property::min_binary_bytes).sum(),
            Encoding::Ascii => 2 * self.properties.len(),
        }
    }
}

/// A parsed header.
#[derive(Debug)]
pub(super) struct Header {
    /// How the body is stored.
    pub encoding: Encoding,
    /// The elements, in body order.
    pub elements: Vec<Element>,
    /// Offset of the body's first byte.
    pub body_start: usize,
}

/// Parses the header of `bytes` (after an optional UTF-8 byte-order mark).
pub(super) fn parse_header(path: &Path, bytes: &[u8]) -> Result<Header> {
    let bad = |message: String| GeomError::BadHeader { path: path.to_path_buf(), message };
    let mut pos = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut encoding = None;
    let mut elements: Vec<Element> = Vec::new();
    let mut first = true;
    loop {
        if pos >= bytes.len() {
            return Err(bad("no `end_header` line".into()));
        }
        let len = bytes[pos..].iter().position(|&b| b == b'\n').unwrap_or(bytes.len() - pos);
        let raw = String::from_utf8_lossy(&bytes[pos..pos + len]);
        let line = raw.trim();
        pos = (pos + len + 1).min(bytes.len());
        if first {
            if line != "ply" {
                return Err(bad("first line must be `ply`".into()));
            }
            first = false;
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.as_slice() {
            ["end_header"] => break,
            ["format", ..] if encoding.is_some() => return Err(bad("more than one `format` line".into())),
            ["format", "ascii", _] => encoding = Some(Encoding::Ascii),
            ["format", "binary_little_endian", _] => encoding = Some(Encoding::BinaryLittleEndian),
            ["format", other, ..] => return Err(bad(format!("unsupported format `{other}`"))),
            ["element", name, count] => {
                if elements.iter().any(|e| e.name == *name) {
                    return Err(bad(format!("element `{name}` declared twice")));
                }
                let count = count.parse().map_err(|_| bad(format!("bad element count `{count}`")))?;
                elements.push(Element { name: (*name).to_string(), count, properties: Vec::new() });
            }
            ["property", "list", ct, it, name] => {
                let (Some(count), Some(item)) = (Scalar::parse(ct), Scalar::parse(it)) else {
                    return Err(bad(format!("unknown list types in `{line}`")));
                };
                if !count.is_integer() {
                    return Err(bad(format!("list count type `{ct}` is not an integer type in `{line}`")));
                }
                add_property(&mut elements, Property::List { name: (*name).to_string(), count, item }).map_err(bad)?;
            }
            ["property", ty, name] => {
                let ty = Scalar::parse(ty).ok_or_else(|| bad(format!("unknown type `{ty}`")))?;
                add_property(&mut elements, Property::Scalar { name: (*name).to_string(), ty }).map_err(bad)?;
            }
            ["comment", ..] | ["obj_info", ..] | [] => {}
            _ => return Err(bad(format!("unexpected header line `{line}`"))),
        }
    }
    let encoding = encoding.ok_or_else(|| bad("missing `format` line".into()))?;
    Ok(Header { encoding, elements, body_start: pos })
}

/// Adds `property` to the last element (a message when there is none or the name is taken).
fn add_property(elements: &mut [Element], property: Property) -> std::result::Result<(), String> {
    let element = elements.last_mut().ok_or("property before any element")?;
    if element.properties.iter().any(|p| p.name() == property.name()) {
        return Err(format!("element `{}` has property `{}` twice", element.name, property.name()));
    }
    element.properties.push(property);
    Ok(())
}

/// Checks every declared count against the `available` body bytes before anything is
/// allocated for them: an element with instances but no properties is refused (its count bounds
/// nothing), and the fewest bytes all elements take together must fit
/// ([`GeomError::ImplausibleCount`] names the first that does not).
pub(super) fn check_counts(path: &Path, elements: &[Element], encoding: Encoding, available: usize) -> Result<()> {
    // ASCII: the last token of the file needs no separator after it.
    let slack = usize::from(encoding == Encoding::Ascii);
    let mut needed = 0usize;
    for el in elements {
        if el.properties.is_empty() && el.count > 0 {
            return Err(GeomError::BadHeader {
                path: path.to_path_buf(),
                message: format!("element `{}` declares {} instances but no properties", el.name, el.count),
            });
        }
        let implausible = GeomError::ImplausibleCount {
            path: path.to_path_buf(),
            element: el.label(),
            declared: el.count,
            available: available.saturating_sub(needed),
        };
        needed = el
            .count
            .checked_mul(el.min_row_bytes(encoding))
            .and_then(|bytes| bytes.checked_add(needed))
            .filter(|&total| total <= available + slack)
            .ok_or(implausible)?;
    }
    Ok(())
}
