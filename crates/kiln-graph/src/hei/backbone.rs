//! HEI's backbones: LINKX (Lim et al., "Large Scale Learning on Non-Homophilous Graphs",
//! NeurIPS 2021) and a two-layer GCN.
//!
//! LINKX: `h_A = A W_A` (a learnable row `W_A[u]` per node, summed over the neighbours by
//! [`propagate`]), `h_X = W_X x`, `h = ReLU(W [h_A ‖ h_X] + h_A + h_X)`, logits
//! `W_2 dropout(ReLU(W_1 dropout(h)))`.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

use crate::layers::{GcnConv, GcnConvConfig};
use crate::message_passing::{Aggregation, GraphTensors, propagate};

/// LINKX on a fixed node set.
#[derive(Module, Debug)]
pub struct Linkx {
    /// `W_A`, one learnable row per node, `[N, hidden]`.
    pub rows: Param<Tensor<2>>,
    /// `W_X`, `features → hidden`.
    pub mlp_x: Linear,
    /// `W`, `2·hidden → hidden`.
    pub mix: Linear,
    /// First layer of the final MLP, `hidden → hidden`.
    pub hidden_layer: Linear,
    /// Output layer, `hidden → classes`.
    pub head: Linear,
    /// Dropout.
    pub dropout: Dropout,
}

impl Linkx {
    /// LINKX for `nodes` nodes of `features` features on `device`.
    pub fn new(nodes: usize, features: usize, hidden: usize, classes: usize, dropout: f64, device: &Device) -> Self {
        let bound = 1.0 / (nodes.max(1) as f64).sqrt();
        let rows = Initializer::Uniform { min: -bound, max: bound }.init([nodes, hidden], device);
        Self {
            rows,
            mlp_x: LinearConfig::new(features, hidden).init(device),
            mix: LinearConfig::new(2 * hidden, hidden).init(device),
            hidden_layer: LinearConfig::new(hidden, hidden).init(device),
            head: LinearConfig::new(hidden, classes).init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// Logits `[N, classes]` from features `[N, F]` and the (unnormalised) adjacency.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let h_a = propagate(self.rows.val(), graph, Aggregation::Sum);
        let h_x = self.mlp_x.forward(x);
        let h = relu(self.mix.forward(Tensor::cat(vec![h_a.clone(), h_x.clone()], 1)) + h_a + h_x);
        let h = relu(self.hidden_layer.forward(self.dropout.forward(h)));
        self.head.forward(self.dropout.forward(h))
    }
}

/// A two-layer GCN: `Â dropout(ReLU(Â dropout(x) W₁)) W₂`.
#[derive(Module, Debug)]
pub struct Gcn2 {
    /// First layer.
    pub conv1: GcnConv,
    /// Second layer.
    pub conv2: GcnConv,
    /// Dropout.
    pub dropout: Dropout,
}

impl Gcn2 {
    /// A GCN `features → hidden → classes` on `device`.
    pub fn new(features: usize, hidden: usize, classes: usize, dropout: f64, device: &Device) -> Self {
        Self {
            conv1: GcnConvConfig::new(features, hidden).init(device),
            conv2: GcnConvConfig::new(hidden, classes).init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// Logits `[N, classes]`; `normalized` is `Â` ([`GraphTensors::gcn_norm`]).
    pub fn forward(&self, x: Tensor<2>, normalized: &GraphTensors) -> Tensor<2> {
        let h = relu(self.conv1.forward_normalized(self.dropout.forward(x), normalized));
        self.conv2.forward_normalized(self.dropout.forward(h), normalized)
    }
}
