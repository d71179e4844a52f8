//! What every graph reader shares: a text file read once (UTF-8 checked, a byte-order mark
//! stripped, CRLF or LF), its data lines with their 1-based numbers, fields, and numbers that
//! fail with the file, line and field.

use std::path::{Path, PathBuf};

use crate::error::{GraphError, Result};

/// A whole text file in memory.
pub(crate) struct TextFile {
    path: PathBuf,
    text: String,
}

impl TextFile {
    /// Reads `path`; bytes that are not UTF-8 are [`GraphError::NotText`] naming their line, and
    /// a leading UTF-8 byte-order mark is dropped.
    pub(crate) fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| GraphError::io(path, e))?;
        let mut text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            GraphError::NotText { path: path.into(), line }
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Ok(Self { path: path.into(), text })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The data lines, trimmed (so a trailing `\r` goes), with their 1-based numbers: blank
    /// lines and comments (`#`, `%`) are skipped.
    pub(crate) fn rows(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%'))
    }

    /// The first data line; [`GraphError::Empty`] when there is none (`what`: what the file
    /// should hold).
    pub(crate) fn first_row(&self, what: &'static str) -> Result<(usize, &str)> {
        self.rows().next().ok_or_else(|| GraphError::Empty { path: self.path.clone(), what })
    }

    /// The file's size in bytes (after the byte-order mark).
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// A [`GraphError::Ragged`] for `line` of this file.
    pub(crate) fn ragged(&self, line: usize, expected: impl Into<String>, found: usize) -> GraphError {
        GraphError::Ragged { path: self.path.clone(), line, expected: expected.into(), found }
    }

    /// A [`GraphError::IdOutOfRange`] for `id` on `line` of this file.
    pub(crate) fn out_of_range(&self, line: usize, id: impl Into<String>, message: impl Into<String>) -> GraphError {
        GraphError::IdOutOfRange { path: self.path.clone(), line, id: id.into(), message: message.into() }
    }

    /// Field `field` (0-based) of `line` as an id: an integer from 0 to `u64::MAX`.
    pub(crate) fn id(&self, line: usize, field: usize, value: &str) -> Result<u64> {
        value.parse::<u64>().map_err(|_| self.not_numeric(line, field, value, "integer from 0 to 18446744073709551615"))
    }

    /// Field `field` (0-based) of `line` as a signed integer (a label).
    pub(crate) fn int(&self, line: usize, field: usize, value: &str) -> Result<i64> {
        value.parse::<i64>().map_err(|_| self.not_numeric(line, field, value, "integer"))
    }

    /// Field `field` (0-based) of `line` as a finite `f32`: `nan`, `inf` and values beyond `f32`
    /// (`1e40`) are [`GraphError::NonFinite`].
    pub(crate) fn float(&self, line: usize, field: usize, value: &str) -> Result<f32> {
        let v = value.parse::<f32>().map_err(|_| self.not_numeric(line, field, value, "number"))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(GraphError::NonFinite { path: self.path.clone(), line, field: field + 1, value: value.into() })
        }
    }

    fn not_numeric(&self, line: usize, field: usize, value: &str, expected: &'static str) -> GraphError {
        GraphError::NotNumeric { path: self.path.clone(), line, field: field + 1, value: value.into(), expected }
    }
}

/// Fields split on tabs when the line has one, else on commas when it has one, else on runs of
/// spaces; trimmed.
pub(crate) fn fields(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        line.split('\t').map(str::trim).collect()
    } else if line.contains(',') {
        line.split(',').map(str::trim).collect()
    } else {
        line.split_whitespace().collect()
    }
}

/// Fields split on tabs only, trimmed (LINQS and triples: names may hold spaces and commas).
pub(crate) fn tab_fields(line: &str) -> Vec<&str> {
    line.split('\t').map(str::trim).collect()
}
