//! What the text readers (OFF, OBJ, ASCII PLY) share: the byte-order mark, decoding, and
//! numbers that must be finite `f32` coordinates.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{GeomError, Result};

/// The UTF-8 byte-order mark some editors put at the start of a text file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The text of a file without its byte-order mark. Bytes that are not UTF-8 become U+FFFD
/// (so they fail to parse wherever a number is expected); valid text is borrowed, not copied.
/// `str::lines` then splits at `\n` and `\r\n` alike.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(strip_bom(bytes))
}

/// `value` as a finite `f32`, or [`GeomError::NonFinite`] naming `element` `index` of `path`
/// (NaN, infinities and magnitudes beyond `f32::MAX` are refused).
pub(crate) fn finite_f32(path: &Path, element: &'static str, index: usize, value: f64) -> Result<f32> {
    let narrow = value as f32;
    if narrow.is_finite() {
        Ok(narrow)
    } else {
        Err(GeomError::NonFinite { path: path.to_path_buf(), element, index, value: value.to_string() })
    }
}

/// Parses token `token` as a coordinate of `element` `index`: a number ([`GeomError::Parse`]
/// otherwise) that is a finite `f32` ([`GeomError::NonFinite`] otherwise, naming the token).
pub(crate) fn coordinate(path: &Path, element: &'static str, index: usize, token: &str) -> Result<f32> {
    let value: f64 = token.parse().map_err(|_| GeomError::Parse {
        path: path.to_path_buf(),
        element,
        index,
        message: format!("`{token}` is not a number"),
    })?;
    finite_f32(path, element, index, value).map_err(|_| GeomError::NonFinite {
        path: path.to_path_buf(),
        element,
        index,
        value: token.to_string(),
    })
}

/// The next three tokens of `tokens` as the coordinates of vertex `index` (anything after them
/// is left to the caller).
pub(crate) fn point<'a>(
    path: &Path,
    index: usize,
    line: &str,
    tokens: &mut impl Iterator<Item = &'a str>,
) -> Result<nalgebra::Point3<f32>> {
    let mut c = [0.0f32; 3];
    for slot in &mut c {
        let token = tokens.next().ok_or_else(|| GeomError::Parse {
            path: path.to_path_buf(),
            element: "vertex",
            index,
            message: format!("expected 3 coordinates in `{}`", line.trim()),
        })?;
        *slot = coordinate(path, "vertex", index, token)?;
    }
    Ok(nalgebra::Point3::new(c[0], c[1], c[2]))
}

/// Parses a face corner token as an integer vertex index ([`GeomError::BadIndex`] for `2.7`,
/// `nan` or anything else that is not an integer).
pub(crate) fn index(path: &Path, face: usize, token: &str) -> Result<i64> {
    token.parse().map_err(|_| GeomError::BadIndex { path: path.to_path_buf(), face, value: token.to_string() })
}
