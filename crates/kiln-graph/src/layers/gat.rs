//! GAT (Veličković et al., "Graph Attention Networks", ICLR 2018, eqs. 3–6), multi-head:
//! for head k, `e_ij = LeakyReLU_{0.2}(a_srcᵏ · Wᵏx_j + a_dstᵏ · Wᵏx_i)` over the edges `j → i`
//! (self-loops added), `α_ij = softmax_j(e_ij)`, `x'_iᵏ = Σ_j α_ij Wᵏ x_j`; heads are concatenated
//! (hidden layers) or averaged (`concat = false`, the paper's output layer), then a bias.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
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
        let g = graph.with_self_loops();
        let h = self.linear.forward(x).reshape([n, k, c]);
        let a_src = (h.clone() * self.att_src.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let a_dst = (h.clone() * self.att_dst.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let e = leaky_relu(a_src.select(0, g.src.clone()) + a_dst.select(0, g.dst.clone()), self.negative_slope);
        let alpha = segment_softmax(e, g.dst.clone(), n);
        let e_count = g.num_edges;
        let messages = h.select(0, g.src.clone()) * alpha.reshape([e_count, k, 1]);
        let out = scatter_sum(messages.reshape([e_count, k * c]), g.dst, n);
        let out = if self.concat { out } else { out.reshape([n, k, c]).mean_dim(1).reshape([n, c]) };
        out + self.bias.val().unsqueeze_dim::<2>(0)
    }

    /// Attention coefficients `[E + N, K]` for the edges of `graph` followed by the self-loops.
    pub fn attention(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let (k, c, n) = (self.heads, self.output, graph.num_nodes);
        let g = graph.with_self_loops();
        let h = self.linear.forward(x).reshape([n, k, c]);
        let a_src = (h.clone() * self.att_src.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let a_dst = (h * self.att_dst.val().unsqueeze_dim::<3>(0)).sum_dim(2).reshape([n, k]);
        let e = leaky_relu(a_src.select(0, g.src.clone()) + a_dst.select(0, g.dst.clone()), self.negative_slope);
        segment_softmax(e, g.dst, n)
    }
}
