//! GAT (Veličković et al., "Graph Attention Networks", ICLR 2018, eqs. 3–6), multi-head:
//! for head k, `e_ij = LeakyReLU_{0.2}(a_srcᵏ · Wᵏx_j + a_dstᵏ · Wᵏx_i)` over the edges `j → i`,
//! `α_ij = softmax_j(e_ij)`, `x'_iᵏ = Σ_j α_ij Wᵏ x_j`; heads are concatenated (hidden layers) or
//! averaged (`concat = false`, the paper's output layer), then a bias.
//!
//! As in PyG's `GATConv`: self-loops are removed, then one is added per node (a graph that
//! already has loops attends to each node itself once), and dropout on the coefficients `α`
//! (the paper's 0.6 on Cora) applies during training only.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::leaky_relu;

use crate::message_passing::{GraphTensors, scatter_sum, segment_softmax};

/// Configuration of a [`GatConv`].
#[derive(Config, Debug)]
pub struct GatConvConfig {
    /// Input features.
    pub input: usize,
    /// Output features per head.
    pub output: usize,
    /// Attention heads K. Default: 1 (the paper uses 8 on Cora).
    #[config(default = 1)]
    pub heads: usize,
    /// Concatenate the heads (`K · output` features) instead of averaging. Default: true.
    #[config(default = true)]
    pub concat: bool,
    /// Slope of the LeakyReLU. Default: 0.2.
    #[config(default = 0.2)]
    pub negative_slope: f64,
    /// Dropout on the attention coefficients during training. Default: 0 (PyG's; the paper:
    /// 0.6 on Cora).
    #[config(default = 0.0)]
    pub dropout: f64,
}

impl GatConvConfig {
    /// Builds the layer on `device`.
    pub fn init(&self, device: &Device) -> GatConv {
        let heads = self.heads.max(1);
        let glorot = Initializer::XavierUniform { gain: 1.0 };
        let width = if self.concat { heads * self.output } else { self.output };
        GatConv {
            linear: LinearConfig::new(self.input, heads * self.output).with_bias(false).init(device),
            att_src: glorot.init_with([heads, self.output], Some(self.output), Some(1), device),
            att_dst: glorot.init_with([heads, self.output], Some(self.output), Some(1), device),
            bias: Param::from_tensor(Tensor::zeros([width], device)),
            dropout: DropoutConfig::new(self.dropout).init(),
            heads,
            output: self.output,
            concat: self.concat,
            negative_slope: self.negative_slope,
        }
    }
}

/// A multi-head graph attention layer.
#[derive(Module, Debug)]
pub struct GatConv {
    /// `W` for all heads, `input → K · output`.
    pub linear: Linear,
    /// `a_src`, `[K, output]`.
    pub att_src: Param<Tensor<2>>,
    /// `a_dst`, `[K, output]`.
    pub att_dst: Param<Tensor<2>>,
    /// Output bias.
    pub bias: Param<Tensor<1>>,
    dropout: Dropout,
    #[module(skip)]
    heads: usize,
    #[module(skip)]
    output: usize,
    #[module(skip)]
    concat: bool,
    #[module(skip)]
    negative_slope: f64,
}

impl GatConv {
    /// `[N, input] → [N, K · output]` (or `[N, output]` when averaging heads).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let (k, c, n) = (self.heads, self.output, graph.num_nodes);
        let (h, g, alpha) = self.coefficients(x, graph);
        let alpha = self.dropout.forward(alpha);
        let e_count = g.num_edges;
        let messages = h.select(0, g.src.clone()) * alpha.reshape([e_count, k, 1]);
        let out = scatter_sum(messages.reshape([e_count, k * c]), g.dst, n);
        let out = if self.concat { out } else { out.reshape([n, k, c]).mean_dim(1).reshape([n, c]) };
        out + self.bias.val().unsqueeze_dim::<2>(0)
    }

    /// Attention coefficients `[E + N, K]` (no dropout) for the edges of `graph` followed by one
    /// self-loop per node; an edge of `graph` that is itself a loop gets 0 (it was replaced).
    pub fn attention(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        self.coefficients(x, graph).2
    }

    /// `W x` as `[N, K, output]`, the graph with its loops replaced, and `α`, `[E + N, K]`.
    fn coefficients(&self, x: Tensor<2>, graph: &GraphTensors) -> (Tensor<3>, GraphTensors, Tensor<2>) {
        let (k, c, n) = (self.heads, self.output, graph.num_nodes);
        let (g, replaced) = graph.replace_self_loops();
        let h = self.linear.forward(x).reshape([n, k, c]);
        let a_src = (h.clone() * self.att_src.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let a_dst = (h.clone() * self.att_dst.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let e = leaky_relu(a_src.select(0, g.src.clone()) + a_dst.select(0, g.dst.clone()), self.negative_slope);
        let e = e.mask_fill(replaced.unsqueeze_dim::<2>(1).expand([g.num_edges, k]), f32::NEG_INFINITY);
        let alpha = segment_softmax(e, g.dst.clone(), n);
        (h, g, alpha)
    }
}
