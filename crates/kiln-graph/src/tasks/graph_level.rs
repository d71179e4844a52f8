//! Graph classification: `ŷ_g = W · READOUT({h_v : v ∈ g}) + b` after two GNN layers, with the
//! readout a global sum, mean or max pool over the batch vector (Xu et al. 2019 use sum).

use std::sync::Arc;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_core::nn::classification_step;
use kiln_core::seed::epoch_order;
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};

use crate::graph::Graph;
use crate::layers::pool::{global_max_pool, global_mean_pool, global_sum_pool};
use crate::layers::{GnnLayer, LayerKind};
use crate::message_passing::{Aggregation, GraphTensors, index_tensor};

/// Configuration of a [`GraphClassifier`].
#[derive(Config, Debug)]
pub struct GraphClassifierConfig {
    /// Layer type.
    pub kind: LayerKind,
    /// Input features.
    pub input: usize,
    /// Classes.
    pub classes: usize,
    /// Hidden width. Default: 32.
    #[config(default = 32)]
    pub hidden: usize,
    /// Readout. Default: sum (GIN's).
    #[config(default = "Aggregation::Sum")]
    pub readout: Aggregation,
}

impl GraphClassifierConfig {
    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> GraphClassifier {
        GraphClassifier {
            layers: vec![
                self.kind.init(self.input, self.hidden, 4, device),
                self.kind.init(self.hidden, self.hidden, 4, device),
            ],
            head: LinearConfig::new(self.hidden, self.classes).init(device),
            readout: self.readout,
        }
    }
}

/// Two GNN layers, a global readout and a linear head.
#[derive(Module, Debug)]
pub struct GraphClassifier {
    /// The GNN layers.
    pub layers: Vec<GnnLayer>,
    /// The classifier.
    pub head: Linear,
    #[module(skip)]
    readout: Aggregation,
}

impl GraphClassifier {
    /// Logits `[B, classes]` of a batch of graphs.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
        let mut h = x;
        for layer in &self.layers {
            h = relu(layer.forward(h, graph));
        }
        let pooled = match self.readout {
            Aggregation::Sum => global_sum_pool(h, batch, num_graphs),
            Aggregation::Mean => global_mean_pool(h, batch, num_graphs),
            Aggregation::Max => global_max_pool(h, batch, num_graphs),
        };
        self.head.forward(pooled)
    }
}

/// A mini-batch of graphs (PyG's `Batch`).
#[derive(Debug, Clone)]
pub struct GraphBatch {
    /// Node features `[N, F]`.
    pub x: Tensor<2>,
    /// Edges of the disjoint union.
    pub graph: GraphTensors,
    /// Graph of each node `[N]`.
    pub batch: Tensor<1, Int>,
    /// Graphs in the batch.
    pub num_graphs: usize,
    /// Class of each graph `[B]`.
    pub targets: Tensor<1, Int>,
}

impl TrainModel for GraphClassifier {
    type Batch = GraphBatch;
    type Stage = ();

    fn step(&self, b: GraphBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(b.x, &b.graph, b.batch, b.num_graphs), b.targets)
    }
}

/// Shuffled mini-batches of labelled graphs (each graph needs features of the same width).
#[derive(Debug, Clone)]
pub struct GraphSource {
    /// The graphs and their classes.
    pub graphs: Arc<Vec<(Graph, usize)>>,
    /// Graphs per batch.
    pub batch_size: usize,
    /// Shuffle every epoch (training) or keep the order (evaluation).
    pub shuffle: bool,
    /// Seed of the shuffles.
    pub seed: u64,
}

impl BatchSource<GraphBatch> for GraphSource {
    fn num_batches(&self) -> usize {
        self.graphs.len().div_ceil(self.batch_size.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<GraphBatch> {
        let n = self.graphs.len();
        let order = epoch_order(n, self.shuffle.then_some(self.seed), epoch);
        let bs = self.batch_size.max(1);
        let chosen: Vec<usize> = order.into_iter().skip(index * bs).take(bs).collect();
        let parts: Vec<Graph> = chosen.iter().map(|&i| self.graphs[i].0.clone()).collect();
        let merged = Graph::batch(&parts).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let (dim, values) = merged.x.as_ref().map_or((1, vec![1.0; merged.num_nodes]), |x| (x.dim, x.values.clone()));
        let labels: Vec<i64> = chosen.iter().map(|&i| self.graphs[i].1 as i64).collect();
        Ok(GraphBatch {
            x: Tensor::from_data(TensorData::new(values, [merged.num_nodes, dim]), device),
            graph: merged.to_tensors(device),
            batch: index_tensor(merged.batch.as_deref().unwrap_or(&[]), device),
            num_graphs: chosen.len(),
            targets: Tensor::from_data(TensorData::new(labels, [chosen.len()]), device),
        })
    }
}
