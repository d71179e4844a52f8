//! The entity embedding of PE-Net and its building blocks.
//!
//! - [`Mlp2`]: the official `MLP(in, hidden, out, 2)`, `Linear → ReLU → Linear`.
//! - [`VisualToSemantic`]: `h(x) = W₂ Dropout(ReLU(W₁ x))`, `m → 2m → m`, shared by subjects,
//!   objects and union boxes.
//! - [`EntityEmbedding`]: `s = W_s t_s + g_s ⊙ h(x_s)` with `g_s = σ(Linear[W_s t_s ; h(x_s)])`,
//!   then `s ← LayerNorm(Dropout(ReLU(Linear(s))) + s)` (the official "for the model
//!   convergence" residual block).

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, sigmoid};

/// `Linear(in → hidden) → ReLU → Linear(hidden → out)`.
#[derive(Module, Debug)]
pub struct Mlp2 {
    /// First layer.
    pub first: Linear,
    /// Second layer.
    pub second: Linear,
}

impl Mlp2 {
    /// An MLP `input → hidden → output`.
    pub fn new(input: usize, hidden: usize, output: usize, device: &Device) -> Self {
        Self {
            first: LinearConfig::new(input, hidden).init(device),
            second: LinearConfig::new(hidden, output).init(device),
        }
    }

    /// `W₂ ReLU(W₁ x + b₁) + b₂`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.second.forward(relu(self.first.forward(x)))
    }
}

/// The visual-to-semantic map `h(x) = W₂ Dropout(ReLU(W₁ x))`, `m → 2m → m`.
#[derive(Module, Debug)]
pub struct VisualToSemantic {
    /// `m → 2m`.
    pub first: Linear,
    /// `2m → m`.
    pub second: Linear,
    dropout: Dropout,
}

impl VisualToSemantic {
    /// The map of width `mlp_dim` with dropout `dropout`.
    pub fn new(mlp_dim: usize, dropout: f64, device: &Device) -> Self {
        Self {
            first: LinearConfig::new(mlp_dim, 2 * mlp_dim).init(device),
            second: LinearConfig::new(2 * mlp_dim, mlp_dim).init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// `h(x)`, `[n, m] → [n, m]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.second.forward(self.dropout.forward(relu(self.first.forward(x))))
    }
}

/// One side (subject or object) of the entity embedding: `W t` (word → m/2 → m), the gate
/// `2m → m`, and the residual block (Linear m → m, dropout, LayerNorm).
#[derive(Module, Debug)]
pub struct EntityEmbedding {
    /// `W_s` (or `W_o`): `word → m/2 → m`.
    pub word: Mlp2,
    /// The gate `g = σ(Linear[W t ; h(x)])`, `2m → m`.
    pub gate: Linear,
    /// The residual block's linear map `m → m`.
    pub linear: Linear,
    /// The residual block's LayerNorm.
    pub norm: LayerNorm,
    dropout: Dropout,
}

impl EntityEmbedding {
    /// One side for word vectors of `word_dim` and width `mlp_dim`.
    pub fn new(word_dim: usize, mlp_dim: usize, dropout: f64, device: &Device) -> Self {
        Self {
            word: Mlp2::new(word_dim, mlp_dim / 2, mlp_dim, device),
            gate: LinearConfig::new(2 * mlp_dim, mlp_dim).init(device),
            linear: LinearConfig::new(mlp_dim, mlp_dim).init(device),
            norm: LayerNormConfig::new(mlp_dim).init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// The gated sum before the residual block, `W t + σ(Linear[W t ; v]) ⊙ v`, with the visual
    /// semantics `v = h(x)` already computed. `t`: `[n, word]`, `v`: `[n, m]`.
    pub fn gated(&self, t: Tensor<2>, v: Tensor<2>) -> Tensor<2> {
        let wt = self.word.forward(t);
        let g = sigmoid(self.gate.forward(Tensor::cat(vec![wt.clone(), v.clone()], 1)));
        wt + v * g
    }

    /// `LayerNorm(Dropout(ReLU(Linear(e))) + e)` of the gated sum `e`: the entity embedding.
    pub fn forward(&self, t: Tensor<2>, v: Tensor<2>) -> Tensor<2> {
        let e = self.gated(t, v);
        self.norm.forward(self.dropout.forward(relu(self.linear.forward(e.clone()))) + e)
    }
}
