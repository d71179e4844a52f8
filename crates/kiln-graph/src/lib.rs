//! # kiln-graph
//!
//! Graph learning on burn 0.22, with petgraph at the boundary and PyTorch Geometric's
//! conventions (`edge_index` 2 × E with rows source → target, `batch` vectors, `propagate`).
//!
//! - [`graph`]: [`Graph`], PyG's `Data` on the host: `edge_index`, features, labels, edge
//!   weights, `batch`; undirected/self-loop handling, degrees, symmetric normalisation, k-hop
//!   neighbourhoods, induced subgraphs, mini-batching, conversion to and from petgraph.
//! - [`adjacency`]: sorted adjacency (CSR) and common neighbours of a batch of target links by
//!   sorted-list intersection.
//! - [`message_passing`]: gather/scatter with sum, mean and (differentiable) max, segment
//!   softmax, symmetric normalisation and the generic `propagate` step, on every device.
//! - [`layers`]: GCN, GraphSAGE (mean), GAT (multi-head), GIN, global sum/mean/max pooling.
//! - [`link`]: leakage-free edge splits, negative sampling, Hits@K, MRR, ROC AUC, and the
//!   common-neighbour, Adamic–Adar and resource-allocation heuristics.
//! - [`ncn`]: NCN and NCNC (Wang et al., ICLR 2024) and the GCN dot-product baseline, trained
//!   on the kiln-core engine from batches of target links.
//! - [`tasks`]: node and graph classification on the engine.
//! - [`generate`]: seeded SBM (with class features), random geometric, Barabási–Albert and
//!   Watts–Strogatz generators; [`karate`]: Zachary's karate club, embedded.
//! - [`io`]: edge lists, LINQS citation data, the TU format and triples, with typed errors that
//!   name file and line.
//! - [`error`]: the crate's error type.
//!
//! The family's experiments (`docs/results/graph.md`) are `examples/reproduce_graph/`, run by
//! `cargo xtask reproduce graph`.

pub mod adjacency;
pub mod error;
pub mod generate;
pub mod graph;
pub mod io;
pub mod karate;
pub mod layers;
pub mod link;
pub mod message_passing;
pub mod ncn;
pub mod tasks;

pub use error::{GraphError, Result};
pub use graph::{Features, Graph};
pub use message_passing::{Aggregation, GraphTensors};
