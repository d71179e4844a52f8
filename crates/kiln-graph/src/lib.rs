//! # kiln-graph
//!
//! Graph learning on burn 0.22, with petgraph at the boundary and PyTorch Geometric's
//! conventions (`edge_index` 2 × E with rows source → target, `batch` vectors, `propagate`).
//!
//! - [`graph`]: [`Graph`], PyG's `Data` on the host: `edge_index`, features, labels, edge
//!   weights, `batch`; undirected handling, degrees, k-hop neighbourhoods, induced subgraphs,
//!   mini-batching, conversion to and from petgraph.
//! - [`normalize`]: self-loops (PyG's remaining-loops rule for GCN, remove-then-add for GAT) and
//!   the symmetric GCN normalisation, on the host and on the device, in agreement.
//! - [`adjacency`]: sorted adjacency (CSR) and common neighbours of a batch of target links by
//!   sorted-list intersection.
//! - [`message_passing`]: gather/scatter with sum, mean and (differentiable) max, segment
//!   softmax and the generic `propagate` step, on every device.
//! - [`layers`]: GCN, GraphSAGE (mean), GAT (multi-head), GIN, global sum/mean/max pooling.
//! - [`link`]: leakage-free edge splits, negative sampling against the training edges, each
//!   positive's own negatives, Hits@K, MRR (OGB's, per positive), ROC AUC, and the
//!   common-neighbour, Adamic–Adar and resource-allocation heuristics.
//! - [`ncn`]: NCN and NCNC (Wang et al., ICLR 2024) with the official commands' options and
//!   Planetoid presets, and the GCN dot-product baseline, trained on the kiln-core engine from
//!   batches of target links.
//! - [`tasks`]: node classification (GAT's paper preset beside Kipf & Welling's setting), link
//!   prediction and graph classification (GIN as its paper evaluated it) on the engine.
//! - [`generate`]: seeded SBM (with class features), random geometric, Barabási–Albert and
//!   Watts–Strogatz generators; [`karate`]: Zachary's karate club, embedded.
//! - [`io`]: edge lists, LINQS citation data, the TU format, triples, typed graphs (HGB) and
//!   protein structures (PDB), with typed errors that name file and line.
//! - [`protein_rpn`]: ProteinRPN (Mitra, Huang, Kellis, 2024): residue graphs of Cα contacts,
//!   region proposals with node-drop, functional attention and a GMT readout for multi-label
//!   protein function, residue scores for the sites behind it; procedural proteins with planted
//!   motifs and decoys.
//! - [`autognn`]: Auto-GNN (Zhou et al., 2019): a 10-gene space of attention, aggregation,
//!   activation, heads and width per layer covered by one `SearchLayer`, an LSTM policy that
//!   changes one action class of a top parent (REINFORCE on the validation gain), weight
//!   sharing between homogeneous layers, through kiln-nas's `search` API.
//! - [`penet`]: PE-Net (Zheng et al., CVPR 2023): prototype-based predicate classification for
//!   scene graphs, its four losses, R@K and mR@K, procedural long-tailed scenes.
//! - [`error`]: the crate's error type.
//!
//! The family's experiments (`docs/results/graph.md`) are `examples/reproduce_graph/`, run by
//! `cargo xtask reproduce graph`.

pub mod adjacency;
pub mod autognn;
pub mod error;
pub mod generate;
pub mod graph;
pub mod hei;
pub mod hetero;
pub mod io;
pub mod karate;
pub mod latte;
pub mod layers;
pub mod link;
pub mod message_passing;
pub mod ncn;
pub mod normalize;
pub mod penet;
pub mod protein_rpn;
pub mod spen;
pub mod tasks;
pub mod w2pgnn;

pub use error::{GraphError, Result};
pub use graph::{Features, Graph};
pub use message_passing::{Aggregation, GraphTensors};
