//! The predictor's MLPs in the official NCN code's shape: a chain of linear layers, each
//! optionally followed by LayerNorm and by dropout and ReLU, so `tailact` (an MLP that ends on
//! its activation) and the per-layer placement of LayerNorm (`--lnnn`) can be written down as
//! the official `nn.Sequential`s are.

use burn::module::Module;
use burn::nn::{Dropout, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

/// One layer: `x W + b`, then LayerNorm if present, then dropout and ReLU if `activate`.
#[derive(Module, Debug)]
pub struct Dense {
    /// The linear map.
    pub linear: Linear,
    /// LayerNorm after it.
    pub norm: Option<LayerNorm>,
    #[module(skip)]
    activate: bool,
}

impl Dense {
    /// `input → output`, with LayerNorm when `norm`, ending on dropout and ReLU when `activate`.
    pub fn new(input: usize, output: usize, norm: bool, activate: bool, device: &Device) -> Self {
        Self {
            linear: LinearConfig::new(input, output).init(device),
            norm: norm.then(|| LayerNormConfig::new(output).init(device)),
            activate,
        }
    }
}

/// A chain of [`Dense`] layers sharing one dropout.
#[derive(Module, Debug)]
pub struct Mlp {
    /// The layers, in order.
    pub layers: Vec<Dense>,
}

impl Mlp {
    /// `[P, input] → [P, output]`.
    pub fn forward(&self, mut x: Tensor<2>, dropout: &Dropout) -> Tensor<2> {
        for layer in &self.layers {
            x = layer.linear.forward(x);
            if let Some(norm) = &layer.norm {
                x = norm.forward(x);
            }
            if layer.activate {
                x = relu(dropout.forward(x));
            }
        }
        x
    }
}
