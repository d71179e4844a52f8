//! Node and graph classification on the shared training engine.
//!
//! - [`node`]: full-batch semi-supervised node classification (Kipf & Welling's setting) with a
//!   two-layer GCN, GraphSAGE, GAT or GIN.
//! - [`graph_level`]: graph classification over mini-batches of graphs with a global readout.

pub mod graph_level;
pub mod node;

pub use graph_level::{GraphBatch, GraphClassifier, GraphClassifierConfig, GraphSource};
pub use node::{NodeBatch, NodeClassifier, NodeClassifierConfig, NodeSource, node_accuracy};
