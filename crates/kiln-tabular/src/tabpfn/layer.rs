//! One TabPFN encoder layer (Hollmann et al. 2023, §4.1 and Fig. 1; v1's `TransformerEncoderLayer`
//! with `efficient_eval_masking`).
//!
//! Post-LN: `h ← LN(h + Attn(Q = h, K = V = h_train))`, `h ← LN(h + W₂ GELU(W₁ h))`.
//! Every row, train or test, attends to the *training rows only*: this is TabPFN's attention
//! mask (train ↔ train, test → train, never test → test) computed without a mask by using the
//! training rows as the only keys and values. Consequently a test row's output depends on the
//! training set and on itself alone. There is no positional encoding, so the output is
//! invariant to the order of the training rows (up to float rounding).

use burn::config::Config;
use burn::module::Module;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{Gelu, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};

/// Configuration of a [`TabPfnLayer`].
#[derive(Config, Debug)]
pub struct TabPfnLayerConfig {
    /// Embedding width `d` (v1: 512).
    pub d_model: usize,
    /// Attention heads (v1: 4).
    pub n_heads: usize,
    /// Width of the feed-forward block (v1: 1024).
    pub d_hidden: usize,
}

impl TabPfnLayerConfig {
    /// Builds the layer; the attention output and the second feed-forward map start at zero, as
    /// in v1, so every layer starts as the identity (before the layer norms).
    pub fn init(&self, device: &Device) -> TabPfnLayer {
        let mut attention = MultiHeadAttentionConfig::new(self.d_model, self.n_heads).with_dropout(0.0).init(device);
        attention.output =
            LinearConfig::new(self.d_model, self.d_model).with_initializer(Initializer::Zeros).init(device);
        TabPfnLayer {
            attention,
            norm1: LayerNormConfig::new(self.d_model).init(device),
            linear1: LinearConfig::new(self.d_model, self.d_hidden).init(device),
            linear2: LinearConfig::new(self.d_hidden, self.d_model).with_initializer(Initializer::Zeros).init(device),
            norm2: LayerNormConfig::new(self.d_model).init(device),
            activation: Gelu::new(),
        }
    }
}

/// A post-LN transformer layer whose keys and values are the training rows.
#[derive(Module, Debug)]
pub struct TabPfnLayer {
    /// Multi-head attention.
    pub attention: MultiHeadAttention,
    /// Layer norm after attention.
    pub norm1: LayerNorm,
    /// First feed-forward map.
    pub linear1: Linear,
    /// Second feed-forward map.
    pub linear2: Linear,
    /// Layer norm after the feed-forward block.
    pub norm2: LayerNorm,
    activation: Gelu,
}

impl TabPfnLayer {
    /// # Shapes
    /// `h`: `[batch, rows, d]` with the `n_train` training rows first → `[batch, rows, d]`.
    pub fn forward(&self, h: Tensor<3>, n_train: usize) -> Tensor<3> {
        let context = h.clone().narrow(1, 0, n_train);
        let attended = self.attention.forward(MhaInput::new(h.clone(), context.clone(), context)).context;
        let h = self.norm1.forward(h + attended);
        let ff = self.linear2.forward(self.activation.forward(self.linear1.forward(h.clone())));
        self.norm2.forward(h + ff)
    }
}
