//! The SPEN model: equivariant layers over the ego-nets, the invariant readout and the MLP.
//!
//! Layer ℓ, for each ego-net (of size m, using the weights of `min(m, max_size)`):
//! `T2' = [L₂→₂ T2 ‖ L₁→₂ T1]`, `T1' = [L₂→₁ T2 ‖ L₁→₁ T1]`; every pair and node row is then
//! the mean of what the ego-nets containing it wrote, followed by ELU and GraphNorm (per graph).
//! Readout: `T0 = ELU([L₂→₀ T2 ‖ L₁→₀ T1])` per ego-net, the mean over each graph's ego-nets,
//! then `Linear(2h, 256) → ReLU → dropout → Linear(256, 128) → ReLU → dropout → Linear(·, classes)`
//! (Xavier-normal weights, biases 0.1, as the official `fully_connected`).

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{elu, relu};

use super::basis::{BasisLinear, Orders};
use super::config::SpenConfig;
use super::graph_norm::GraphNorm;
use super::subgraphs::{EgoTensors, GroupTensors};
use crate::message_passing::scatter_mean;

/// One set of weights per ego-net size bucket.
fn bucketed(orders: Orders, input: usize, output: usize, buckets: usize, device: &Device) -> Vec<BasisLinear> {
    (0..buckets).map(|_| BasisLinear::new(orders, input, output, device)).collect()
}

/// The bucket of an ego-net of `size` nodes.
fn bucket(size: usize, max_size: usize) -> usize {
    size.clamp(1, max_size.max(1)) - 1
}

/// The inputs of one size group: `([k, m, m, c2], [k, m, c1])`.
fn gather(t2: &Tensor<2>, t1: &Tensor<2>, g: &GroupTensors) -> (Tensor<4>, Tensor<3>) {
    let (k, m) = (g.count, g.size);
    let c2 = t2.dims()[1];
    let c1 = t1.dims()[1];
    let x2 = t2.clone().select(0, g.pair_rows.clone()).reshape([k, m, m, c2]);
    let x1 = t1.clone().select(0, g.node_rows.clone()).reshape([k, m, c1]);
    (x2, x1)
}

/// An equivariant layer: the four operator sets per bucket, then GraphNorm on pairs and nodes.
#[derive(Module, Debug)]
pub struct SpenLayer {
    /// L₂→₂ per bucket.
    pub l22: Vec<BasisLinear>,
    /// L₁→₂ per bucket.
    pub l12: Vec<BasisLinear>,
    /// L₂→₁ per bucket.
    pub l21: Vec<BasisLinear>,
    /// L₁→₁ per bucket.
    pub l11: Vec<BasisLinear>,
    /// GraphNorm of the pair state.
    pub norm2: GraphNorm,
    /// GraphNorm of the node state.
    pub norm1: GraphNorm,
}

impl SpenLayer {
    /// Inputs of `c2` (pairs) and `c1` (nodes) channels, `2 · hidden` out.
    pub fn new(c2: usize, c1: usize, hidden: usize, buckets: usize, device: &Device) -> Self {
        Self {
            l22: bucketed(Orders::TwoToTwo, c2, hidden, buckets, device),
            l12: bucketed(Orders::OneToTwo, c1, hidden, buckets, device),
            l21: bucketed(Orders::TwoToOne, c2, hidden, buckets, device),
            l11: bucketed(Orders::OneToOne, c1, hidden, buckets, device),
            norm2: GraphNorm::new(2 * hidden, device),
            norm1: GraphNorm::new(2 * hidden, device),
        }
    }

    /// `([P, c2], [N, c1]) → ([P, 2h], [N, 2h])`.
    pub fn forward(&self, t2: Tensor<2>, t1: Tensor<2>, ego: &EgoTensors) -> (Tensor<2>, Tensor<2>) {
        let (mut out2, mut out1) = (Vec::new(), Vec::new());
        for g in &ego.groups {
            let b = bucket(g.size, self.l22.len());
            let (x2, x1) = gather(&t2, &t1, g);
            let y2 =
                Tensor::cat(vec![self.l22[b].forward_2_to_2(x2.clone()), self.l12[b].forward_1_to_2(x1.clone())], 3);
            let y1 = Tensor::cat(vec![self.l21[b].forward_2_to_1(x2), self.l11[b].forward_1_to_1(x1)], 2);
            let [k, m, _, c] = y2.dims();
            out2.push(y2.reshape([k * m * m, c]));
            out1.push(y1.reshape([k * m, c]));
        }
        let t2 = elu(scatter_mean(Tensor::cat(out2, 0), ego.pair_rows.clone(), ego.num_pairs), 1.0);
        let t1 = elu(scatter_mean(Tensor::cat(out1, 0), ego.node_rows.clone(), ego.num_nodes), 1.0);
        (
            self.norm2.forward(t2, ego.pair_graph.clone(), ego.num_graphs),
            self.norm1.forward(t1, ego.node_graph.clone(), ego.num_graphs),
        )
    }
}

/// SPEN: equivariant layers, the invariant readout and the MLP head.
#[derive(Module, Debug)]
pub struct Spen {
    /// The equivariant layers.
    pub layers: Vec<SpenLayer>,
    /// L₂→₀ per bucket.
    pub l20: Vec<BasisLinear>,
    /// L₁→₀ per bucket.
    pub l10: Vec<BasisLinear>,
    /// The MLP's layers.
    pub head: Vec<Linear>,
    dropout: Dropout,
    #[module(skip)]
    hops: usize,
}

impl Spen {
    /// The model `config` describes (validated by [`SpenConfig::init`]).
    pub(crate) fn new(config: &SpenConfig, device: &Device) -> Self {
        let (h, buckets) = (config.hidden, config.max_size);
        let mut widths = (config.input + 1, config.input);
        let mut layers = Vec::new();
        for _ in 1..config.layers {
            layers.push(SpenLayer::new(widths.0, widths.1, h, buckets, device));
            widths = (2 * h, 2 * h);
        }
        let head = [
            (2 * h, config.head_hidden),
            (config.head_hidden, config.head_hidden2),
            (config.head_hidden2, config.classes),
        ]
        .into_iter()
        .map(|(i, o)| {
            // The official `fully_connected`: Xavier-normal weights, biases 0.1.
            let mut linear =
                LinearConfig::new(i, o).with_initializer(Initializer::XavierNormal { gain: 1.0 }).init(device);
            linear.bias = Some(Param::from_tensor(Tensor::full([o], 0.1, device)));
            linear
        })
        .collect();
        Self {
            layers,
            l20: bucketed(Orders::TwoToZero, widths.0, h, buckets, device),
            l10: bucketed(Orders::OneToZero, widths.1, h, buckets, device),
            head,
            dropout: DropoutConfig::new(config.dropout).init(),
            hops: config.hops,
        }
    }

    /// The ego-net radius k of the configuration (build inputs with
    /// [`EgoTensors::with_hops`]`(graph, input, model.hops(), device)`).
    pub fn hops(&self) -> usize {
        self.hops
    }

    /// The graph embeddings `[B, 2h]`: the mean over each graph's ego-nets of
    /// `ELU([L₂→₀ T2 ‖ L₁→₀ T1])` after the equivariant layers.
    pub fn embed(&self, ego: &EgoTensors) -> Tensor<2> {
        let (mut t2, mut t1) = (ego.pair_x.clone(), ego.node_x.clone());
        for layer in &self.layers {
            (t2, t1) = layer.forward(t2, t1, ego);
        }
        let mut t0 = Vec::new();
        for g in &ego.groups {
            let b = bucket(g.size, self.l20.len());
            let (x2, x1) = gather(&t2, &t1, g);
            t0.push(Tensor::cat(vec![self.l20[b].forward_2_to_0(x2), self.l10[b].forward_1_to_0(x1)], 1));
        }
        scatter_mean(elu(Tensor::cat(t0, 0), 1.0), ego.centre_graph.clone(), ego.num_graphs)
    }

    /// Logits `[B, classes]`.
    pub fn forward(&self, ego: &EgoTensors) -> Tensor<2> {
        let mut h = self.embed(ego);
        let last = self.head.len().saturating_sub(1);
        for (i, linear) in self.head.iter().enumerate() {
            h = linear.forward(h);
            if i < last {
                h = self.dropout.forward(relu(h));
            }
        }
        h
    }
}
