//! The base model the server trains on encoded data and the client fine-tunes:
//! `BN → FC latent→hidden → ReLU → BN → FC hidden→classes → log-softmax`, trained with NLL.

use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor};
use burn::tensor::activation::{log_softmax, relu};

/// The base classifier.
#[derive(Module, Debug)]
pub struct BaseModel {
    /// Normalises the input features.
    pub norm_in: BatchNorm,
    /// `latent → hidden`.
    pub fc1: Linear,
    /// Normalises the hidden features.
    pub norm_hidden: BatchNorm,
    /// `hidden → classes`.
    pub fc2: Linear,
}

impl BaseModel {
    /// A base model for `input` features, `hidden` units and `classes` outputs.
    pub fn new(input: usize, hidden: usize, classes: usize, device: &Device) -> Self {
        Self {
            norm_in: BatchNormConfig::new(input).init(device),
            fc1: LinearConfig::new(input, hidden).init(device),
            norm_hidden: BatchNormConfig::new(hidden).init(device),
            fc2: LinearConfig::new(hidden, classes).init(device),
        }
    }

    /// Log-probabilities `[batch, classes]` of `[batch, input]` features.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let h = relu(self.fc1.forward(self.norm_in.forward(x)));
        log_softmax(self.fc2.forward(self.norm_hidden.forward(h)), 1)
    }
}

/// The negative log-likelihood `−(1/n) Σ_i log p_i[y_i]` of log-probabilities `[n, classes]`.
pub fn nll(log_probs: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = log_probs.dims();
    log_probs.gather(1, targets.reshape([n, 1])).mean().neg()
}
