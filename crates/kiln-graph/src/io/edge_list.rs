//! Edge lists: one `source target [weight]` per line (tabs, commas or spaces); every row has as
//! many fields as the first.
//!
//! **Node ids.** By default ([`NodeIds::Renumber`]) an id is any integer from 0 to `u64::MAX`
//! (18446744073709551615; a larger or negative one is [`GraphError::NotNumeric`](crate::GraphError::NotNumeric)), and the
//! distinct ids of the file, in increasing order, become nodes `0..n`, so memory follows the
//! number of edges, never the size of an id: a file naming node `99999999999` makes a graph of
//! as many nodes as it names. [`EdgeList::ids`] keeps each node's id, as the LINQS reader keeps
//! paper ids; a file whose ids are exactly `0..n` keeps its numbering. With
//! [`NodeIds::Dense`] ids are node numbers below a given count, and nodes no edge names are
//! isolated nodes.
//!
//! **Repeated edges** (the same pair twice, either direction when undirected) merge into one;
//! how their weights combine is [`EdgeListOptions::duplicates`] (by default differing weights
//! are [`GraphError::ConflictingDuplicate`](crate::GraphError::ConflictingDuplicate)), and [`EdgeList::repeats`] counts the merged
//! lines.

use std::path::Path;

use super::coalesce::{Duplicates, EdgeRow, coalesce};
use super::text::{TextFile, fields};
use crate::error::Result;
use crate::graph::Graph;

/// How the ids of an edge list become node numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeIds {
    /// Any integers from 0 to `u64::MAX`; the distinct ids in increasing order are nodes `0..n`.
    #[default]
    Renumber,
    /// Ids are node numbers: `0..num_nodes`, or `1..=num_nodes` when `one_based`; any other id
    /// is [`GraphError::IdOutOfRange`](crate::GraphError::IdOutOfRange).
    Dense {
        /// Number of nodes (the caller's, so what it allocates is the caller's choice).
        num_nodes: usize,
        /// Ids start at 1.
        one_based: bool,
    },
}

/// How to read an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdgeListOptions {
    /// Keep edges directed (default: add both directions).
    pub directed: bool,
    /// How ids become node numbers.
    pub ids: NodeIds,
    /// How the weights of a repeated edge combine.
    pub duplicates: Duplicates,
}

/// An edge list read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeList {
    /// The graph (both directions of every edge unless read as directed).
    pub graph: Graph,
    /// The file's id of each node: node `v` is `ids[v]`, increasing.
    pub ids: Vec<u64>,
    /// Lines that repeated an edge of an earlier line and were merged into it.
    pub repeats: usize,
}

impl EdgeList {
    /// `true` when some node's number is not its id in the file (ids with gaps, not starting
    /// at 0, or one-based).
    pub fn renumbered(&self) -> bool {
        self.ids.iter().enumerate().any(|(v, &id)| id != v as u64)
    }
}

/// Reads an edge list; a third column, when the first row has one, is the edge weight. A file
/// without a data line is [`GraphError::Empty`](crate::GraphError::Empty).
pub fn read_edge_list(path: impl AsRef<Path>, options: EdgeListOptions) -> Result<EdgeList> {
    let file = TextFile::read(path.as_ref())?;
    let (first_line, first) = file.first_row("edges")?;
    let width = fields(first).len();
    if !(2..=3).contains(&width) {
        return Err(file.ragged(first_line, "2 or 3", width));
    }
    let mut rows = Vec::new();
    for (line, text) in file.rows() {
        let f = fields(text);
        if f.len() != width {
            return Err(file.ragged(line, width.to_string(), f.len()));
        }
        let ends = [file.id(line, 0, f[0])?, file.id(line, 1, f[1])?];
        if let NodeIds::Dense { num_nodes, one_based } = options.ids {
            for (k, &id) in ends.iter().enumerate() {
                if one_based && id == 0 {
                    return Err(file.out_of_range(line, f[k], "ids are 1-based"));
                }
                if id - u64::from(one_based) >= num_nodes as u64 {
                    return Err(file.out_of_range(line, f[k], format!("the graph has {num_nodes} nodes")));
                }
            }
        }
        let weight = if width == 3 { file.float(line, 2, f[2])? } else { 1.0 };
        rows.push(EdgeRow { ends, weight, line });
    }
    let merged = coalesce(file.path(), &rows, !options.directed, options.duplicates)?;
    drop(rows);
    let ids: Vec<u64> = match options.ids {
        NodeIds::Renumber => {
            let mut ids: Vec<u64> = merged.edges.iter().flat_map(|r| r.ends).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        NodeIds::Dense { num_nodes, one_based } => (0..num_nodes as u64).map(|v| v + u64::from(one_based)).collect(),
    };
    // Every id of an edge is in `ids` (sorted), so its position is its node number.
    let node = |id: u64| ids.partition_point(|&x| x < id);
    let edges: Vec<(usize, usize)> = merged.edges.iter().map(|r| (node(r.ends[0]), node(r.ends[1]))).collect();
    let mut graph = Graph::new(ids.len(), &edges)?;
    if width == 3 {
        graph = graph.with_edge_weight(merged.edges.iter().map(|r| r.weight).collect())?;
    }
    if !options.directed {
        graph = graph.to_undirected();
    }
    Ok(EdgeList { graph, ids, repeats: merged.repeats })
}
