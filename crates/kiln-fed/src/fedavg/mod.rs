//! FedAvg: McMahan, Moore, Ramage, Hampson & Agüera y Arcas, "Communication-Efficient Learning
//! of Deep Networks from Decentralized Data", AISTATS 2017.
//!
//! Each round `t` the server samples `m = max(C·K, 1)` of the `K` clients, sends them `w_t`;
//! each client `k` runs `E` epochs of minibatch SGD (batch `B`) on its `n_k` examples from
//! `w_t` and returns `w^k_{t+1}`; the server sets
//!
//! `w_{t+1} = Σ_{k ∈ S_t} (n_k / n) · w^k_{t+1}`,  `n = Σ_{k ∈ S_t} n_k`
//!
//! (Algorithm 1; the sum runs over the sampled clients). Paper defaults: `C = 0.1`, `E = 5`,
//! `B = 10`.
//!
//! Deviations: the learning rate is fixed (the paper tuned it per experiment from a grid;
//! 0.1 is the order of its MNIST values; the CPU preset uses 0.2); the number of rounds is a setting (the paper ran
//! until a target accuracy); the local optimiser is plain SGD by default but any of the
//! engine's optimisers can be chosen, and it is created fresh every round (no state crosses
//! rounds, as in the paper). The weighted sum is accumulated in `f64` in client-id order and
//! rounded once to `f32`, so averaging identical models returns them unchanged.

use kiln_core::train::OptimizerConfig;

use crate::core::{Aggregator, ClientUpdate, ParamSet, RoundSettings};
use crate::error::{FedError, Result};

/// Federated averaging.
#[derive(Debug, Clone, PartialEq)]
pub struct FedAvg {
    /// Round settings (`C`, `E`, `B`, learning rate, rounds).
    pub settings: RoundSettings,
    /// Suggested number of clients for this preset (what the reproduce program and the CLI
    /// split the data into); the federation itself uses the clients it is given.
    pub clients: usize,
}

impl Default for FedAvg {
    fn default() -> Self {
        Self::new()
    }
}

impl FedAvg {
    /// The paper's defaults: `C = 0.1`, `E = 5`, `B = 10`, SGD at 0.1, 100 clients (the MNIST
    /// setting), 100 rounds.
    pub fn new() -> Self {
        Self {
            settings: RoundSettings {
                rounds: 100,
                fraction: 0.1,
                local_epochs: 5,
                batch_size: 10,
                lr: 0.1,
                optimizer: OptimizerConfig::Sgd { momentum: 0.0, weight_decay: 0.0 },
            },
            clients: 100,
        }
    }

    /// A CPU preset: 10 clients, `C = 0.5`, `E = 1`, `B = 16`, 20 rounds, SGD at 0.2 (with
    /// one local epoch per round, 0.1 leaves the digits MLP at ~91% after 20 rounds, 0.2 at
    /// ~94%).
    pub fn small() -> Self {
        let mut out = Self::new();
        out.settings.lr = 0.2;
        out.settings.rounds = 20;
        out.settings.fraction = 0.5;
        out.settings.local_epochs = 1;
        out.settings.batch_size = 16;
        out.clients = 10;
        out
    }

    /// Sets the number of rounds.
    pub fn with_rounds(mut self, rounds: usize) -> Self {
        self.settings.rounds = rounds;
        self
    }

    /// Sets `C`.
    pub fn with_fraction(mut self, fraction: f64) -> Self {
        self.settings.fraction = fraction;
        self
    }

    /// Sets `E`.
    pub fn with_local_epochs(mut self, epochs: usize) -> Self {
        self.settings.local_epochs = epochs;
        self
    }

    /// Sets `B`.
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.settings.batch_size = batch_size;
        self
    }

    /// Sets the local learning rate.
    pub fn with_lr(mut self, lr: f64) -> Self {
        self.settings.lr = lr;
        self
    }

    /// Sets the local optimiser.
    pub fn with_optimizer(mut self, optimizer: OptimizerConfig) -> Self {
        self.settings.optimizer = optimizer;
        self
    }
}

/// `Σ_k (n_k / n) · w_k` over `updates`, checked against `global`'s layout.
///
/// # Errors
/// [`FedError::ParamMismatch`] naming a client whose update has other paths or shapes;
/// [`FedError::InvalidSetting`] when there are no updates or `n = 0`.
pub fn weighted_mean(global: &ParamSet, updates: &[ClientUpdate]) -> Result<ParamSet> {
    for u in updates {
        global.check_layout(&u.params, Some(u.client))?;
    }
    let total: usize = updates.iter().map(|u| u.num_examples).sum();
    if total == 0 {
        return Err(FedError::setting("num_examples", 0, "the updates of a round must cover at least one example"));
    }
    let n = total as f64;
    let mut out = global.clone();
    for (t, tensor) in out.tensors.iter_mut().enumerate() {
        let mut acc = vec![0f64; tensor.values.len()];
        for u in updates {
            let w = u.num_examples as f64;
            for (a, &v) in acc.iter_mut().zip(&u.params.tensors[t].values) {
                *a += w * f64::from(v);
            }
        }
        for (dst, a) in tensor.values.iter_mut().zip(acc) {
            *dst = (a / n) as f32;
        }
    }
    Ok(out)
}

impl Aggregator for FedAvg {
    fn name(&self) -> &'static str {
        "fedavg"
    }

    fn settings(&self) -> &RoundSettings {
        &self.settings
    }

    fn aggregate(&self, global: &ParamSet, updates: &[ClientUpdate]) -> Result<ParamSet> {
        weighted_mean(global, updates)
    }
}
