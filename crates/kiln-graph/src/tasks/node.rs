//! Node classification: `ŷ = softmax(L₂(σ(L₁(X, A)), A))` with `L` one of GCN, GraphSAGE, GAT,
//! GIN and `σ` ReLU or ELU, dropout on the input of each layer, trained full-batch with
//! cross-entropy on the labelled nodes.
//!
//! [`NodeClassifierConfig::new`] is Kipf & Welling's setting for every kind (hidden 16, dropout
//! 0.5, ReLU; GAT with 4 heads of 4; GIN's MLPs `hidden` wide in both layers, the paper's 16–64
//! units, never as wide as a bag-of-words input); [`NodeClassifierConfig::gat`] is GAT as
//! Veličković et al. trained it on Cora.

use std::sync::Arc;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::classification_step;
use kiln_core::train::{BatchSource, DeviceCache, StepContext, StepOutput, TrainModel};

use crate::error::GraphError;
use crate::graph::Graph;
use crate::layers::{Activation, GnnLayer, LayerKind, LayerOptions};
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
    /// The nonlinearity between the layers. Default: ReLU (GAT's paper: ELU).
    #[config(default = "Activation::Relu")]
    pub activation: Activation,
    /// GAT: dropout on the attention coefficients. Default: 0 (GAT's paper: 0.6).
    #[config(default = 0.0)]
    pub attention_dropout: f64,
    /// GAT: heads of the output layer, averaged. Default: 1 (GAT's paper on Cora; 8 on PubMed).
    #[config(default = 1)]
    pub output_heads: usize,
}

impl NodeClassifierConfig {
    /// GAT as Veličković et al. (ICLR 2018, §3.3) trained it on Cora, and PyG's `examples/gat.py`:
    /// 8 heads × 8 hidden features concatenated, ELU, dropout 0.6 on both layers' inputs and on
    /// the attention coefficients, one output head (use [`Self::with_output_heads`] for the
    /// paper's 8 averaged heads on PubMed). Train it with [`super::NodeTraining::gat`].
    pub fn gat(input: usize, classes: usize) -> Self {
        Self::new(LayerKind::Gat, input, classes)
            .with_hidden(64)
            .with_heads(8)
            .with_dropout(0.6)
            .with_attention_dropout(0.6)
            .with_activation(Activation::Elu)
            .with_output_heads(1)
    }

    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> NodeClassifier {
        // GIN's MLPs are `hidden` wide in both layers (the output layer's would otherwise be as
        // narrow as the classes).
        let hidden = LayerOptions::new()
            .with_heads(self.heads)
            .with_attention_dropout(self.attention_dropout)
            .with_mlp_hidden(self.hidden);
        let output = LayerOptions::new()
            .with_mlp_hidden(self.hidden)
            .with_heads(self.output_heads)
            .with_average_heads(true)
            .with_attention_dropout(self.attention_dropout);
        NodeClassifier {
            layers: vec![
                self.kind.build(self.input, self.hidden, &hidden, device),
                self.kind.build(self.hidden, self.classes, &output, device),
            ],
            dropout: DropoutConfig::new(self.dropout).init(),
            activation: self.activation,
        }
    }
}

/// A two-layer GNN node classifier.
#[derive(Module, Debug)]
pub struct NodeClassifier {
    /// The two layers.
    pub layers: Vec<GnnLayer>,
    dropout: Dropout,
    #[module(skip)]
    activation: Activation,
}

impl NodeClassifier {
    /// Logits of every node, `[N, classes]`.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let mut h = x;
        for (k, layer) in self.layers.iter().enumerate() {
            if k > 0 {
                h = self.activation.apply(h);
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

/// One full-graph batch per epoch over `nodes`, resident on the device: the feature matrix,
/// edges, nodes and labels are uploaded at the first batch on a device and every later epoch
/// gets a clone of the same tensors (a clone shares the device buffers). The fields are read at
/// that first batch: to change them, build a new source (a clone starts with no tensors).
#[derive(Debug, Clone)]
pub struct NodeSource {
    /// The graph (with features and labels).
    pub graph: Arc<Graph>,
    /// The nodes of this set (train, valid or test).
    pub nodes: Vec<usize>,
    resident: DeviceCache<NodeBatch>,
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
        Ok(Self { graph, nodes, resident: DeviceCache::new() })
    }
}

impl BatchSource<NodeBatch> for NodeSource {
    fn num_batches(&self) -> usize {
        1
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<NodeBatch> {
        self.resident.get_or_try_build(device, || {
            let g = &self.graph;
            let (dim, values) = g.x.as_ref().map_or((1, vec![0.0; g.num_nodes]), |x| (x.dim, x.values.clone()));
            let y =
                g.y.as_ref()
                    .ok_or_else(|| kiln_core::CoreError::batch(epoch, index, "the graph has no node labels"))?;
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
        })
    }
}
