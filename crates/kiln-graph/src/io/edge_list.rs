//! Edge lists: one `source target [weight]` per line (CSV, TSV or spaces), integer ids from 0
//! (or from 1 with `one_based`). Every row must have as many fields as the first.

use std::path::Path;

use super::{fields, parse_float, parse_int, read_lines};
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// How to read an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EdgeListOptions {
    /// Keep edges directed (default: add both directions).
    pub directed: bool,
    /// Ids start at 1.
    pub one_based: bool,
    /// Number of nodes; ids must be below it. `None`: one more than the largest id.
    pub num_nodes: Option<usize>,
}

/// Reads an edge list; a third column, when present on the first row, is the edge weight.
pub fn read_edge_list(path: impl AsRef<Path>, options: EdgeListOptions) -> Result<Graph> {
    let path = path.as_ref();
    let lines = read_lines(path)?;
    let width = lines.first().map_or(2, |(_, l)| fields(l).len());
    if !(2..=3).contains(&width) {
        let line = lines.first().map_or(1, |l| l.0);
        return Err(GraphError::Ragged { path: path.into(), line, expected: "2 or 3".into(), found: width });
    }
    let mut edges = Vec::with_capacity(lines.len());
    let mut weights = Vec::new();
    for (line, text) in &lines {
        let f = fields(text);
        if f.len() != width {
            return Err(GraphError::Ragged {
                path: path.into(),
                line: *line,
                expected: width.to_string(),
                found: f.len(),
            });
        }
        let mut ids = [0; 2];
        for k in 0..2 {
            let id = parse_int(path, *line, k, f[k])?;
            ids[k] = if options.one_based {
                id.checked_sub(1).ok_or_else(|| GraphError::IdOutOfRange {
                    path: path.into(),
                    line: *line,
                    id: f[k].into(),
                    message: "ids are 1-based".into(),
                })?
            } else {
                id
            };
            if let Some(n) = options.num_nodes
                && ids[k] >= n
            {
                return Err(GraphError::IdOutOfRange {
                    path: path.into(),
                    line: *line,
                    id: f[k].into(),
                    message: format!("the graph has {n} nodes"),
                });
            }
        }
        edges.push((ids[0], ids[1]));
        if width == 3 {
            weights.push(parse_float(path, *line, 2, f[2])?);
        }
    }
    let n = options.num_nodes.unwrap_or_else(|| edges.iter().map(|&(a, b)| a.max(b) + 1).max().unwrap_or(0));
    let mut g = Graph::new(n, &edges)?;
    if width == 3 {
        g = g.with_edge_weight(weights)?;
    }
    Ok(if options.directed { g } else { g.to_undirected() })
}
