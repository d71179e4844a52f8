//! What crosses the client/server boundary: [`Message`] values only.

use serde::{Deserialize, Serialize};

use super::params::ParamSet;

/// One class prototype a client shares: the mean embedding of its `count` examples of `label`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrototypeEntry {
    /// The class.
    pub label: usize,
    /// How many local examples the vector averages.
    pub count: usize,
    /// The prototype vector.
    pub vector: Vec<f32>,
}

/// A message between the server and a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Message {
    /// Server → client: the global parameters of round `round` (1-based).
    Broadcast {
        /// The round.
        round: usize,
        /// The global parameters.
        params: ParamSet,
    },
    /// Client → server: its locally trained parameters.
    Update {
        /// The sending client's id.
        client: usize,
        /// `n_k`, the examples it trained on (FedAvg's weight).
        num_examples: usize,
        /// Its parameters after local training.
        params: ParamSet,
        /// Named local metrics (`train_accuracy`, `train_loss`).
        metrics: Vec<(String, f64)>,
    },
    /// Client → server: class prototypes (federated reconnaissance, prototype methods).
    Prototypes {
        /// The sending client's id.
        client: usize,
        /// One entry per class it has.
        entries: Vec<PrototypeEntry>,
    },
}

impl Message {
    /// The kind's name, for errors and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Broadcast { .. } => "broadcast",
            Self::Update { .. } => "update",
            Self::Prototypes { .. } => "prototypes",
        }
    }
}
