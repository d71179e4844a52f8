//! The TU graph-classification format (Morris et al., "TUDataset", 2020): in a folder, for a
//! data set `DS`, `DS_A.txt` (one `row, col` per edge, 1-based node ids over all graphs),
//! `DS_graph_indicator.txt` (the 1-based graph of each node), `DS_graph_labels.txt` (one label
//! per graph), and optionally `DS_node_labels.txt` (one integer per node, one-hot encoded as
//! features) and `DS_node_attributes.txt` (comma-separated floats per node; preferred).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{fields, parse_float, parse_int, read_lines};
use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};

/// A TU data set: one graph per entry, with its class (numbered in sorted label order).
#[derive(Debug, Clone, PartialEq)]
pub struct TuDataset {
    /// The graphs (edges as in the file, both directions for the usual undirected sets).
    pub graphs: Vec<Graph>,
    /// Class of each graph.
    pub labels: Vec<usize>,
    /// The label values of the file, by class.
    pub classes: Vec<i64>,
}

fn file(dir: &Path, name: &str, suffix: &str) -> PathBuf {
    dir.join(format!("{name}_{suffix}.txt"))
}

fn required(path: PathBuf, what: &'static str) -> Result<PathBuf> {
    if path.exists() { Ok(path) } else { Err(GraphError::MissingFile { path, what }) }
}

fn single_ints(path: &Path) -> Result<Vec<(usize, i64)>> {
    read_lines(path)?
        .into_iter()
        .map(|(line, text)| {
            let f = fields(&text);
            if f.len() != 1 {
                return Err(GraphError::Ragged { path: path.into(), line, expected: "1".into(), found: f.len() });
            }
            let v = f[0].parse::<i64>().map_err(|_| GraphError::NotNumeric {
                path: path.into(),
                line,
                field: 1,
                value: f[0].into(),
                expected: "integer",
            })?;
            Ok((line, v))
        })
        .collect()
}

/// Reads data set `name` from `dir`.
pub fn read_tu(dir: impl AsRef<Path>, name: &str) -> Result<TuDataset> {
    let dir = dir.as_ref();
    let a = required(file(dir, name, "A"), "edges (DS_A.txt)")?;
    let ind = required(file(dir, name, "graph_indicator"), "graph of each node")?;
    let gl = required(file(dir, name, "graph_labels"), "graph labels")?;
    let indicator = single_ints(&ind)?;
    let graph_labels = single_ints(&gl)?;
    let num_graphs = graph_labels.len();
    let mut graph_of = Vec::with_capacity(indicator.len());
    for &(line, g) in &indicator {
        if g < 1 || g as usize > num_graphs {
            return Err(GraphError::IdOutOfRange {
                path: ind.clone(),
                line,
                id: g.to_string(),
                message: format!("{num_graphs} graphs are labelled"),
            });
        }
        graph_of.push(g as usize - 1);
    }
    let n = graph_of.len();
    // Nodes of each graph, in order; position of each node within its graph.
    let mut members = vec![Vec::new(); num_graphs];
    let mut local = vec![0; n];
    for (v, &g) in graph_of.iter().enumerate() {
        local[v] = members[g].len();
        members[g].push(v);
    }
    let mut edges = vec![Vec::new(); num_graphs];
    for (line, text) in read_lines(&a)? {
        let f = fields(&text);
        if f.len() != 2 {
            return Err(GraphError::Ragged { path: a.clone(), line, expected: "2".into(), found: f.len() });
        }
        let mut ends = [0; 2];
        for k in 0..2 {
            let id = parse_int(&a, line, k, f[k])?;
            if id < 1 || id > n {
                return Err(GraphError::IdOutOfRange {
                    path: a.clone(),
                    line,
                    id: f[k].into(),
                    message: format!("{n} nodes"),
                });
            }
            ends[k] = id - 1;
        }
        let g = graph_of[ends[0]];
        if graph_of[ends[1]] != g {
            return Err(GraphError::IdOutOfRange {
                path: a.clone(),
                line,
                id: f[1].into(),
                message: "the edge joins two different graphs".into(),
            });
        }
        edges[g].push((local[ends[0]], local[ends[1]]));
    }
    let features = node_features(dir, name, n)?;
    let classes: Vec<i64> = graph_labels.iter().map(|l| l.1).collect::<BTreeSet<_>>().into_iter().collect();
    let labels = graph_labels.iter().map(|l| classes.binary_search(&l.1).unwrap_or(0)).collect();
    let mut graphs = Vec::with_capacity(num_graphs);
    for (g, nodes) in members.iter().enumerate() {
        let mut graph = Graph::new(nodes.len(), &edges[g])?;
        if let Some(x) = &features {
            graph = graph.with_features(x.select(nodes))?;
        }
        graphs.push(graph);
    }
    Ok(TuDataset { graphs, labels, classes })
}

fn node_features(dir: &Path, name: &str, n: usize) -> Result<Option<Features>> {
    let attrs = file(dir, name, "node_attributes");
    let labels = file(dir, name, "node_labels");
    let check_rows = |path: &Path, rows: usize| {
        if rows == n {
            Ok(())
        } else {
            Err(GraphError::Ragged {
                path: path.into(),
                line: rows + 1,
                expected: format!("{n} rows (one per node)"),
                found: rows,
            })
        }
    };
    if attrs.exists() {
        let rows = read_lines(&attrs)?;
        check_rows(&attrs, rows.len())?;
        let dim = rows.first().map_or(1, |r| fields(&r.1).len());
        let mut values = Vec::with_capacity(n * dim);
        for (line, text) in &rows {
            let f = fields(text);
            if f.len() != dim {
                return Err(GraphError::Ragged {
                    path: attrs.clone(),
                    line: *line,
                    expected: dim.to_string(),
                    found: f.len(),
                });
            }
            for (k, v) in f.iter().enumerate() {
                values.push(parse_float(&attrs, *line, k, v)?);
            }
        }
        return Ok(Some(Features::new(dim, values)?));
    }
    if labels.exists() {
        let rows = single_ints(&labels)?;
        check_rows(&labels, rows.len())?;
        let values: Vec<i64> = rows.iter().map(|r| r.1).collect::<BTreeSet<_>>().into_iter().collect();
        let dim = values.len().max(1);
        let mut onehot = vec![0.0; n * dim];
        for (v, r) in rows.iter().enumerate() {
            onehot[v * dim + values.binary_search(&r.1).unwrap_or(0)] = 1.0;
        }
        return Ok(Some(Features::new(dim, onehot)?));
    }
    Ok(None)
}
