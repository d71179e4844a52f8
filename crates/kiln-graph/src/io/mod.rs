//! Loaders for common graph file formats. Malformed input gives a [`GraphError`] naming the
//! file and the 1-based line: non-numeric fields ([`GraphError::NotNumeric`]), ragged rows
//! ([`GraphError::Ragged`]), ids out of range ([`GraphError::IdOutOfRange`]) and missing
//! companion files ([`GraphError::MissingFile`]).
//!
//! - [`edge_list`]: `source target [weight]` per line, comma, tab or space separated.
//! - [`linqs`]: the LINQS citation format (`*.content`: id, features, label; `*.cites`).
//! - [`tu`]: the TU graph-classification format (`DS_A.txt`, `DS_graph_indicator.txt`,
//!   `DS_graph_labels.txt`, optional `DS_node_labels.txt` / `DS_node_attributes.txt`).
//! - [`triples`]: knowledge-graph triples `head<TAB>relation<TAB>tail`.

pub mod edge_list;
pub mod linqs;
pub mod triples;
pub mod tu;

use std::path::Path;

use crate::error::{GraphError, Result};

/// The non-empty, non-comment (`#`, `%`) lines of a file with their 1-based numbers.
pub(crate) fn read_lines(path: &Path) -> Result<Vec<(usize, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| GraphError::io(path, e))?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%'))
        .collect())
}

/// Fields split on tabs, commas or runs of spaces.
pub(crate) fn fields(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        line.split('\t').map(str::trim).collect()
    } else if line.contains(',') {
        line.split(',').map(str::trim).collect()
    } else {
        line.split_whitespace().collect()
    }
}

/// Parses field `field` (0-based) of `line` as an integer.
pub(crate) fn parse_int(path: &Path, line: usize, field: usize, value: &str) -> Result<usize> {
    value.parse::<usize>().map_err(|_| GraphError::NotNumeric {
        path: path.to_path_buf(),
        line,
        field: field + 1,
        value: value.to_string(),
        expected: "non-negative integer",
    })
}

/// Parses field `field` (0-based) of `line` as a float.
pub(crate) fn parse_float(path: &Path, line: usize, field: usize, value: &str) -> Result<f32> {
    value.parse::<f32>().ok().filter(|v| v.is_finite()).ok_or_else(|| GraphError::NotNumeric {
        path: path.to_path_buf(),
        line,
        field: field + 1,
        value: value.to_string(),
        expected: "number",
    })
}
