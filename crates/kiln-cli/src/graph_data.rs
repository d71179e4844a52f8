//! `--data` of `kiln graph`: `linqs:FILE.content` (LINQS citation data: features, labels and the
//! companion `.cites`) or `edges:FILE` (an edge list, `source target [weight]` per line, any
//! integer ids up to `u64::MAX`, numbered in increasing order), and what reading them found
//! ([`ReadNotes`]: renumbered ids, merged repeated edges, skipped citations), said on stderr
//! and recorded in the run's `config.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use kiln_graph::generate::random_features;
use kiln_graph::io::edge_list::{EdgeListOptions, read_edge_list};
use kiln_graph::io::linqs::{LinqsDataset, read_linqs};
use kiln_graph::{Graph, GraphError};
use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};

/// Where a graph comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphSpec {
    /// A LINQS `.content` file (its `.cites` beside it).
    Linqs(PathBuf),
    /// An edge list.
    Edges(PathBuf),
}

impl FromStr for GraphSpec {
    type Err = CliError;

    fn from_str(s: &str) -> Result<Self> {
        match s.split_once(':') {
            Some(("linqs", path)) if !path.is_empty() => Ok(Self::Linqs(path.into())),
            Some(("edges", path)) if !path.is_empty() => Ok(Self::Edges(path.into())),
            Some((kind @ ("linqs" | "edges"), _)) => {
                Err(CliError::Usage(format!("`{kind}:` needs a path, e.g. `{kind}:data/cora.content`")))
            }
            _ => Err(CliError::Usage(format!("unknown graph data `{s}`: expected linqs:FILE.content or edges:FILE"))),
        }
    }
}

impl fmt::Display for GraphSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Linqs(p) => write!(f, "linqs:{}", p.display()),
            Self::Edges(p) => write!(f, "edges:{}", p.display()),
        }
    }
}

/// What reading a graph file found besides the graph: recorded in `config.json` (so `kiln eval`
/// notices a file that now reads differently) and said on stderr when it is not nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadNotes {
    /// An edge list whose ids are not exactly `0..n`: its smallest and largest id (nodes are
    /// numbered in increasing id order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renumbered_ids: Option<IdSpan>,
    /// Lines of an edge list that repeated an earlier edge (either direction), merged into it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub repeated_edges: usize,
    /// Citations naming a paper absent from the `.content` file, skipped
    /// (`--skip-unknown-citations`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_citations: usize,
}

/// The smallest and largest node id of an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdSpan {
    /// Smallest id (node 0).
    pub smallest: u64,
    /// Largest id (the last node).
    pub largest: u64,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ReadNotes {
    /// Says on stderr, one line each, what `spec` (a graph of `num_nodes` nodes) read
    /// differently from a plain file.
    fn say(&self, spec: &GraphSpec, num_nodes: usize) {
        if let Some(IdSpan { smallest, largest }) = self.renumbered_ids {
            eprintln!(
                "{spec}: {num_nodes} nodes; their ids, {smallest} to {largest}, are numbered 0 to {} in increasing order",
                num_nodes.saturating_sub(1)
            );
        }
        if self.repeated_edges > 0 {
            eprintln!(
                "{spec}: repeated edges merged: {} (lines naming a pair already listed, in either direction)",
                self.repeated_edges
            );
        }
        if self.skipped_citations > 0 {
            eprintln!(
                "{spec}: citations skipped: {} (they name papers absent from the .content file; --skip-unknown-citations)",
                self.skipped_citations
            );
        }
    }
}

/// Reads a LINQS data set; an unknown paper in the `.cites` file, without `skip_unknown`, is
/// an error that names the flag that skips such citations.
fn read_papers(content: &Path, skip_unknown: bool) -> Result<LinqsDataset> {
    read_linqs(content, skip_unknown).map_err(|err| match err {
        GraphError::IdOutOfRange { ref path, .. } if !skip_unknown && path.extension() == Some("cites".as_ref()) => {
            CliError::Usage(format!("{err}; --skip-unknown-citations skips such citations"))
        }
        err => err.into(),
    })
}

/// The labelled graph of node classification (LINQS data only: an edge list has no features
/// or labels), with what reading it found; citations of unknown papers are skipped with
/// `skip_unknown` (and counted), an error otherwise.
pub fn load_labelled(data: &str, skip_unknown: bool) -> Result<(LinqsDataset, ReadNotes)> {
    let spec: GraphSpec = data.parse()?;
    match &spec {
        GraphSpec::Linqs(path) => {
            let dataset = read_papers(path, skip_unknown)?;
            let notes = ReadNotes { skipped_citations: dataset.skipped_citations, ..ReadNotes::default() };
            notes.say(&spec, dataset.graph.num_nodes);
            Ok((dataset, notes))
        }
        GraphSpec::Edges(path) => Err(CliError::Usage(format!(
            "edges:{}: node classification needs node features and labels; give linqs:FILE.content",
            path.display()
        ))),
    }
}

/// Where a link-prediction graph's node features come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureSource {
    /// The file's own features.
    File,
    /// Seeded standard-normal features of this width (the file has none).
    Random {
        /// Features per node.
        width: usize,
        /// Their seed.
        seed: u64,
    },
}

/// The graph of link prediction, with the file's node features or, when it has none, `width`
/// random ones drawn from `seed`, and what reading it found. An edge list's ids may be any
/// integers up to `u64::MAX`: nodes are numbered in increasing id order (kiln-graph's
/// `NodeIds::Renumber`), so a file whose ids are `0..n` keeps its numbering.
pub fn load_for_links(
    data: &str,
    width: usize,
    seed: u64,
    skip_unknown: bool,
) -> Result<(Graph, FeatureSource, ReadNotes)> {
    let spec: GraphSpec = data.parse()?;
    let (graph, notes) = match &spec {
        GraphSpec::Linqs(path) => {
            let dataset = read_papers(path, skip_unknown)?;
            (dataset.graph, ReadNotes { skipped_citations: dataset.skipped_citations, ..ReadNotes::default() })
        }
        GraphSpec::Edges(path) => {
            let list = read_edge_list(path, EdgeListOptions::default())?;
            let renumbered_ids = match (list.renumbered(), list.ids.first(), list.ids.last()) {
                (true, Some(&smallest), Some(&largest)) => Some(IdSpan { smallest, largest }),
                _ => None,
            };
            (list.graph, ReadNotes { renumbered_ids, repeated_edges: list.repeats, ..ReadNotes::default() })
        }
    };
    notes.say(&spec, graph.num_nodes);
    Ok(match graph.x {
        Some(_) => (graph, FeatureSource::File, notes),
        None => (random_features(graph, width, seed)?, FeatureSource::Random { width, seed }, notes),
    })
}
