//! The PLY body, read into compact columns: per scalar property one `Vec<f64>` (exact for every
//! PLY type), per list property the items of all instances back to back and where each
//! instance's items end. Counts are bounded by the body's size (and, in ASCII, its lines) before
//! anything is reserved for them; list lengths are checked against what is left before items
//! are read.

use std::path::Path;

use super::Encoding;
use super::header::{Element, Header, Property, Scalar, check_counts};
use crate::error::{GeomError, Result};

/// The values of one property across an element's instances.
#[derive(Debug)]
pub(super) enum Column {
    /// One value of type `ty` per instance.
    Scalar { ty: Scalar, values: Vec<f64> },
    /// Instance `i`'s items are `items[ends[i - 1]..ends[i]]` (from 0 for the first); each
    /// list's length is of type `count`, its items of type `item`.
    List { count: Scalar, item: Scalar, ends: Vec<usize>, items: Vec<f64> },
}

impl Column {
    /// An empty column with room for `count` instances.
    fn with_capacity(property: &Property, instances: usize) -> Self {
        match *property {
            Property::Scalar { ty, .. } => Self::Scalar { ty, values: Vec::with_capacity(instances) },
            Property::List { count, item, .. } => {
                Self::List { count, item, ends: Vec::with_capacity(instances), items: Vec::new() }
            }
        }
    }

    /// The items of every instance, in order; nothing for a scalar column.
    pub(super) fn lists(&self) -> impl Iterator<Item = &[f64]> {
        let (ends, items): (&[usize], &[f64]) = match self {
            Self::List { ends, items, .. } => (ends, items),
            Self::Scalar { .. } => (&[], &[]),
        };
        ends.iter().scan(0, move |start, &end| {
            let list = items.get(*start..end).unwrap_or_default();
            *start = end;
            Some(list)
        })
    }
}

/// One element and its columns (in the order of its properties).
#[derive(Debug)]
pub(super) struct ElementData {
    /// The header's declaration.
    pub element: Element,
    /// One column per property.
    pub columns: Vec<Column>,
}

impl ElementData {
    /// An element with empty columns sized for its count.
    fn new(element: Element) -> Self {
        let columns = element.properties.iter().map(|p| Column::with_capacity(p, element.count)).collect();
        Self { element, columns }
    }

    /// The column of the property named `name`.
    pub(super) fn column(&self, name: &str) -> Option<&Column> {
        let k = self.element.properties.iter().position(|p| p.name() == name)?;
        self.columns.get(k)
    }
}

/// Reads the body of `bytes` as `header` declares it.
pub(super) fn read_body(path: &Path, bytes: &[u8], header: Header) -> Result<Vec<ElementData>> {
    let body = bytes.get(header.body_start..).unwrap_or_default();
    match header.encoding {
        Encoding::Ascii => read_ascii(path, body, header.elements),
        Encoding::BinaryLittleEndian => read_binary(path, body, header.elements),
    }
}

/// `value` as a list length: a non-negative integer that the count type holds.
fn list_len(path: &Path, el: &Element, index: usize, ty: Scalar, value: f64, written: &str) -> Result<usize> {
    if value >= 0.0 && ty.holds(value) {
        Ok(value as usize)
    } else {
        Err(GeomError::BadListLength {
            path: path.to_path_buf(),
            element: el.label(),
            index,
            value: written.to_string(),
        })
    }
}

/// The tokens of one ASCII line, element instance `index`.
struct Row<'a, 'p> {
    path: &'p Path,
    element: &'p Element,
    index: usize,
    line: &'a str,
    tokens: std::str::SplitWhitespace<'a>,
}

impl<'a> Row<'a, '_> {
    fn error(&self, message: String) -> GeomError {
        GeomError::Parse { path: self.path.to_path_buf(), element: self.element.label(), index: self.index, message }
    }

    /// The next token (`what` names it in the error when the line has no more).
    fn token(&mut self, what: &str) -> Result<&'a str> {
        self.tokens.next().ok_or_else(|| self.error(format!("missing {what} in `{}`", self.line)))
    }

    /// `token` as a number of type `ty`.
    fn value(&self, ty: Scalar, token: &str) -> Result<f64> {
        let value: f64 = token.parse().map_err(|_| self.error(format!("`{token}` is not a number")))?;
        if ty.holds(value) { Ok(value) } else { Err(self.error(format!("`{token}` is not a valid {ty:?} value"))) }
    }
}

/// ASCII: one instance per non-empty line; every value must fit its declared type, and a line
/// with values left over, or lines after the last element, are errors.
fn read_ascii(path: &Path, body: &[u8], elements: Vec<Element>) -> Result<Vec<ElementData>> {
    let text = String::from_utf8_lossy(body);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    // One line per instance: the lines bound the counts (the clearer error for a short file),
    // then the bytes bound the values the properties need.
    let mut left = lines.clone().count();
    for el in &elements {
        if el.count > left && !el.properties.is_empty() {
            return Err(GeomError::CountMismatch {
                path: path.to_path_buf(),
                element: el.label(),
                declared: el.count,
                found: left,
            });
        }
        left = left.saturating_sub(el.count);
    }
    check_counts(path, &elements, Encoding::Ascii, body.len())?;
    let mut out = Vec::with_capacity(elements.len());
    for element in elements {
        let mut data = ElementData::new(element);
        let el = &data.element;
        for index in 0..el.count {
            let line = lines.next().ok_or_else(|| GeomError::CountMismatch {
                path: path.to_path_buf(),
                element: el.label(),
                declared: el.count,
                found: index,
            })?;
            let mut row = Row { path, element: el, index, line, tokens: line.split_whitespace() };
            for column in &mut data.columns {
                match column {
                    Column::Scalar { ty, values } => {
                        let token = row.token("a value")?;
                        values.push(row.value(*ty, token)?);
                    }
                    Column::List { count, item, ends, items } => {
                        let token = row.token("a list length")?;
                        let n = list_len(path, el, index, *count, token.parse().unwrap_or(f64::NAN), token)?;
                        for found in 0..n {
                            let Some(token) = row.tokens.next() else {
                                return Err(row.error(format!("list declares {n} values, has {found}")));
                            };
                            items.push(row.value(*item, token)?);
                        }
                        ends.push(items.len());
                    }
                }
            }
            if let Some(extra) = row.tokens.next() {
                return Err(row.error(format!("value `{extra}` after the last property in `{line}`")));
            }
        }
        out.push(data);
    }
    let extra = lines.count();
    if extra > 0
        && let Some(last) = out.last()
    {
        let el = &last.element;
        return Err(GeomError::CountMismatch {
            path: path.to_path_buf(),
            element: el.label(),
            declared: el.count,
            found: el.count + extra,
        });
    }
    Ok(out)
}

/// A read position in a binary body.
struct Cursor<'a> {
    body: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// The next value of type `ty` (`None` past the end).
    fn take(&mut self, ty: Scalar) -> Option<f64> {
        let value = ty.read_le(self.body.get(self.pos..)?)?;
        self.pos += ty.size();
        Some(value)
    }

    /// Bytes not yet read.
    fn remaining(&self) -> usize {
        self.body.len().saturating_sub(self.pos)
    }
}

/// Binary little-endian: packed values; a list's items must fit in what is left, and bytes
/// after the last element are an error.
fn read_binary(path: &Path, body: &[u8], elements: Vec<Element>) -> Result<Vec<ElementData>> {
    check_counts(path, &elements, Encoding::BinaryLittleEndian, body.len())?;
    let mut cursor = Cursor { body, pos: 0 };
    let mut out = Vec::with_capacity(elements.len());
    for element in elements {
        let mut data = ElementData::new(element);
        let el = &data.element;
        for index in 0..el.count {
            let truncated = || GeomError::Truncated { path: path.to_path_buf(), element: el.label(), index };
            for column in &mut data.columns {
                match column {
                    Column::Scalar { ty, values } => values.push(cursor.take(*ty).ok_or_else(truncated)?),
                    Column::List { count, item, ends, items } => {
                        let value = cursor.take(*count).ok_or_else(truncated)?;
                        let n = list_len(path, el, index, *count, value, &value.to_string())?;
                        if n.checked_mul(item.size()).is_none_or(|bytes| bytes > cursor.remaining()) {
                            return Err(truncated());
                        }
                        for _ in 0..n {
                            items.push(cursor.take(*item).ok_or_else(truncated)?);
                        }
                        ends.push(items.len());
                    }
                }
            }
        }
        out.push(data);
    }
    if cursor.remaining() > 0 {
        return Err(GeomError::TrailingBytes { path: path.to_path_buf(), count: cursor.remaining() });
    }
    Ok(out)
}
