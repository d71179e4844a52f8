//! What a run of the federated reconnaissance benchmark measured
//! ([`ReconBenchmark`](super::ReconBenchmark)): the pretraining, eval 0, and per mission eval 1
//! (each client) and eval 2 (the server), with the bytes of each merge; the records of the
//! official `eval_0_base_test.csv`, `eval_1_test.csv` and `eval_2_test.csv`
//! (ml4ai/fed-recon, `fed_recon/benchmark/client_server.py`). Serialisable, so a CLI can write
//! a report as JSON.

use serde::{Deserialize, Serialize};

use super::benchmark::ReconBenchmarkConfig;

/// The episodic pretraining of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PretrainRecord {
    /// Episodes trained on.
    pub episodes: usize,
    /// Mean prototypical loss over the last epoch's episodes.
    pub final_loss: f64,
    /// Mean query accuracy over the last epoch's episodes.
    pub final_accuracy: f64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Eval 1 of one client in one mission: its model (the server's prototypes plus its mission
/// prototypes) on base, reconned and mission classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientEval {
    /// The client.
    pub client: usize,
    /// The field classes it drew, ascending.
    pub classes: Vec<usize>,
    /// Images it brought back.
    pub examples: usize,
    /// Accuracy on the base classes' test images.
    pub base_accuracy: f64,
    /// Accuracy on the test images of the classes reconned before this mission (`None` in the
    /// first mission).
    pub reconned_accuracy: Option<f64>,
    /// Accuracy on its mission classes' test images.
    pub mission_accuracy: f64,
}

/// Eval 2 of one mission: the server after merging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerEval {
    /// Field classes reconned so far, ascending.
    pub field_classes: Vec<usize>,
    /// Accuracy on the base classes' test images.
    pub base_accuracy: f64,
    /// Accuracy on the test images of every reconned field class.
    pub field_accuracy: f64,
}

/// One mission of the benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconMission {
    /// The mission (1-based).
    pub mission: usize,
    /// Eval 1, one entry per client that went out, by id.
    pub clients: Vec<ClientEval>,
    /// Eval 2.
    pub server: ServerEval,
    /// Bytes of the clients' prototype messages merged by the server.
    pub bytes_received: u64,
    /// Wall-clock seconds (sampling, eval 1, merge, eval 2).
    pub seconds: f64,
}

/// Everything a run measured, ready to write as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReconReport {
    /// The configuration run.
    pub config: ReconBenchmarkConfig,
    /// Width of the embeddings (and prototypes).
    pub embedding_dim: usize,
    /// The pretraining (`None` when the encoder was given).
    pub pretraining: Option<PretrainRecord>,
    /// Bytes of the base prototypes (one message of `B` prototypes).
    pub base_memory_bytes: u64,
    /// Eval 0: the server on the base classes before any mission.
    pub eval0_base_accuracy: f64,
    /// The missions in order.
    pub missions: Vec<ReconMission>,
    /// Field training images sampled by all missions.
    pub field_examples_seen: usize,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
}
