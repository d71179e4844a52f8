//! Repeated edges: one edge per node pair, the weights of the repetitions combined by a rule
//! the caller chooses (an error by default, never "the first one wins").

use std::path::Path;

use crate::error::{GraphError, Result};

/// How the weights of an edge a file lists more than once combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Repetitions with the first one's weight merge into it; a different weight is
    /// [`GraphError::ConflictingDuplicate`] naming both lines.
    #[default]
    Reject,
    /// The weights add up (PyG's `coalesce`, SciPy's COO to CSR).
    Sum,
    /// The mean of the weights.
    Mean,
    /// The largest weight.
    Max,
}

/// An edge as read: its two node ids as written, its weight (1 without a weight column) and
/// its 1-based line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EdgeRow {
    pub ends: [u64; 2],
    pub weight: f32,
    pub line: usize,
}

/// Edges with repetitions merged, in file order.
pub(crate) struct Coalesced {
    /// One row per node pair: the first of its lines, with the combined weight.
    pub edges: Vec<EdgeRow>,
    /// Rows merged into an earlier one.
    pub repeats: usize,
}

/// Merges the rows of `path` that name the same pair (`(a, b)` and `(b, a)` alike when
/// `symmetric`) into the first of them, combining the weights by `rule`.
pub(crate) fn coalesce(path: &Path, rows: &[EdgeRow], symmetric: bool, rule: Duplicates) -> Result<Coalesced> {
    let key = |r: &EdgeRow| {
        let [a, b] = r.ends;
        if symmetric { [a.min(b), a.max(b)] } else { r.ends }
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // Stable: the rows of one pair stay in file order, so `group[0]` is the first line.
    order.sort_by_key(|&i| key(&rows[i]));
    let mut edges = Vec::with_capacity(rows.len());
    let mut conflict: Option<(EdgeRow, EdgeRow)> = None;
    for group in order.chunk_by(|&a, &b| key(&rows[a]) == key(&rows[b])) {
        let first = rows[group[0]];
        let weights = group.iter().map(|&i| rows[i].weight);
        let weight = match rule {
            Duplicates::Reject => {
                let clash = group.iter().map(|&i| rows[i]).find(|r| r.weight != first.weight);
                if let Some(r) = clash
                    && conflict.is_none_or(|(_, c)| r.line < c.line)
                {
                    conflict = Some((first, r));
                }
                first.weight
            }
            Duplicates::Sum => weights.sum(),
            Duplicates::Mean => weights.map(|w| w / group.len() as f32).sum(),
            Duplicates::Max => weights.fold(f32::NEG_INFINITY, f32::max),
        };
        if !weight.is_finite() {
            return Err(GraphError::TooLarge {
                path: path.into(),
                message: format!(
                    "the weights of edge {} {} (line {} and others) add up beyond f32",
                    first.ends[0], first.ends[1], first.line
                ),
            });
        }
        edges.push(EdgeRow { weight, ..first });
    }
    if let Some((first, r)) = conflict {
        return Err(GraphError::ConflictingDuplicate {
            path: path.into(),
            line: r.line,
            first_line: first.line,
            from: r.ends[0],
            to: r.ends[1],
            weight: r.weight,
            first_weight: first.weight,
        });
    }
    edges.sort_by_key(|r| r.line);
    let repeats = rows.len() - edges.len();
    Ok(Coalesced { edges, repeats })
}
