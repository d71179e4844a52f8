//! GIN (Xu, Hu, Leskovec & Jegelka, "How Powerful are Graph Neural Networks?", ICLR 2019,
//! eq. 4.1): `x'_i = MLP((1 + ε) x_i + Σ_{j ∈ N(i)} x_j)`, with a two-layer MLP
//! `input → hidden → output` (ReLU between, and batch norm before the ReLU when asked: the
//! paper's "batch normalization on every hidden layer", the official `MLP`).
//!
//! ε is a constant (GIN-0 with the default 0, which the paper finds as good) or learned (GIN-ε,
//! PyG's `train_eps`). The hidden width defaults to the output width, as in PyG's GIN examples
//! (`MLP([in, hidden, hidden])`); the paper's hidden units are 16–64.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

use crate::message_passing::{Aggregation, GraphTensors, propagate};

/// Configuration of a [`GinConv`].
#[derive(Config, Debug)]
pub struct GinConvConfig {
    /// Input features.
    pub input: usize,
    /// Output features.
    pub output: usize,
    /// Hidden width of the MLP (0: the output width). Default: 0.
    #[config(default = 0)]
    pub hidden: usize,
    /// ε, or its initial value when learned. Default: 0 (GIN-0).
    #[config(default = 0.0)]
    pub eps: f64,
    /// Learn ε (GIN-ε). Default: false.
    #[config(default = false)]
    pub train_eps: bool,
    /// Batch norm on the MLP's hidden layer. Default: false.
    #[config(default = false)]
    pub batch_norm: bool,
}

impl GinConvConfig {
    /// The MLP's hidden width: `hidden`, or the output width when 0.
    pub fn hidden_width(&self) -> usize {
        if self.hidden == 0 { self.output } else { self.hidden }
    }

    /// Builds the layer on `device`.
    pub fn init(&self, device: &Device) -> GinConv {
        let hidden = self.hidden_width();
        GinConv {
            mlp1: LinearConfig::new(self.input, hidden).init(device),
            norm: self.batch_norm.then(|| BatchNormConfig::new(hidden).init(device)),
            mlp2: LinearConfig::new(hidden, self.output).init(device),
            learned_eps: self.train_eps.then(|| Param::from_tensor(Tensor::full([1], self.eps, device))),
            eps: self.eps,
        }
    }
}

/// A GIN layer.
#[derive(Module, Debug)]
pub struct GinConv {
    /// First MLP layer.
    pub mlp1: Linear,
    /// Batch norm of the hidden layer.
    pub norm: Option<BatchNorm>,
    /// Second MLP layer.
    pub mlp2: Linear,
    /// ε when learned (GIN-ε).
    pub learned_eps: Option<Param<Tensor<1>>>,
    #[module(skip)]
    eps: f64,
}

impl GinConv {
    /// `[N, input] → [N, output]`. Edge weights are ignored (sum of neighbours).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let unweighted = GraphTensors { weight: None, ..graph.clone() };
        let neighbours = propagate(x.clone(), &unweighted, Aggregation::Sum);
        let own = match &self.learned_eps {
            Some(eps) => x * (eps.val() + 1.0).unsqueeze_dim::<2>(0),
            None => x * (1.0 + self.eps),
        };
        let mut h = self.mlp1.forward(neighbours + own);
        if let Some(norm) = &self.norm {
            h = norm.forward(h);
        }
        self.mlp2.forward(relu(h))
    }
}
