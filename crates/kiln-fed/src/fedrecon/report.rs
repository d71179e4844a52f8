//! What a run of the federated reconnaissance benchmark measured
//! ([`ReconBenchmark`](super::ReconBenchmark)): the pretraining, eval 0, and per mission eval 1
//! (each client) and eval 2 (the server), with the bytes of each merge; the records of the
//! official `eval_0_base_test.csv`, `eval_1_test.csv` and `eval_2_test.csv`
//! (ml4ai/fed-recon, `fed_recon/benchmark/client_server.py`); per mission, each compared
//! method's server model on the classes known before the mission and on the mission's classes
//! ([`MethodEval`]). Serialisable, so a CLI can write a report as JSON.

use serde::{Deserialize, Serialize};

use super::baselines::{Baseline, BaselineSettings};
use super::config::ReconBenchmarkConfig;

/// A method compared on the benchmark's missions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReconMethod {
    /// Prototype averaging (federated reconnaissance).
    Prototypes,
    /// A gradient baseline.
    Gradient(Baseline),
}

/// One method's model after a mission (the server's; the lower bound's one client), on the
/// test images. Accuracies are pooled over the images of the classes named, `None` when
/// there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodEval {
    /// The method.
    pub method: ReconMethod,
    /// On the classes known before the mission and not drawn in it (the base classes and the
    /// field classes of earlier missions): what forgetting would lose.
    pub earlier_accuracy: Option<f64>,
    /// On the classes the mission's clients drew (new, or revisited with new images).
    pub mission_accuracy: Option<f64>,
    /// On both.
    pub all_accuracy: Option<f64>,
    /// Bytes exchanged in the mission: prototype messages received; FedAvg's broadcasts and
    /// updates; 0 for the lower and upper bounds.
    pub bytes: u64,
    /// Wall-clock seconds of its mission and evaluation.
    pub seconds: f64,
}

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
    /// Prototype averaging first, then each gradient baseline run
    /// ([`ReconBenchmark::run_with_baselines`](super::ReconBenchmark::run_with_baselines)).
    #[serde(default)]
    pub methods: Vec<MethodEval>,
    /// Wall-clock seconds (sampling, eval 1, merge, eval 2, the baselines).
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
    /// The gradient baselines' settings (`None` when none ran).
    #[serde(default)]
    pub baselines: Option<BaselineSettings>,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
}
