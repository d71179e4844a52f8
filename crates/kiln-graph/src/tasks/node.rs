//! Node classification: `ŷ = softmax(L₂(σ(L₁(X, A)), A))` with `L` one of GCN, GraphSAGE, GAT,
//! GIN, trained full-batch with cross-entropy on the labelled nodes.

use std::sync::Arc;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_core::nn::classification_step;
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};

use crate::error::GraphError;
use crate::graph::Graph;
use crate::layers::{GnnLayer, LayerKind};
use crate::message_passing::{GraphTensors, index_tensor};

/// Configuration of a [`NodeClassifier`].
#[derive(Config, Debug)]
pub struct NodeClassifierConfig {
    /// Layer type.
    pub kind: LayerKind,
    /// Input features.
    pub input: usize,
    /// Classes.
    pub classes: usize,
    /// Hidden width. Default: 16 (Kipf & Welling).
    #[config(default = 16)]
    pub hidden: usize,
    /// GAT heads in the hidden layer. Default: 4.
    #[config(default = 4)]
    pub heads: usize,
    /// Dropout before each layer. Default: 0.5.
    #[config(default = 0.5)]
    pub dropout: f64,
}

impl NodeClassifierConfig {
    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> NodeClassifier {
        NodeClassifier {
            layers: vec![
                self.kind.init(self.input, self.hidden, self.heads, device),
                self.kind.init(self.hidden, self.classes, 1, device),
            ],
            dropout: DropoutConfig::new(self.dropout).init(),
        }
    }
}

/// A two-layer GNN node classifier.
#[derive(Module, Debug)]
pub struct NodeClassifier {
    /// The two layers.
    pub layers: Vec<GnnLayer>,
    dropout: Dropout,
}

impl NodeClassifier {
    /// Logits of every node, `[N, classes]`.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let mut h = x;
        for (k, layer) in self.layers.iter().enumerate() {
            if k > 0 {
                h = relu(h);
            }
            h = layer.forward(self.dropout.forward(h), graph);
        }
        h
    }
}

/// The whole graph with the nodes whose loss (or accuracy) counts.
#[derive(Debug, Clone)]
pub struct NodeBatch {
    /// Features `[N, F]`.
    pub x: Tensor<2>,
    /// Edges.
    pub graph: GraphTensors,
    /// The counted nodes `[M]`.
    pub nodes: Tensor<1, Int>,
    /// Their labels `[M]`.
    pub targets: Tensor<1, Int>,
}

impl TrainModel for NodeClassifier {
    type Batch = NodeBatch;
    type Stage = ();

    fn step(&self, batch: NodeBatch, _ctx: &StepContext) -> StepOutput {
        let logits = self.forward(batch.x, &batch.graph).select(0, batch.nodes);
        classification_step(logits, batch.targets)
    }
}

/// One full-graph batch per epoch over `nodes`.
#[derive(Debug, Clone)]
pub struct NodeSource {
    /// The graph (with features and labels).
    pub graph: Arc<Graph>,
    /// The nodes of this set (train, valid or test).
    pub nodes: Vec<usize>,
}

impl NodeSource {
    /// A source over `nodes`; errors unless the graph has features and labels.
    pub fn new(graph: Arc<Graph>, nodes: Vec<usize>) -> crate::error::Result<Self> {
        if graph.x.is_none() || graph.y.is_none() {
            return Err(GraphError::Invalid("node classification needs features and labels".into()));
        }
        if let Some(&bad) = nodes.iter().find(|&&v| v >= graph.num_nodes) {
            return Err(GraphError::NodeOutOfRange { id: bad, num_nodes: graph.num_nodes });
        }
        Ok(Self { graph, nodes })
    }
}

impl BatchSource<NodeBatch> for NodeSource {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<NodeBatch> {
        let g = &self.graph;
        let (dim, values) = g.x.as_ref().map_or((1, vec![0.0; g.num_nodes]), |x| (x.dim, x.values.clone()));
        let y =
            g.y.as_ref().ok_or_else(|| kiln_core::CoreError::batch(epoch, index, "the graph has no node labels"))?;
        let labels = self
            .nodes
            .iter()
            .map(|&v| {
                y.get(v).map(|&c| c as i64).ok_or_else(|| {
                    kiln_core::CoreError::batch(epoch, index, format!("node {v} has no label ({} labels)", y.len()))
                })
            })
            .collect::<kiln_core::Result<Vec<i64>>>()?;
        Ok(NodeBatch {
            x: Tensor::from_data(TensorData::new(values, [g.num_nodes, dim]), device),
            graph: g.to_tensors(device),
            nodes: index_tensor(&self.nodes, device),
            targets: Tensor::from_data(TensorData::new(labels, [self.nodes.len()]), device),
        })
    }
}
