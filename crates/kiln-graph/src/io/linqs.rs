//! The LINQS citation format (Cora, CiteSeer, PubMed-Diabetes as distributed by LINQS):
//! `NAME.content` holds `paper_id<TAB>f_1 … f_F<TAB>label` per line, `NAME.cites` holds
//! `cited_id<TAB>citing_id`. Paper ids and labels are strings; labels are numbered in sorted
//! order. The citation graph is returned undirected.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::{parse_float, read_lines};
use crate::error::{GraphError, Result};
use crate::graph::{Features, Graph};

/// A LINQS data set.
#[derive(Debug, Clone, PartialEq)]
pub struct LinqsDataset {
    /// Undirected citation graph with features and labels.
    pub graph: Graph,
    /// Paper id of each node.
    pub ids: Vec<String>,
    /// Label names; `graph.y` indexes them.
    pub labels: Vec<String>,
}

/// Reads `NAME.content` and its companion `NAME.cites`. A citation naming an unknown paper is an
/// error unless `skip_unknown` (CiteSeer cites papers absent from its `.content`).
pub fn read_linqs(content: impl AsRef<Path>, skip_unknown: bool) -> Result<LinqsDataset> {
    let content = content.as_ref();
    let cites = content.with_extension("cites");
    if !cites.exists() {
        return Err(GraphError::MissingFile { path: cites, what: "citations of the .content file" });
    }
    let rows = read_lines(content)?;
    let width = rows.first().map_or(0, |(_, l)| l.split('\t').count());
    if width < 3 {
        let line = rows.first().map_or(1, |r| r.0);
        return Err(GraphError::Ragged { path: content.into(), line, expected: "at least 3".into(), found: width });
    }
    let dim = width - 2;
    let mut ids = Vec::with_capacity(rows.len());
    let mut index = HashMap::new();
    let mut values = Vec::with_capacity(rows.len() * dim);
    let mut label_names = Vec::with_capacity(rows.len());
    for (line, text) in &rows {
        let f: Vec<&str> = text.split('\t').map(str::trim).collect();
        if f.len() != width {
            return Err(GraphError::Ragged {
                path: content.into(),
                line: *line,
                expected: width.to_string(),
                found: f.len(),
            });
        }
        for (k, v) in f[1..width - 1].iter().enumerate() {
            values.push(parse_float(content, *line, k + 1, v)?);
        }
        if index.insert(f[0].to_string(), ids.len()).is_some() {
            return Err(GraphError::IdOutOfRange {
                path: content.into(),
                line: *line,
                id: f[0].into(),
                message: "paper id appears twice".into(),
            });
        }
        ids.push(f[0].to_string());
        label_names.push(f[width - 1].to_string());
    }
    let labels: Vec<String> = label_names.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let y = label_names.iter().map(|l| labels.binary_search(l).unwrap_or(0)).collect();
    let mut edges = Vec::new();
    for (line, text) in read_lines(&cites)? {
        let f = super::fields(&text);
        if f.len() != 2 {
            return Err(GraphError::Ragged { path: cites.clone(), line, expected: "2".into(), found: f.len() });
        }
        let ends: Vec<Option<usize>> = f.iter().map(|id| index.get(*id).copied()).collect();
        match (ends[0], ends[1]) {
            (Some(a), Some(b)) => edges.push((b, a)),
            _ if skip_unknown => {}
            _ => {
                let id = if ends[0].is_none() { f[0] } else { f[1] };
                return Err(GraphError::IdOutOfRange {
                    path: cites.clone(),
                    line,
                    id: id.into(),
                    message: format!("not a paper of {}", content.display()),
                });
            }
        }
    }
    let graph = Graph::undirected(ids.len(), &edges)?.with_features(Features::new(dim, values)?)?.with_labels(y)?;
    Ok(LinqsDataset { graph, ids, labels })
}
