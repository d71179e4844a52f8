//! [`SemiPflConfig`]: every setting of a SemiPFL run, with the official code's defaults
//! ([`SemiPflConfig::new`]) and a CPU preset for the 8×8 digits ([`SemiPflConfig::small`]).

use serde::{Deserialize, Serialize};

use super::local::LocalLoop;
use crate::error::{FedError, Result};

/// The settings of SemiPFL (hypernetwork, client autoencoder, base model, rounds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SemiPflConfig {
    /// Width of the hypernetwork's MLP.
    pub hyper_hidden: usize,
    /// Hidden layers of the hypernetwork's MLP (`Linear` + `ReLU` each, after the first
    /// `Linear`).
    pub hyper_layers: usize,
    /// Autoencoder widths: `[input, h₁, …, latent]`; the decoder mirrors them.
    pub ae_dims: Vec<usize>,
    /// Communication rounds (one server step per sampled client).
    pub rounds: usize,
    /// Clients sampled per round (the code samples one per step).
    pub clients_per_round: usize,
    /// Server learning rate (Adam on φ and the client embeddings).
    pub server_lr: f64,
    /// Global gradient-norm clip of the server step (`clip_grad_norm_`).
    pub clip_norm: f32,
    /// Local autoencoder epochs per round (`inner_step_for_AE`).
    pub ae_epochs: usize,
    /// Local autoencoder learning rate (Adam).
    pub ae_lr: f64,
    /// Local autoencoder weight decay (Adam's L2 term).
    pub ae_weight_decay: f32,
    /// Batch size of every local loop.
    pub batch_size: usize,
    /// Hidden width of the base model (`BN → FC latent→hidden → ReLU → BN → FC`).
    pub base_hidden: usize,
    /// Epochs the server trains the base model on its encoded labelled set.
    pub base_epochs: usize,
    /// Epochs the client fine-tunes the base model on its own labels.
    pub finetune_epochs: usize,
    /// Learning rate of the base model (server training and client fine-tuning, Adam).
    pub classifier_lr: f64,
    /// Batch size of the base model's loops.
    pub classifier_batch: usize,
    /// Server samples are used only when their reconstruction MSE under the client's
    /// autoencoder is below this.
    pub mse_threshold: f32,
    /// Seed of client sampling and batch orders (the device RNG is seeded by the caller).
    pub seed: u64,
}

impl Default for SemiPflConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl SemiPflConfig {
    /// The official code's settings: hypernetwork width 100 with 10 hidden layers, AE
    /// `9·30 → 256 → 128 → 64` (MobiAct windows of 30×9), 1000 rounds of one client, Adam 1e-3
    /// everywhere (local weight decay 5e-5), clip 50, 5 epochs for the AE, the server and the
    /// client, batch 128, base-model hidden width 16, MSE threshold 0.05.
    pub fn new() -> Self {
        Self {
            hyper_hidden: 100,
            hyper_layers: 10,
            ae_dims: vec![270, 256, 128, 64],
            rounds: 1000,
            clients_per_round: 1,
            server_lr: 1e-3,
            clip_norm: 50.0,
            ae_epochs: 5,
            ae_lr: 1e-3,
            ae_weight_decay: 5e-5,
            batch_size: 128,
            base_hidden: 16,
            base_epochs: 5,
            finetune_epochs: 5,
            classifier_lr: 1e-3,
            classifier_batch: 128,
            mse_threshold: 0.05,
            seed: 0,
        }
    }

    /// CPU preset for the 64-pixel digits: AE `64 → 64 → 32 → 16`, hypernetwork width 100
    /// with 2 hidden layers, 150 rounds of 2 clients, local Adam at 3e-3 (server too), batch
    /// 32, and base-model loops of 30 epochs
    /// at lr 1e-2 in batches of 16 (100 server examples and a handful of client labels make 5
    /// epochs of batch 128 at 1e-3 only 5 steps, which learn nothing).
    pub fn small() -> Self {
        Self {
            hyper_layers: 2,
            ae_dims: vec![64, 64, 32, 16],
            rounds: 150,
            clients_per_round: 2,
            batch_size: 32,
            ae_lr: 3e-3,
            server_lr: 3e-3,
            base_epochs: 30,
            finetune_epochs: 30,
            classifier_lr: 1e-2,
            classifier_batch: 16,
            ..Self::new()
        }
    }

    /// Checks every field's range.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("hyper_hidden", self.hyper_hidden),
            ("rounds", self.rounds),
            ("clients_per_round", self.clients_per_round),
            ("ae_epochs", self.ae_epochs),
            ("batch_size", self.batch_size),
            ("base_hidden", self.base_hidden),
            ("classifier_batch", self.classifier_batch),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        if self.ae_dims.len() < 2 || self.ae_dims.contains(&0) {
            return Err(FedError::setting(
                "ae_dims",
                format!("{:?}", self.ae_dims),
                "needs an input and a latent width, none 0",
            ));
        }
        for (field, lr) in [("server_lr", self.server_lr), ("ae_lr", self.ae_lr), ("classifier_lr", self.classifier_lr)]
        {
            if !(lr > 0.0 && lr.is_finite()) {
                return Err(FedError::setting(field, lr, "must be a finite number above 0"));
            }
        }
        if self.clip_norm.is_nan() || self.clip_norm <= 0.0 {
            return Err(FedError::setting("clip_norm", self.clip_norm, "must be above 0"));
        }
        if self.mse_threshold.is_nan() || self.mse_threshold <= 0.0 {
            return Err(FedError::setting("mse_threshold", self.mse_threshold, "must be above 0"));
        }
        Ok(())
    }

    /// The client embedding's width, `1 + ⌊n/4⌋` for `n` clients (the code's
    /// `int(1 + n / 4)`).
    pub fn embedding_dim(clients: usize) -> usize {
        1 + clients / 4
    }

    /// The client's autoencoder loop: `ae_epochs` of batch `batch_size`, Adam at `ae_lr` with
    /// `ae_weight_decay`, in the order of `seed`.
    pub fn ae_loop(&self, seed: u64) -> LocalLoop {
        LocalLoop {
            epochs: self.ae_epochs,
            batch: self.batch_size,
            lr: self.ae_lr,
            weight_decay: self.ae_weight_decay,
            seed,
        }
    }

    /// A base-model loop of `epochs` (batch `classifier_batch`, Adam at `classifier_lr`).
    pub fn classifier_loop(&self, epochs: usize, seed: u64) -> LocalLoop {
        LocalLoop { epochs, batch: self.classifier_batch, lr: self.classifier_lr, weight_decay: 0.0, seed }
    }
}
