//! The TabPFN network (Hollmann et al. 2023, §4.1): a transformer over the rows of one dataset
//! that maps a training set and test inputs to class logits for every test row in one forward
//! pass.
//!
//! - Training rows are embedded as `enc_x(x) + enc_y(y)`, test rows as `enc_x(x)` only.
//!   `enc_x` is linear on the (preprocessed, zero-padded, NaN-as-0) feature vector as in v1;
//!   `enc_y` is a learned embedding of the class (v1 uses a linear map of the class index as a
//!   float; an embedding is easier for a small model trained briefly).
//! - [`TabPfnLayer`]s: every row attends to the training rows only; no positional encoding.
//! - Decoder `W₂ GELU(W₁ h)` on each test row gives `max_classes` logits.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Gelu, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor};

use crate::error::TabularError;
use crate::tabpfn::layer::{TabPfnLayer, TabPfnLayerConfig};

/// Configuration of a [`TabPfn`], with the limits it enforces.
///
/// v1's checkpoint: `d_model` 512, 4 heads, `d_hidden` 1024, 12 layers, 100 features,
/// 10 classes, 1024 training rows. The defaults here are the small model Kiln ships.
#[derive(Config, Debug, PartialEq)]
pub struct TabPfnConfig {
    /// Input width: most features a dataset may have (v1: 100).
    #[config(default = 100)]
    pub max_features: usize,
    /// Output width: most classes (v1: 10).
    #[config(default = 10)]
    pub max_classes: usize,
    /// Most training rows (v1: 1024).
    #[config(default = 1024)]
    pub max_train_rows: usize,
    /// Embedding width `d`.
    #[config(default = 96)]
    pub d_model: usize,
    /// Attention heads.
    #[config(default = 4)]
    pub n_heads: usize,
    /// Feed-forward and decoder hidden width.
    #[config(default = 192)]
    pub d_hidden: usize,
    /// Encoder layers.
    #[config(default = 4)]
    pub n_layers: usize,
}

impl TabPfnConfig {
    /// Builds the model.
    pub fn init(&self, device: &Device) -> TabPfn {
        let layer = TabPfnLayerConfig::new(self.d_model, self.n_heads, self.d_hidden);
        TabPfn {
            x_encoder: LinearConfig::new(self.max_features, self.d_model).init(device),
            y_encoder: EmbeddingConfig::new(self.max_classes, self.d_model).init(device),
            layers: (0..self.n_layers).map(|_| layer.init(device)).collect(),
            decoder1: LinearConfig::new(self.d_model, self.d_hidden).init(device),
            decoder2: LinearConfig::new(self.d_hidden, self.max_classes).init(device),
            activation: Gelu::new(),
            max_features: self.max_features,
            max_classes: self.max_classes,
            max_train_rows: self.max_train_rows,
        }
    }

    /// Checks that heads divide the width and the limits are positive.
    ///
    /// # Errors
    /// [`TabularError::InvalidConfig`].
    pub fn validate(&self) -> crate::Result<()> {
        if self.n_heads == 0 || !self.d_model.is_multiple_of(self.n_heads) {
            return Err(TabularError::InvalidConfig(format!(
                "d_model {} must be a positive multiple of n_heads {}",
                self.d_model, self.n_heads
            )));
        }
        if self.max_features == 0 || self.max_classes < 2 || self.max_train_rows == 0 {
            return Err(TabularError::InvalidConfig("max_features, max_train_rows > 0 and max_classes >= 2".into()));
        }
        Ok(())
    }
}

/// The TabPFN transformer.
#[derive(Module, Debug)]
pub struct TabPfn {
    /// `enc_x`: features → embedding.
    pub x_encoder: Linear,
    /// `enc_y`: class → embedding (training rows only).
    pub y_encoder: Embedding,
    /// Encoder layers.
    pub layers: Vec<TabPfnLayer>,
    /// First decoder map.
    pub decoder1: Linear,
    /// Second decoder map (to `max_classes` logits).
    pub decoder2: Linear,
    activation: Gelu,
    /// Input width.
    pub max_features: usize,
    /// Output width.
    pub max_classes: usize,
    /// Most training rows.
    pub max_train_rows: usize,
}

impl TabPfn {
    /// Logits of the test rows given the training rows.
    ///
    /// # Shapes
    /// - `x`: `[batch, n_train + n_test, max_features]`, training rows first;
    /// - `y_train`: `[batch, n_train]` classes in `0..max_classes`;
    /// - output: `[batch, n_test, max_classes]`.
    pub fn forward(&self, x: Tensor<3>, y_train: Tensor<2, Int>) -> Tensor<3> {
        let [batch, rows, _] = x.dims();
        let n_train = y_train.dims()[1];
        let hx = self.x_encoder.forward(x);
        let d = hx.dims()[2];
        let hy = self.y_encoder.forward(y_train);
        let hy = Tensor::cat(vec![hy, Tensor::zeros([batch, rows - n_train, d], &hx.device())], 1);
        let mut h = hx + hy;
        for layer in &self.layers {
            h = layer.forward(h, n_train);
        }
        let test = h.narrow(1, n_train, rows - n_train);
        self.decoder2.forward(self.activation.forward(self.decoder1.forward(test)))
    }
}
