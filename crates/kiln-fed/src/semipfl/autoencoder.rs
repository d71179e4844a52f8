//! The client's autoencoder: fully connected, `in → h₁ → … → latent` with ReLU, the decoder
//! mirroring it with ReLU and a Tanh output.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, tanh};

/// Builds an [`Autoencoder`].
#[derive(Debug, Clone, PartialEq)]
pub struct AutoencoderConfig {
    /// `[input, h₁, …, latent]`.
    pub dims: Vec<usize>,
}

impl AutoencoderConfig {
    /// An autoencoder of widths `dims`.
    pub fn new(dims: Vec<usize>) -> Self {
        Self { dims }
    }

    /// The autoencoder with burn's default initialisation (uniform ±1/√fan_in).
    pub fn init(&self, device: &Device) -> Autoencoder {
        let pairs: Vec<(usize, usize)> = self.dims.windows(2).map(|w| (w[0], w[1])).collect();
        Autoencoder {
            encoder: pairs.iter().map(|&(a, b)| LinearConfig::new(a, b).init(device)).collect(),
            decoder: pairs.iter().rev().map(|&(a, b)| LinearConfig::new(b, a).init(device)).collect(),
        }
    }
}

/// A fully connected autoencoder; its parameters are what the hypernetwork generates.
#[derive(Module, Debug)]
pub struct Autoencoder {
    /// Encoder layers, input to latent.
    pub encoder: Vec<Linear>,
    /// Decoder layers, latent to input.
    pub decoder: Vec<Linear>,
}

impl Autoencoder {
    /// `z = ReLU(W_k … ReLU(W_1 x))`: `[batch, in] → [batch, latent]`.
    pub fn encode(&self, mut x: Tensor<2>) -> Tensor<2> {
        for layer in &self.encoder {
            x = relu(layer.forward(x));
        }
        x
    }

    /// `x̂ = tanh(V_1 ReLU(… ReLU(V_k z)))`: `[batch, latent] → [batch, in]`.
    pub fn decode(&self, mut z: Tensor<2>) -> Tensor<2> {
        let last = self.decoder.len().saturating_sub(1);
        for (i, layer) in self.decoder.iter().enumerate() {
            z = layer.forward(z);
            z = if i == last { tanh(z) } else { relu(z) };
        }
        z
    }

    /// The reconstruction `decode(encode(x))`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.decode(self.encode(x))
    }

    /// Per-example reconstruction MSE, `(1/d) Σ_j (x̂_j − x_j)²`: `[batch, in] → [batch]`.
    pub fn errors(&self, x: Tensor<2>) -> Tensor<1> {
        let diff = self.forward(x.clone()) - x;
        diff.powi_scalar(2).mean_dim(1).squeeze_dim(1)
    }
}
