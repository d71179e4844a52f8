//! Node, link and graph tasks on the shared training engine.
//!
//! - [`node`]: full-batch semi-supervised node classification (Kipf & Welling's setting) with a
//!   two-layer GCN, GraphSAGE, GAT or GIN; [`node_split`]: which nodes train, validate and test;
//!   [`node_training`]: [`train_node_classifier`], the whole run on the engine.
//! - [`link`]: [`train_link_predictor`], NCN/NCNC on a leak-free edge split with Hits@K, MRR and
//!   AUC on the test links.
//! - [`graph_level`]: graph classification over mini-batches of graphs with a global readout.

pub mod graph_level;
pub mod link;
pub mod node;
pub mod node_split;
pub mod node_training;

pub use graph_level::{GraphBatch, GraphClassifier, GraphClassifierConfig, GraphSource};
pub use link::{LinkEvaluation, LinkOutcome, LinkProblem, LinkTraining, evaluate_link_predictor, train_link_predictor};
pub use node::{NodeBatch, NodeClassifier, NodeClassifierConfig, NodeSource};
pub use node_split::NodeSplit;
pub use node_training::{NodeOutcome, NodeTraining, check_node_graph, evaluate_node_classifier, train_node_classifier};
