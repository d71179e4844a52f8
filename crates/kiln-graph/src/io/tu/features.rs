//! Node features of a TU data set: one-hot node labels, node attributes, or both.
//!
//! The one-hot encoding has a column per label value that occurs, in sorted order: PyG's
//! (a column per value from the smallest to the largest) whenever no value in between is
//! missing, as in the TU collection, and it cannot be blown up by one stray large label. Its
//! size is bounded by the file's: at most [`ONE_HOT_PER_BYTE`] values per byte of
//! `DS_node_labels.txt` (or [`ONE_HOT_FLOOR`], if larger); labels that are really ids exceed it
//! and are [`GraphError::TooLarge`].

use std::collections::BTreeSet;
use std::path::Path;

use super::{TuFeatureSource, TuFeatures, file, single_ints};
use crate::error::{GraphError, Result};
use crate::graph::Features;
use crate::io::text::{TextFile, fields};

/// One-hot values allowed per byte of the node-label file.
pub const ONE_HOT_PER_BYTE: usize = 64;

/// One-hot values allowed whatever the file's size.
pub const ONE_HOT_FLOOR: usize = 1 << 20;

/// The node features of data set `name` in `dir` (`n` nodes) that `choice` asks for.
pub(super) fn node_features(
    dir: &Path,
    name: &str,
    n: usize,
    choice: TuFeatures,
) -> Result<(Option<Features>, TuFeatureSource)> {
    let attrs = file(dir, name, "node_attributes");
    let labels = file(dir, name, "node_labels");
    let one_hot = if labels.exists() { Some(one_hot_labels(&TextFile::read(&labels)?, n)?) } else { None };
    Ok(match (choice, one_hot) {
        (TuFeatures::PreferLabels, Some(x)) => (Some(x), TuFeatureSource::NodeLabels),
        (TuFeatures::PreferLabels, None) if !attrs.exists() => (None, TuFeatureSource::None),
        (TuFeatures::PreferLabels | TuFeatures::Attributes, None) => {
            (Some(attributes(&required(&attrs)?, n)?), TuFeatureSource::NodeAttributes)
        }
        (TuFeatures::Attributes, Some(x)) => {
            let a = attributes(&required(&attrs)?, n)?;
            (Some(side_by_side(&a, &x)?), TuFeatureSource::AttributesAndLabels)
        }
    })
}

fn required(path: &Path) -> Result<TextFile> {
    if path.exists() {
        TextFile::read(path)
    } else {
        Err(GraphError::MissingFile { path: path.into(), what: "node attributes (asked for)" })
    }
}

/// Errors unless `file` has one data line per node.
fn check_rows(file: &TextFile, rows: usize, n: usize) -> Result<()> {
    if rows == n { Ok(()) } else { Err(file.ragged(rows + 1, format!("{n} rows (one per node)"), rows)) }
}

/// One row of comma-separated finite floats per node.
fn attributes(file: &TextFile, n: usize) -> Result<Features> {
    let (_, first) = file.first_row("node attributes")?;
    let dim = fields(first).len();
    let mut values = Vec::new();
    let mut rows = 0;
    for (line, text) in file.rows() {
        let f = fields(text);
        if f.len() != dim {
            return Err(file.ragged(line, dim.to_string(), f.len()));
        }
        for (k, v) in f.iter().enumerate() {
            values.push(file.float(line, k, v)?);
        }
        rows += 1;
    }
    check_rows(file, rows, n)?;
    Features::new(dim, values)
}

/// One integer label per node, one-hot over the values that occur.
fn one_hot_labels(file: &TextFile, n: usize) -> Result<Features> {
    let rows = single_ints(file, "node labels")?;
    check_rows(file, rows.len(), n)?;
    let values: Vec<i64> = rows.iter().map(|r| r.1).collect::<BTreeSet<_>>().into_iter().collect();
    let dim = values.len();
    let bound = ONE_HOT_FLOOR.max(ONE_HOT_PER_BYTE.saturating_mul(file.len()));
    if n.saturating_mul(dim) > bound {
        return Err(GraphError::TooLarge {
            path: file.path().into(),
            message: format!(
                "{dim} distinct node labels over {n} nodes would make {} one-hot values, more than \
                 {bound} ({ONE_HOT_PER_BYTE} per byte of the file); are they ids rather than labels?",
                n.saturating_mul(dim)
            ),
        });
    }
    let mut one_hot = vec![0.0; n * dim];
    for (v, r) in rows.iter().enumerate() {
        // Every label is in the sorted `values`, so its position is its column.
        one_hot[v * dim + values.partition_point(|&x| x < r.1)] = 1.0;
    }
    Features::new(dim, one_hot)
}

/// The columns of `a` followed by those of `b`, row by row.
fn side_by_side(a: &Features, b: &Features) -> Result<Features> {
    let mut values = Vec::with_capacity(a.values.len() + b.values.len());
    for v in 0..a.rows() {
        values.extend_from_slice(a.row(v));
        values.extend_from_slice(b.row(v));
    }
    Features::new(a.dim + b.dim, values)
}
