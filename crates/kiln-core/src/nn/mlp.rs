//! A multi-layer perceptron: `Linear → ReLU → Dropout` blocks and a linear head.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig, Relu};
use burn::prelude::{Device, Tensor};

/// Configuration of an [`Mlp`].
#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Input features.
    pub input: usize,
    /// Output features (classes).
    pub output: usize,
    /// Widths of the hidden layers. Default: `[128, 64]`.
    #[config(default = "vec![128, 64]")]
    pub hidden: Vec<usize>,
    /// Dropout after each hidden activation. Default: 0.
    #[config(default = 0.0)]
    pub dropout: f64,
}

impl MlpConfig {
    /// An MLP for `channels × height × width` images flattened channel-major then row-major
    /// (CHW): `input = channels · height · width` features, the default hidden widths. An MLP
    /// sees every pixel at once, so there is no receptive field to fit; the default
    /// initialisation (uniform with bound `1/√fan_in`) keeps activations at the same scale for
    /// any input width, from 28×28 grey (784) to 64×64 RGB (12 288).
    pub fn for_input(channels: usize, height: usize, width: usize, num_classes: usize) -> Self {
        Self::new(channels * height * width, num_classes)
    }

    /// Builds the MLP on `device`.
    pub fn init(&self, device: &Device) -> Mlp {
        let mut widths = vec![self.input];
        widths.extend(&self.hidden);
        let hidden = widths.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect();
        let last = widths.last().copied().unwrap_or(self.input);
        Mlp {
            hidden,
            head: LinearConfig::new(last, self.output).init(device),
            activation: Relu::new(),
            dropout: DropoutConfig::new(self.dropout).init(),
        }
    }
}

/// `x ↦ W_out · σ(… σ(W_1 x + b_1) …) + b_out` with `σ` = ReLU.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Hidden layers.
    pub hidden: Vec<Linear>,
    /// Output layer.
    pub head: Linear,
    activation: Relu,
    dropout: Dropout,
}

impl Mlp {
    /// # Shapes
    /// `[batch, input] → [batch, output]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.embed(x);
        self.head.forward(x)
    }

    /// The last hidden representation, `[batch, hidden.last]`.
    pub fn embed(&self, mut x: Tensor<2>) -> Tensor<2> {
        for layer in &self.hidden {
            x = self.dropout.forward(self.activation.forward(layer.forward(x)));
        }
        x
    }
}
