//! GCN (Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional Networks",
//! ICLR 2017, eq. 2): `X' = D̃^{-1/2} (A + I) D̃^{-1/2} X W + b`, with `D̃_ii = Σ_j (A + I)_ij`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};

use crate::message_passing::{Aggregation, GraphTensors, propagate};

/// Configuration of a [`GcnConv`].
#[derive(Config, Debug)]
pub struct GcnConvConfig {
    /// Input features.
    pub input: usize,
    /// Output features.
    pub output: usize,
    /// Add self-loops before normalising. Default: true.
    #[config(default = true)]
    pub add_self_loops: bool,
    /// Learn a bias. Default: true.
    #[config(default = true)]
    pub bias: bool,
}

impl GcnConvConfig {
    /// Builds the layer on `device`.
    pub fn init(&self, device: &Device) -> GcnConv {
        GcnConv {
            linear: LinearConfig::new(self.input, self.output).with_bias(false).init(device),
            bias: self.bias.then(|| burn::module::Param::from_tensor(Tensor::zeros([self.output], device))),
            add_self_loops: self.add_self_loops,
        }
    }
}

/// A graph convolution `X' = Â X W + b`.
#[derive(Module, Debug)]
pub struct GcnConv {
    /// `W`, without bias (the bias is added after propagation, as in PyG).
    pub linear: Linear,
    /// `b`.
    pub bias: Option<burn::module::Param<Tensor<1>>>,
    #[module(skip)]
    add_self_loops: bool,
}

impl GcnConv {
    /// `[N, input] → [N, output]`; normalises `graph` (its weights, if any, are `A`'s entries).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        self.forward_normalized(x, &graph.gcn_norm(self.add_self_loops))
    }

    /// The same with `Â` already computed ([`GraphTensors::gcn_norm`]), to reuse it across layers.
    pub fn forward_normalized(&self, x: Tensor<2>, normalized: &GraphTensors) -> Tensor<2> {
        let out = propagate(self.linear.forward(x), normalized, Aggregation::Sum);
        match &self.bias {
            Some(b) => out + b.val().unsqueeze_dim::<2>(0),
            None => out,
        }
    }
}
