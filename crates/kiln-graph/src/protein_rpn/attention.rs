//! Functional node attention (official `modules/functional_node_attention.py`): a GAT-like layer
//! whose attention scores are scaled by how functional the attended residue is.
//!
//! For every edge `j → i` (message from the neighbour j to the target i):
//! `e_ij = LeakyReLU_{0.2}(a_srcᵀ W x_j + a_dstᵀ W x_i)`,
//! `ẽ_ij = e_ij · (f_j + 0.5(1 − f_j))` (1 for a proposed functional residue, 0.5 for a
//! non-functional one), `α_ij = softmax_{j ∈ N(i)}(ẽ_ij)` (per target), and
//! `x'_i = ReLU(Σ_j α_ij W x_j)`. No self-loops and no bias, as in the official layer.
//!
//! The official layer scales by `func_node[col]`, the *target*'s score, which inside a softmax
//! over the target's edges acts as a temperature, and multiplies the scores by the edge
//! weights; here the factor is the neighbour's (the paper's "attend to functional residues"),
//! and edge weights are not used.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{leaky_relu, relu};

use crate::message_passing::{GraphTensors, scatter_sum, segment_softmax};

/// Configuration of a [`FunctionalAttention`] layer.
#[derive(Config, Debug)]
pub struct FunctionalAttentionConfig {
    /// Input features.
    pub input: usize,
    /// Output features.
    pub output: usize,
}

impl FunctionalAttentionConfig {
    /// Builds the layer on `device` (Xavier-uniform attention vectors, gain 1.414 as the
    /// official `reset_parameters`).
    pub fn init(&self, device: &Device) -> FunctionalAttention {
        let glorot = Initializer::XavierUniform { gain: 1.414 };
        FunctionalAttention {
            linear: LinearConfig::new(self.input, self.output)
                .with_bias(false)
                .with_initializer(glorot.clone())
                .init(device),
            att_src: glorot.init_with([self.output], Some(2 * self.output), Some(1), device),
            att_dst: glorot.init_with([self.output], Some(2 * self.output), Some(1), device),
        }
    }
}

/// The functional attention layer.
#[derive(Module, Debug)]
pub struct FunctionalAttention {
    /// `W`, `input → output`, no bias.
    pub linear: Linear,
    /// `a_src`, `[output]`.
    pub att_src: Param<Tensor<1>>,
    /// `a_dst`, `[output]`.
    pub att_dst: Param<Tensor<1>>,
}

impl FunctionalAttention {
    /// The coefficients `α` `[E]` for the edges of `graph`, given functionality `f` `[N]`.
    pub fn coefficients(&self, x: Tensor<2>, functionality: Tensor<1>, graph: &GraphTensors) -> Tensor<1> {
        self.with_features(x, functionality, graph).1
    }

    /// `W x` and `α`.
    fn with_features(&self, x: Tensor<2>, functionality: Tensor<1>, graph: &GraphTensors) -> (Tensor<2>, Tensor<1>) {
        let h = self.linear.forward(x);
        let [n, c] = h.dims();
        let score = |a: &Param<Tensor<1>>| h.clone().matmul(a.val().reshape([c, 1])).reshape([n]);
        let (s_src, s_dst) = (score(&self.att_src), score(&self.att_dst));
        let e = leaky_relu(s_src.select(0, graph.src.clone()) + s_dst.select(0, graph.dst.clone()), 0.2);
        let f = functionality.select(0, graph.src.clone());
        let scaled = e * (f.clone() + (f.neg() + 1.0) * 0.5);
        let alpha =
            segment_softmax(scaled.reshape([graph.num_edges, 1]), graph.dst.clone(), n).reshape([graph.num_edges]);
        (h, alpha)
    }

    /// `[N, input] → [N, output]`.
    pub fn forward(&self, x: Tensor<2>, functionality: Tensor<1>, graph: &GraphTensors) -> Tensor<2> {
        let n = graph.num_nodes;
        if graph.num_edges == 0 {
            return Tensor::zeros([n, self.linear.weight.dims()[1]], &x.device());
        }
        let (h, alpha) = self.with_features(x, functionality, graph);
        let c = h.dims()[1];
        let e = graph.num_edges;
        let messages = h.select(0, graph.src.clone()) * alpha.reshape([e, 1]).expand([e, c]);
        relu(scatter_sum(messages, graph.dst.clone(), n))
    }
}
