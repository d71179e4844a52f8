//! `--data` of `kiln graph`: `linqs:FILE.content` (LINQS citation data: features, labels and the
//! companion `.cites`) or `edges:FILE` (an edge list, `source target [weight]` per line).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use kiln_graph::Graph;
use kiln_graph::generate::random_features;
use kiln_graph::io::edge_list::{EdgeListOptions, read_edge_list};
use kiln_graph::io::linqs::{LinqsDataset, read_linqs};
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

/// The labelled graph of node classification (LINQS data only: an edge list has no features
/// or labels).
pub fn load_labelled(data: &str) -> Result<LinqsDataset> {
    match data.parse()? {
        GraphSpec::Linqs(path) => Ok(read_linqs(path, false)?),
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
/// random ones drawn from `seed`.
pub fn load_for_links(data: &str, width: usize, seed: u64) -> Result<(Graph, FeatureSource)> {
    let graph = match data.parse()? {
        GraphSpec::Linqs(path) => read_linqs(path, false)?.graph,
        GraphSpec::Edges(path) => read_edge_list(path, EdgeListOptions::default())?,
    };
    Ok(match graph.x {
        Some(_) => (graph, FeatureSource::File),
        None => (random_features(graph, width, seed)?, FeatureSource::Random { width, seed }),
    })
}
