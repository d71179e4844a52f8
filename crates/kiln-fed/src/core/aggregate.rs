//! What a federated algorithm decides: the round settings and how updates are combined.

use kiln_core::train::OptimizerConfig;
use serde::{Deserialize, Serialize};

use super::params::ParamSet;
use crate::error::{FedError, Result};

/// The settings of every round of a federation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundSettings {
    /// Number of communication rounds.
    pub rounds: usize,
    /// `C`: the fraction of clients sampled each round (at least one is).
    pub fraction: f64,
    /// `E`: local epochs per round.
    pub local_epochs: usize,
    /// `B`: local batch size.
    pub batch_size: usize,
    /// Local learning rate.
    pub lr: f64,
    /// Local optimiser, created fresh every round.
    pub optimizer: OptimizerConfig,
}

impl RoundSettings {
    /// Checks every field's range.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.rounds == 0 {
            return Err(FedError::setting("rounds", 0, "must be at least 1"));
        }
        if !(self.fraction > 0.0 && self.fraction <= 1.0) {
            return Err(FedError::setting("fraction", self.fraction, "must be in (0, 1]"));
        }
        if self.local_epochs == 0 {
            return Err(FedError::setting("local_epochs", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(FedError::setting("batch_size", 0, "must be at least 1"));
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(FedError::setting("lr", self.lr, "must be a finite number above 0"));
        }
        Ok(())
    }

    /// `m = max(⌊C·K + ½⌋, 1)`: clients sampled per round out of `clients` (never more than
    /// there are).
    pub fn clients_per_round(&self, clients: usize) -> usize {
        ((self.fraction * clients as f64).round() as usize).clamp(1, clients.max(1))
    }
}

/// One client's contribution to a round, as the server decoded it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientUpdate {
    /// The client's id.
    pub client: usize,
    /// `n_k`: examples it trained on.
    pub num_examples: usize,
    /// Its parameters after local training.
    pub params: ParamSet,
    /// Its named metrics.
    pub metrics: Vec<(String, f64)>,
}

impl ClientUpdate {
    /// The metric called `name`, if it sent one.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }
}

/// A federated algorithm's server side: its round settings and how it combines updates.
pub trait Aggregator: Send + Sync {
    /// A short name for logs (`fedavg`).
    fn name(&self) -> &'static str;

    /// The settings of every round.
    fn settings(&self) -> &RoundSettings;

    /// The new global parameters from the current ones and this round's updates (sorted by
    /// client id).
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] naming the client whose update does not fit `global`.
    fn aggregate(&self, global: &ParamSet, updates: &[ClientUpdate]) -> Result<ParamSet>;
}
