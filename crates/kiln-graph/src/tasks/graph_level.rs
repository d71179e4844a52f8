//! Graph classification: GNN layers, a global readout (sum, mean or max over the batch vector)
//! and a linear head, `ŷ_g = W · READOUT({h_v : v ∈ g}) + b`.
//!
//! [`GraphClassifierConfig::new`] reads out the last of two layers. [`GraphClassifierConfig::gin`]
//! is GIN as Xu et al. (ICLR 2019, §7) evaluated it and as the official `GraphCNN` builds it:
//! 4 GIN layers after the input (the paper's "5 layers including the input layer"), each a
//! two-layer MLP with batch norm on its hidden layer followed by batch norm and ReLU, hidden 64,
//! and the sum readout of every layer's representation, the input included (eq. 4.2):
//! `ŷ_g = Σ_{k=0}^{K} dropout(W_k · Σ_{v ∈ g} h_v^{(k)})`, final dropout 0.5; GIN-0 (ε = 0)
//! or GIN-ε ([`GraphClassifierConfig::gin_eps`], ε learned).

use std::sync::Arc;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use kiln_core::nn::classification_step;
use kiln_core::seed::epoch_order;
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};

use crate::graph::Graph;
use crate::layers::pool::{global_max_pool, global_mean_pool, global_sum_pool};
use crate::layers::{GnnLayer, LayerKind, LayerOptions};
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
    /// GNN layers after the input. Default: 2.
    #[config(default = 2)]
    pub layers: usize,
    /// Readout. Default: sum (GIN's).
    #[config(default = "Aggregation::Sum")]
    pub readout: Aggregation,
    /// Read out every layer's representation, the input included, each through its own linear
    /// head, and sum the scores (GIN's eq. 4.2); else only the last layer's. Default: false.
    #[config(default = false)]
    pub every_layer: bool,
    /// Batch norm after each layer (and, for GIN, on each MLP's hidden layer). Default: false.
    #[config(default = false)]
    pub batch_norm: bool,
    /// GIN: learn ε (GIN-ε). Default: false (GIN-0).
    #[config(default = false)]
    pub train_eps: bool,
    /// Dropout on each head's scores. Default: 0 (GIN's paper: 0.5).
    #[config(default = 0.0)]
    pub final_dropout: f64,
}

impl GraphClassifierConfig {
    /// GIN-0 as the paper evaluated it (see the module documentation).
    pub fn gin(input: usize, classes: usize) -> Self {
        Self::new(LayerKind::Gin, input, classes)
            .with_hidden(64)
            .with_layers(4)
            .with_readout(Aggregation::Sum)
            .with_every_layer(true)
            .with_batch_norm(true)
            .with_final_dropout(0.5)
    }

    /// GIN-ε: [`Self::gin`] with ε learned (initial value 0).
    pub fn gin_eps(input: usize, classes: usize) -> Self {
        Self::gin(input, classes).with_train_eps(true)
    }

    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> GraphClassifier {
        let options = LayerOptions::new().with_heads(4).with_batch_norm(self.batch_norm).with_train_eps(self.train_eps);
        let layers: Vec<GnnLayer> = (0..self.layers.max(1))
            .map(|k| self.kind.build(if k == 0 { self.input } else { self.hidden }, self.hidden, &options, device))
            .collect();
        let norms = if self.batch_norm {
            layers.iter().map(|_| BatchNormConfig::new(self.hidden).init(device)).collect()
        } else {
            Vec::new()
        };
        let heads = if self.every_layer {
            std::iter::once(self.input)
                .chain(layers.iter().map(|_| self.hidden))
                .map(|width| LinearConfig::new(width, self.classes).init(device))
                .collect()
        } else {
            vec![LinearConfig::new(self.hidden, self.classes).init(device)]
        };
        GraphClassifier {
            layers,
            norms,
            heads,
            dropout: DropoutConfig::new(self.final_dropout).init(),
            readout: self.readout,
            every_layer: self.every_layer,
        }
    }
}

/// GNN layers, a global readout and linear heads.
#[derive(Module, Debug)]
pub struct GraphClassifier {
    /// The GNN layers.
    pub layers: Vec<GnnLayer>,
    /// Batch norm after each layer (empty without).
    pub norms: Vec<BatchNorm>,
    /// The classifiers: one per representation read out (the input and every layer), or one.
    pub heads: Vec<Linear>,
    dropout: Dropout,
    #[module(skip)]
    readout: Aggregation,
    #[module(skip)]
    every_layer: bool,
}

impl GraphClassifier {
    /// Logits `[B, classes]` of a batch of graphs.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
        let mut representations = vec![x.clone()];
        let mut h = x;
        for (k, layer) in self.layers.iter().enumerate() {
            h = layer.forward(h, graph);
            if let Some(norm) = self.norms.get(k) {
                h = norm.forward(h);
            }
            h = relu(h);
            representations.push(h.clone());
        }
        if !self.every_layer {
            representations.drain(..representations.len() - 1);
        }
        let mut logits: Option<Tensor<2>> = None;
        for (head, h) in self.heads.iter().zip(representations) {
            let scores = self.dropout.forward(head.forward(self.pool(h, batch.clone(), num_graphs)));
            logits = Some(match logits {
                Some(sum) => sum + scores,
                None => scores,
            });
        }
        logits.unwrap_or_else(|| Tensor::zeros([num_graphs, 1], &batch.device()))
    }

    fn pool(&self, h: Tensor<2>, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
        match self.readout {
            Aggregation::Sum => global_sum_pool(h, batch, num_graphs),
            Aggregation::Mean => global_mean_pool(h, batch, num_graphs),
            Aggregation::Max => global_max_pool(h, batch, num_graphs),
        }
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
