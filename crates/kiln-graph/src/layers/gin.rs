//! GIN (Xu, Hu, Leskovec & Jegelka, "How Powerful are Graph Neural Networks?", ICLR 2019,
//! eq. 4.1): `x'_i = MLP((1 + ε) x_i + Σ_{j ∈ N(i)} x_j)`, with a two-layer ReLU MLP
//! `input → hidden → output`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
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
    /// Hidden width of the MLP (0: `max(input, output)`). Default: 0.
    #[config(default = 0)]
    pub hidden: usize,
    /// ε. Default: 0 (GIN-0, which the paper finds as good as learning ε).
    #[config(default = 0.0)]
    pub eps: f64,
}

impl GinConvConfig {
    /// Builds the layer on `device`.
    pub fn init(&self, device: &Device) -> GinConv {
        let hidden = if self.hidden == 0 { self.input.max(self.output) } else { self.hidden };
        GinConv {
            mlp1: LinearConfig::new(self.input, hidden).init(device),
            mlp2: LinearConfig::new(hidden, self.output).init(device),
            eps: self.eps,
        }
    }
}

/// A GIN layer.
#[derive(Module, Debug)]
pub struct GinConv {
    /// First MLP layer.
    pub mlp1: Linear,
    /// Second MLP layer.
    pub mlp2: Linear,
    #[module(skip)]
    eps: f64,
}

impl GinConv {
    /// `[N, input] → [N, output]`. Edge weights are ignored (sum of neighbours).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let unweighted = GraphTensors { weight: None, ..graph.clone() };
        let h = propagate(x.clone(), &unweighted, Aggregation::Sum) + x * (1.0 + self.eps);
        self.mlp2.forward(relu(self.mlp1.forward(h)))
    }
}
