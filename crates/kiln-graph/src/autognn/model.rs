//! A child network: `L` [`SearchLayer`]s as an [`Architecture`] chooses them, trained as a node
//! classifier on the kiln-core engine.
//!
//! Layer `ℓ`: `h_ℓ = BN_ℓ(σ_ℓ(SearchLayer_ℓ(drop(h_{ℓ−1})) + S_ℓ drop(h_{ℓ−1})))`, with `σ_ℓ`
//! the searched activation, `S_ℓ` the skip connection (a Linear, when enabled) and `BN_ℓ`
//! batch norm on hidden layers (when enabled). The last layer is `classes` wide with its heads
//! averaged, and its output (after its activation, as in GraphNAS) are the logits.

use std::sync::Arc;

use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::nn::classification_step;
use kiln_core::train::{OptimizerConfig, Phase, Selection, StepContext, StepOutput, TrainModel, TrainPhase, Trainer};

use super::config::ChildConfig;
use super::layer::{SearchLayer, SearchLayerConfig};
use super::space::{ActivationKind, Architecture};
use crate::error::Result;
use crate::graph::Graph;
use crate::message_passing::GraphTensors;
use crate::tasks::{NodeBatch, NodeSource, NodeSplit};

impl Architecture {
    /// The child network for `input` features on `device` (the last layer's hidden width is
    /// the number of classes).
    pub fn init(&self, input: usize, child: &ChildConfig, device: &Device) -> AutoGnnModel {
        let last = self.layers.len().saturating_sub(1);
        let mut width = input;
        let (mut layers, mut skips, mut norms) = (Vec::new(), Vec::new(), Vec::new());
        for (l, choice) in self.layers.iter().enumerate() {
            let layer = SearchLayerConfig::new(width, choice.hidden, choice.heads, choice.attention, choice.aggregator)
                .with_concat(l != last)
                .with_pool_dim(child.pool_dim)
                .with_negative_slope(child.negative_slope)
                .with_attention_dropout(child.attention_dropout)
                .init(device);
            if child.skip {
                skips.push(LinearConfig::new(width, layer.output()).init(device));
            }
            if child.batch_norm && l != last {
                norms.push(BatchNormConfig::new(layer.output()).init(device));
            }
            width = layer.output();
            layers.push(layer);
        }
        AutoGnnModel {
            layers,
            skips,
            norms,
            dropout: DropoutConfig::new(child.dropout).init(),
            activations: self.layers.iter().map(|c| c.activation).collect(),
        }
    }
}

/// A child network of the Auto-GNN space.
#[derive(Module, Debug)]
pub struct AutoGnnModel {
    /// The message-passing layers.
    pub layers: Vec<SearchLayer>,
    /// One skip connection per layer (empty when disabled). Never shared.
    pub skips: Vec<Linear>,
    /// One batch norm per hidden layer (empty when disabled). Never shared.
    pub norms: Vec<BatchNorm>,
    dropout: Dropout,
    #[module(skip)]
    activations: Vec<ActivationKind>,
}

impl AutoGnnModel {
    /// The activation after each layer.
    pub fn activations(&self) -> &[ActivationKind] {
        &self.activations
    }

    /// The same model with `layers` in place of its message-passing layers.
    pub(crate) fn with_layers(self, layers: Vec<SearchLayer>) -> Self {
        Self { layers, ..self }
    }

    /// Logits of every node, `[N, classes]`, over `graph` (without self-loops).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let mut h = x;
        for (l, layer) in self.layers.iter().enumerate() {
            let input = self.dropout.forward(h);
            let mut out = layer.forward(input.clone(), graph);
            if let Some(skip) = self.skips.get(l) {
                out = out + skip.forward(input);
            }
            h = self.activations[l].apply(out);
            if let Some(norm) = self.norms.get(l) {
                h = norm.forward(h);
            }
        }
        h
    }
}

impl TrainModel for AutoGnnModel {
    type Batch = NodeBatch;
    type Stage = ();

    fn step(&self, batch: NodeBatch, _ctx: &StepContext) -> StepOutput {
        let logits = self.forward(batch.x, &batch.graph).select(0, batch.nodes);
        classification_step(logits, batch.targets)
    }
}

/// Trains `model` on `split.train` of `graph` (features, labels, no self-loops) for `epochs`
/// with Adam, keeping the epoch of best validation accuracy, and returns it with that
/// accuracy (the child's reward signal).
///
/// # Errors
/// When the graph lacks features or labels, or a batch cannot be built.
pub fn train_child(
    model: AutoGnnModel,
    graph: &Arc<Graph>,
    split: &NodeSplit,
    child: &ChildConfig,
    epochs: usize,
    seed: u64,
    device: &Device,
) -> Result<(AutoGnnModel, f64)> {
    let trainer = Trainer::new(device.clone()).with_seed(seed).with_selection(Selection::max("accuracy"));
    kiln_core::seed::seed_device(device, seed);
    let train = NodeSource::new(Arc::clone(graph), split.train.clone())?;
    let valid = NodeSource::new(Arc::clone(graph), split.valid.clone())?;
    let phase =
        TrainPhase::new(epochs.max(1), child.lr).with_optimizer(OptimizerConfig::adam_with_decay(child.weight_decay));
    let (model, _) = trainer.fit(model, &[Phase::train("child", phase)], &train, Some(&valid))?;
    let accuracy = trainer.evaluate(&model, &valid)?.accuracy().unwrap_or(0.0);
    Ok((model, accuracy))
}
