//! [`SearchLayer`]: one message-passing layer that covers the whole Auto-GNN space.
//!
//! For the edges `j → i` of the graph with one self-loop per node added:
//!
//! 1. `h = W x`, split into `K` heads of `C` features (`W: input → K·C`, no bias);
//! 2. `α_ij` by the layer's attention function
//!    ([`attention_coefficients`](super::attention_coefficients)), dropout on `α` while
//!    training;
//! 3. messages `m_ij = α_ij h_j`, per head; for the pooled aggregators a per-neighbour MLP
//!    `m ← W₂ ReLU(W₁ m + b₁) + b₂` with `W₁: C → 128`, `W₂: 128 → C`, shared by the heads;
//! 4. aggregation at `i`: sum (sum, mlp), mean (mean-pool) or element-wise max (max-pool)
//!    ([`aggregate`]);
//! 5. heads concatenated (`K·C`, hidden layers) or averaged (`C`, the output layer), plus a
//!    bias.
//!
//! The activation, skip connection and batch norm live in the model
//! ([`AutoGnnModel`](super::AutoGnnModel)).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

use super::attention::{AttentionParams, attention_coefficients};
use super::space::{AggregatorKind, AttentionKind};
use crate::message_passing::{Aggregation, GraphTensors, aggregate};

/// Configuration of a [`SearchLayer`].
#[derive(Config, Debug)]
pub struct SearchLayerConfig {
    /// Input features.
    pub input: usize,
    /// Output features per head `C`.
    pub hidden: usize,
    /// Heads `K`.
    pub heads: usize,
    /// Attention function.
    pub attention: AttentionKind,
    /// Aggregator.
    pub aggregator: AggregatorKind,
    /// Concatenate the heads (hidden layers) instead of averaging them (output layer).
    /// Default: true.
    #[config(default = true)]
    pub concat: bool,
    /// Width of the per-neighbour MLP of the pooled aggregators. Default: 128 (GraphNAS).
    #[config(default = 128)]
    pub pool_dim: usize,
    /// Slope of GAT's LeakyReLU. Default: 0.2.
    #[config(default = 0.2)]
    pub negative_slope: f64,
    /// Dropout on the attention coefficients while training. Default: 0.
    #[config(default = 0.0)]
    pub attention_dropout: f64,
}

impl SearchLayerConfig {
    /// Builds the layer on `device` (Glorot weights, zero biases).
    pub fn init(&self, device: &Device) -> SearchLayer {
        let (k, c) = (self.heads.max(1), self.hidden.max(1));
        let glorot = Initializer::XavierUniform { gain: 1.0 };
        let width = if self.concat { k * c } else { c };
        let pool = self.aggregator.pooled().then(|| PoolMlp {
            inner: LinearConfig::new(c, self.pool_dim).init(device),
            outer: LinearConfig::new(self.pool_dim, c).init(device),
        });
        SearchLayer {
            linear: LinearConfig::new(self.input, k * c).with_bias(false).init(device),
            a_l: glorot.init_with([k, c], Some(c), Some(1), device),
            a_r: glorot.init_with([k, c], Some(c), Some(1), device),
            w_g: (self.attention == AttentionKind::GeneLinear)
                .then(|| glorot.init_with([k, c], Some(c), Some(1), device)),
            pool,
            bias: Param::from_tensor(Tensor::zeros([width], device)),
            dropout: DropoutConfig::new(self.attention_dropout).init(),
            input: self.input,
            hidden: c,
            heads: k,
            concat: self.concat,
            attention: self.attention,
            aggregator: self.aggregator,
            negative_slope: self.negative_slope,
        }
    }
}

/// The per-neighbour MLP of the pooled aggregators, `C → pool_dim → C`.
#[derive(Module, Debug)]
pub struct PoolMlp {
    /// `W₁, b₁`.
    pub inner: Linear,
    /// `W₂, b₂`.
    pub outer: Linear,
}

impl PoolMlp {
    /// `W₂ ReLU(W₁ m + b₁) + b₂` on the last axis.
    pub fn forward(&self, m: Tensor<3>) -> Tensor<3> {
        self.outer.forward(relu(self.inner.forward(m)))
    }
}

/// One layer of the Auto-GNN space.
#[derive(Module, Debug)]
pub struct SearchLayer {
    /// `W`, `input → K·C`, without bias.
    pub linear: Linear,
    /// `a_l`, `[K, C]`.
    pub a_l: Param<Tensor<2>>,
    /// `a_r`, `[K, C]`.
    pub a_r: Param<Tensor<2>>,
    /// `w_G`, `[K, C]` (gene-linear only).
    pub w_g: Option<Param<Tensor<2>>>,
    /// The per-neighbour MLP (pooled aggregators only).
    pub pool: Option<PoolMlp>,
    /// Output bias.
    pub bias: Param<Tensor<1>>,
    dropout: Dropout,
    #[module(skip)]
    input: usize,
    #[module(skip)]
    hidden: usize,
    #[module(skip)]
    heads: usize,
    #[module(skip)]
    concat: bool,
    #[module(skip)]
    attention: AttentionKind,
    #[module(skip)]
    aggregator: AggregatorKind,
    #[module(skip)]
    negative_slope: f64,
}

impl SearchLayer {
    /// Input features.
    pub fn input(&self) -> usize {
        self.input
    }

    /// Features per head `C`.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Heads `K`.
    pub fn heads(&self) -> usize {
        self.heads
    }

    /// Whether the heads are concatenated.
    pub fn concat(&self) -> bool {
        self.concat
    }

    /// The attention function.
    pub fn attention_kind(&self) -> AttentionKind {
        self.attention
    }

    /// The aggregator.
    pub fn aggregator(&self) -> AggregatorKind {
        self.aggregator
    }

    /// Output features: `K·C` concatenated, `C` averaged.
    pub fn output(&self) -> usize {
        if self.concat { self.heads * self.hidden } else { self.hidden }
    }

    /// The attention vectors as values.
    pub fn attention_params(&self) -> AttentionParams {
        AttentionParams {
            a_l: self.a_l.val(),
            a_r: self.a_r.val(),
            w_g: self.w_g.as_ref().map(Param::val),
            negative_slope: self.negative_slope,
        }
    }

    /// This layer with `parent`'s trained tensors in place of its own: `W`, `a_l`, `a_r`, the
    /// bias, and `w_G` and the pooling MLP where both layers have them. The caller checks that
    /// the two are homogeneous ([`super::sharing::homogeneous`]).
    pub(crate) fn inherit_from(self, parent: &SearchLayer) -> SearchLayer {
        SearchLayer {
            linear: parent.linear.clone(),
            a_l: parent.a_l.clone(),
            a_r: parent.a_r.clone(),
            w_g: match (&parent.w_g, self.w_g) {
                (Some(w), Some(_)) => Some(w.clone()),
                (_, own) => own,
            },
            pool: match (&parent.pool, self.pool) {
                (Some(p), Some(_)) => Some(p.clone()),
                (_, own) => own,
            },
            bias: parent.bias.clone(),
            ..self
        }
    }

    /// `h = Wx` as `[N, K, C]`.
    pub fn project(&self, x: Tensor<2>) -> Tensor<3> {
        let [n, _] = x.dims();
        self.linear.forward(x).reshape([n, self.heads, self.hidden])
    }

    /// The coefficients `α`, `[E + N, K]`, over `graph`'s edges followed by one self-loop per
    /// node (no dropout). `graph` must have no self-loops of its own.
    pub fn attention(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let g = graph.with_self_loops();
        attention_coefficients(self.attention, self.project(x), &g, &self.attention_params())
    }

    /// `[N, input] → [N, output]` over `graph` (without self-loops: the layer adds one per node).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let (k, c, n) = (self.heads, self.hidden, graph.num_nodes);
        let g = graph.with_self_loops();
        let h = self.project(x);
        let alpha = attention_coefficients(self.attention, h.clone(), &g, &self.attention_params());
        let alpha = self.dropout.forward(alpha);
        let e = g.num_edges;
        let mut messages = h.select(0, g.src.clone()) * alpha.reshape([e, k, 1]);
        if let Some(pool) = &self.pool {
            messages = pool.forward(messages);
        }
        let aggr = match self.aggregator {
            AggregatorKind::Sum | AggregatorKind::Mlp => Aggregation::Sum,
            AggregatorKind::MeanPool => Aggregation::Mean,
            AggregatorKind::MaxPool => Aggregation::Max,
        };
        let out = aggregate(messages.reshape([e, k * c]), g.dst, n, aggr);
        let out = if self.concat { out } else { out.reshape([n, k, c]).mean_dim(1).reshape([n, c]) };
        out + self.bias.val().unsqueeze_dim::<2>(0)
    }
}
