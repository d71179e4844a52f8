//! The LINQS citation format (Cora, CiteSeer, PubMed-Diabetes as distributed by LINQS):
//! `NAME.content` holds `paper_id<TAB>f_1 … f_F<TAB>label` per line, `NAME.cites` holds
//! `cited_id<TAB>citing_id`. Paper ids and labels are strings; labels are numbered in sorted
//! order. The citation graph is returned undirected. Features must be finite numbers
//! ([`GraphError::NonFinite`] names the file, line and field otherwise); either file without a
//! data line is [`GraphError::Empty`].

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::text::{TextFile, fields, tab_fields};
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
    /// Citations skipped because they name a paper absent from the `.content` file (always 0
    /// without `skip_unknown`, where such a citation is an error).
    pub skipped_citations: usize,
}

/// Reads `NAME.content` and its companion `NAME.cites`. A citation naming an unknown paper is an
/// error unless `skip_unknown` (CiteSeer cites papers absent from its `.content`); the skipped
/// ones are counted in [`LinqsDataset::skipped_citations`].
pub fn read_linqs(content: impl AsRef<Path>, skip_unknown: bool) -> Result<LinqsDataset> {
    let content = content.as_ref();
    let cites = content.with_extension("cites");
    if !cites.exists() {
        return Err(GraphError::MissingFile { path: cites, what: "citations of the .content file" });
    }
    let papers = TextFile::read(content)?;
    let (first_line, first) = papers.first_row("papers")?;
    let width = tab_fields(first).len();
    if width < 3 {
        return Err(papers.ragged(first_line, "at least 3", width));
    }
    let dim = width - 2;
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut values = Vec::new();
    let mut label_of = Vec::new();
    for (line, text) in papers.rows() {
        let f = tab_fields(text);
        if f.len() != width {
            return Err(papers.ragged(line, width.to_string(), f.len()));
        }
        for (k, v) in f[1..width - 1].iter().enumerate() {
            values.push(papers.float(line, k + 1, v)?);
        }
        if index.insert(f[0], label_of.len()).is_some() {
            return Err(papers.out_of_range(line, f[0], "paper id appears twice"));
        }
        label_of.push(f[width - 1]);
    }
    let mut ids = vec![String::new(); label_of.len()];
    for (&id, &v) in &index {
        ids[v] = id.to_string();
    }
    let labels: Vec<&str> = label_of.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    // Every label is in the sorted `labels`, so its position is its class.
    let y = label_of.iter().map(|l| labels.partition_point(|x| x < l)).collect();

    let citations = TextFile::read(&cites)?;
    citations.first_row("citations")?;
    let mut edges = Vec::new();
    let mut skipped_citations = 0;
    for (line, text) in citations.rows() {
        let f = fields(text);
        if f.len() != 2 {
            return Err(citations.ragged(line, "2", f.len()));
        }
        match (index.get(f[0]), index.get(f[1])) {
            (Some(&cited), Some(&citing)) => edges.push((citing, cited)),
            _ if skip_unknown => skipped_citations += 1,
            (cited, _) => {
                let id = if cited.is_none() { f[0] } else { f[1] };
                let message = format!("not a paper of {}", content.display());
                return Err(citations.out_of_range(line, id, message));
            }
        }
    }
    let graph = Graph::undirected(ids.len(), &edges)?.with_features(Features::new(dim, values)?)?.with_labels(y)?;
    let labels = labels.into_iter().map(str::to_string).collect();
    Ok(LinqsDataset { graph, ids, labels, skipped_citations })
}
