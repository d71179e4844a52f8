//! Node classification with GCN, GraphSAGE, GAT and GIN on a contextual SBM, Planetoid-style:
//! a few labelled nodes per class train, the rest are the test; GAT also as its paper trained it.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::generate::class_features;
use kiln_graph::layers::LayerKind;
use kiln_graph::tasks::{NodeClassifierConfig, NodeSplit, NodeTraining, train_node_classifier};
use kiln_graph::{GraphError, Result};

use crate::link::sbm_with_degrees;

/// The contextual SBM of the page: 4 classes × 150 nodes, expected degree 6 inside the class and
/// 3 across, 16-dimensional Gaussian class features whose means have norm 0.7.
pub const BLOCKS: usize = 4;
const SIZE: usize = 150;
const FEATURES: usize = 16;
/// Labelled training nodes per class.
pub const PER_CLASS: usize = 20;

/// A node classifier of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeModel {
    /// Two layers of `kind` in Kipf & Welling's setting (hidden 16, dropout 0.5, ReLU; GAT with
    /// 4 heads of 4), trained with their Adam settings.
    Plain(LayerKind),
    /// GAT as its paper trained it on Cora ([`NodeClassifierConfig::gat`], [`NodeTraining::gat`]).
    GatPaper,
}

impl NodeModel {
    /// The rows of the table, in order.
    pub const ALL: [NodeModel; 5] = [
        NodeModel::Plain(LayerKind::Gcn),
        NodeModel::Plain(LayerKind::Sage),
        NodeModel::Plain(LayerKind::Gat),
        NodeModel::GatPaper,
        NodeModel::Plain(LayerKind::Gin),
    ];

    /// Display name.
    pub fn name(self) -> String {
        match self {
            Self::Plain(LayerKind::Gat) => "GAT (4 × 4 heads, ReLU)".into(),
            Self::Plain(kind) => kind.name().into(),
            Self::GatPaper => "GAT (paper: 8 × 8 heads, ELU, attention dropout 0.6)".into(),
        }
    }
}

/// Test accuracy of `model` trained for `epochs` on `seed`'s graph and split.
pub fn accuracy(model: NodeModel, epochs: usize, seed: u64, device: &Device) -> Result<f64> {
    let graph = class_features(sbm_with_degrees(BLOCKS, SIZE, 6.0, 3.0, seed)?, FEATURES, 0.7, seed)?;
    let labels = graph.y.as_deref().ok_or_else(|| GraphError::Invalid("the SBM has no labels".into()))?;
    let split = NodeSplit::per_class(labels, PER_CLASS, 0.0, seed)?;
    let (config, schedule) = match model {
        NodeModel::Plain(kind) => (NodeClassifierConfig::new(kind, FEATURES, BLOCKS), NodeTraining::default()),
        NodeModel::GatPaper => (NodeClassifierConfig::gat(FEATURES, BLOCKS), NodeTraining::gat()),
    };
    let training = NodeTraining { epochs, seed, ..schedule };
    let outcome = train_node_classifier(&Arc::new(graph), &split, &config, &training, &Trainer::new(device.clone()))?;
    Ok(outcome.test.accuracy().unwrap_or(0.0))
}
