//! The TU graph-classification format (Morris et al., "TUDataset", 2020): in a folder, for a
//! data set `DS`, `DS_A.txt` (one `row, col` per edge, 1-based node ids over all graphs),
//! `DS_graph_indicator.txt` (the 1-based graph of each node), `DS_graph_labels.txt` (one label
//! per graph), and optionally `DS_node_labels.txt` (one integer per node, one-hot encoded) and
//! `DS_node_attributes.txt` (comma-separated floats per node).
//!
//! As PyG's `read_tu_data`: self-loops are removed and repeated edges merged (both counted in
//! [`TuDataset`]), the edges of each graph sorted by `(source, target)`; node features are the
//! one-hot node labels by default, the attributes on request ([`TuFeatures`]). The one-hot
//! encoding has a column per label value that occurs (PyG's columns whenever no value between
//! the smallest and the largest is missing) and at most [`ONE_HOT_PER_BYTE`] values per byte of
//! the label file (at least [`ONE_HOT_FLOOR`]): labels that are really ids are
//! [`GraphError::TooLarge`]. A required file without a data line is [`GraphError::Empty`], a
//! labelled graph without nodes [`GraphError::NoNodes`].

mod features;

pub use features::{ONE_HOT_FLOOR, ONE_HOT_PER_BYTE};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::coalesce::{Duplicates, EdgeRow, coalesce};
use super::text::{TextFile, fields};
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// Which node features a TU data set gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TuFeatures {
    /// The one-hot node labels (PyG's default, `use_node_attr=False`, and GIN's setting); the
    /// node attributes only when there are no node labels (where PyG gives no features);
    /// none when there is neither file.
    #[default]
    PreferLabels,
    /// The node attributes (the file is required), followed by the one-hot node labels when
    /// there are some (PyG's `use_node_attr=True`).
    Attributes,
}

/// Where the node features of a TU data set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TuFeatureSource {
    /// No node features (neither file exists).
    None,
    /// One-hot node labels.
    NodeLabels,
    /// Node attributes.
    NodeAttributes,
    /// Node attributes followed by the one-hot node labels.
    AttributesAndLabels,
}

/// A TU data set: one graph per entry, with its class (numbered in sorted label order).
#[derive(Debug, Clone, PartialEq)]
pub struct TuDataset {
    /// The graphs (edges as in the file, both directions for the usual undirected sets).
    pub graphs: Vec<Graph>,
    /// Class of each graph.
    pub labels: Vec<usize>,
    /// The label values of the file, by class.
    pub classes: Vec<i64>,
    /// Where the node features came from.
    pub features: TuFeatureSource,
    /// Self-loops of `DS_A.txt`, removed.
    pub self_loops: usize,
    /// Lines of `DS_A.txt` that repeated an earlier edge, merged into it.
    pub repeats: usize,
}

fn file(dir: &Path, name: &str, suffix: &str) -> PathBuf {
    dir.join(format!("{name}_{suffix}.txt"))
}

fn required(path: PathBuf, what: &'static str) -> Result<TextFile> {
    if path.exists() { TextFile::read(&path) } else { Err(GraphError::MissingFile { path, what }) }
}

/// The one integer of each data line of `file` (`what`: what the file holds), with its line.
fn single_ints(file: &TextFile, what: &'static str) -> Result<Vec<(usize, i64)>> {
    file.first_row(what)?;
    file.rows()
        .map(|(line, text)| {
            let f = fields(text);
            if f.len() != 1 {
                return Err(file.ragged(line, "1", f.len()));
            }
            Ok((line, file.int(line, 0, f[0])?))
        })
        .collect()
}

/// Reads data set `name` from `dir` with the node features `features` chooses.
pub fn read_tu(dir: impl AsRef<Path>, name: &str, features: TuFeatures) -> Result<TuDataset> {
    let dir = dir.as_ref();
    let a = required(file(dir, name, "A"), "edges (DS_A.txt)")?;
    let ind = required(file(dir, name, "graph_indicator"), "graph of each node")?;
    let gl = required(file(dir, name, "graph_labels"), "graph labels")?;
    let graph_labels = single_ints(&gl, "graph labels")?;
    let num_graphs = graph_labels.len();
    let mut graph_of = Vec::new();
    for (line, g) in single_ints(&ind, "nodes")? {
        match usize::try_from(g) {
            Ok(g) if (1..=num_graphs).contains(&g) => graph_of.push(g - 1),
            _ => return Err(ind.out_of_range(line, g.to_string(), format!("{num_graphs} graphs are labelled"))),
        }
    }
    let n = graph_of.len();
    // Nodes of each graph, in order; position of each node within its graph.
    let mut members = vec![Vec::new(); num_graphs];
    let mut local = vec![0; n];
    for (v, &g) in graph_of.iter().enumerate() {
        local[v] = members[g].len();
        members[g].push(v);
    }
    if let Some(g) = members.iter().position(Vec::is_empty) {
        let (line, graph, indicator) = (graph_labels[g].0, g + 1, ind.path().into());
        return Err(GraphError::NoNodes { path: gl.path().into(), line, graph, indicator });
    }
    let (edges, self_loops, repeats) = read_edges(&a, &graph_of)?;
    let mut per_graph = vec![Vec::new(); num_graphs];
    for [s, t] in edges {
        per_graph[graph_of[s]].push((local[s], local[t]));
    }
    let (x, source) = features::node_features(dir, name, n, features)?;
    let classes: Vec<i64> = graph_labels.iter().map(|l| l.1).collect::<BTreeSet<_>>().into_iter().collect();
    // Every label is in the sorted `classes`, so its position is its class.
    let labels = graph_labels.iter().map(|l| classes.partition_point(|&c| c < l.1)).collect();
    let mut graphs = Vec::with_capacity(num_graphs);
    for (nodes, edges) in members.iter().zip(&per_graph) {
        let mut graph = Graph::new(nodes.len(), edges)?;
        if let Some(x) = &x {
            graph = graph.with_features(x.select(nodes))?;
        }
        graphs.push(graph);
    }
    Ok(TuDataset { graphs, labels, classes, features: source, self_loops, repeats })
}

/// The edges of `DS_A.txt` as 0-based node pairs sorted by `(source, target)`, without
/// self-loops or repetitions, and how many of each there were. `graph_of` is the graph of each
/// node: an edge between two graphs is an error.
fn read_edges(a: &TextFile, graph_of: &[usize]) -> Result<(Vec<[usize; 2]>, usize, usize)> {
    a.first_row("edges")?;
    let n = graph_of.len();
    let mut rows = Vec::new();
    let mut self_loops = 0;
    for (line, text) in a.rows() {
        let f = fields(text);
        if f.len() != 2 {
            return Err(a.ragged(line, "2", f.len()));
        }
        let mut ends = [0; 2];
        for k in 0..2 {
            let id = a.id(line, k, f[k])?;
            if id < 1 || id > n as u64 {
                return Err(a.out_of_range(line, f[k], format!("{n} nodes")));
            }
            ends[k] = id - 1;
        }
        let [s, t] = ends.map(|v| v as usize);
        if graph_of[s] != graph_of[t] {
            return Err(a.out_of_range(line, f[1], "the edge joins two different graphs"));
        }
        if s == t {
            self_loops += 1;
        } else {
            rows.push(EdgeRow { ends, weight: 1.0, line });
        }
    }
    let merged = coalesce(a.path(), &rows, false, Duplicates::Reject)?;
    let mut edges: Vec<[usize; 2]> = merged.edges.iter().map(|r| r.ends.map(|v| v as usize)).collect();
    edges.sort_unstable();
    Ok((edges, self_loops, merged.repeats))
}
