//! [`Federation`]: simulated clients around a server model, one engine action per round.
//!
//! A run is the server's [`Trainer::fit`] over the action phases `round-0001`, `round-0002`,
//! …: each action runs a whole round (see [`round`](super::round)) on the model it is given
//! and returns the aggregated model. The engine then checkpoints it (burnpack weights and its
//! JSON run state, per round), logs the round in `metrics.jsonl`, and `with_resume(true)`
//! continues from the last completed round. The federation adds `rounds.jsonl`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use kiln_core::train::{BatchSource, Phase, TrainModel, Trainer};
use kiln_data::Batcher;

use super::aggregate::Aggregator;
use super::client::Client;
use super::record::FedReport;
use super::round::{RoundClient, Rounds, RunLog};
use super::source::NoBatches;
use super::transport::{InProcess, Transport};
use crate::error::{FedError, Result};

/// The phase name of round `round` (1-based): `round-0012`.
pub fn round_name(round: usize) -> String {
    format!("round-{round:04}")
}

/// A federation: a server model, clients with their shards and devices, an algorithm, the
/// batcher that turns a client's items into batches, and a transport.
///
/// Reproducibility: the client sample of round `t` and each client's shuffling derive from the
/// trainer's seed and `t` ([`SAMPLE_STREAM`](super::SAMPLE_STREAM),
/// [`CLIENT_STREAM`](super::CLIENT_STREAM)); updates are aggregated in client-id order, so a
/// run (and a resumed run) is bit-exact whatever the threads' timing. Clients train in
/// parallel threads that share burn's process-wide device RNG, so a model that draws from it
/// while training (dropout) is not bit-exact across runs.
///
/// ```ignore
/// let (model, report) = Federation::new(model, clients, FedAvg::small(), VectorBatcher::default())
///     .with_transport(InProcess::new())
///     .with_validation(test_loader)
///     .run(&Trainer::new(device).with_run_dir("runs/fed").with_seed(7))?;
/// ```
pub struct Federation<M: TrainModel, I> {
    model: M,
    clients: Vec<Client<I>>,
    aggregator: Arc<dyn Aggregator>,
    batcher: Arc<dyn Batcher<I, M::Batch>>,
    transport: Arc<dyn Transport>,
    valid: Option<Arc<dyn BatchSource<M::Batch>>>,
    halt_after_rounds: Option<usize>,
    progress: bool,
}

impl<M, I> Federation<M, I>
where
    M: TrainModel,
    M::Batch: 'static,
    I: Clone + Send + Sync + 'static,
{
    /// A federation of `clients` around the server's `model`, run by `aggregator` (its round
    /// settings and aggregation), with clients' items batched by `batcher`; messages go
    /// through an [`InProcess`] transport unless [`with_transport`](Self::with_transport)
    /// says otherwise.
    pub fn new(
        model: M,
        clients: Vec<Client<I>>,
        aggregator: impl Aggregator + 'static,
        batcher: impl Batcher<I, M::Batch> + 'static,
    ) -> Self {
        Self {
            model,
            clients,
            aggregator: Arc::new(aggregator),
            batcher: Arc::new(batcher),
            transport: Arc::new(InProcess::new()),
            valid: None,
            halt_after_rounds: None,
            progress: false,
        }
    }

    /// Sends every message through `transport`.
    pub fn with_transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Arc::new(transport);
        self
    }

    /// Evaluates the aggregated model on `valid` after every round (logged as
    /// `valid_accuracy`).
    pub fn with_validation(mut self, valid: impl BatchSource<M::Batch> + 'static) -> Self {
        self.valid = Some(Arc::new(valid));
        self
    }

    /// Stops after `rounds` rounds in this call, as if the process were killed after the
    /// checkpoint of the last of them; a later run with `with_resume(true)` continues.
    pub fn with_halt_after_rounds(mut self, rounds: usize) -> Self {
        self.halt_after_rounds = Some(rounds);
        self
    }

    /// Prints one line per round on stderr.
    pub fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    fn validate(&self) -> Result<()> {
        self.aggregator.settings().validate()?;
        if self.clients.is_empty() {
            return Err(FedError::setting("clients", 0, "a federation needs at least one client"));
        }
        let mut seen = HashSet::new();
        for client in &self.clients {
            if !seen.insert(client.id) {
                return Err(FedError::DuplicateClient { client: client.id });
            }
            if client.shard.is_empty() {
                return Err(FedError::EmptyShard { client: client.id });
            }
        }
        Ok(())
    }

    /// Runs every round on `trainer` (the server: its device, run directory, seed, resume and
    /// checkpoint settings). Returns the final global model (evaluation mode) and the report;
    /// `report.completed` is false when [`with_halt_after_rounds`](Self::with_halt_after_rounds)
    /// stopped it.
    ///
    /// # Errors
    /// A [`FedError`] for bad settings, a client whose local run failed, a message that does
    /// not decode or fit the model, or the engine's checkpoint errors.
    pub fn run(self, trainer: &Trainer) -> Result<(M, FedReport)> {
        self.validate()?;
        let rounds = self.aggregator.settings().rounds;
        let shared = Arc::new(Rounds {
            clients: self
                .clients
                .into_iter()
                .map(|c| RoundClient { id: c.id, shard: Arc::new(c.shard), device: c.device })
                .collect(),
            aggregator: self.aggregator,
            batcher: self.batcher,
            transport: self.transport,
            valid: self.valid,
            halt_after_rounds: self.halt_after_rounds,
            progress: self.progress,
            log: Mutex::new(RunLog {
                started: false,
                rounds_this_call: 0,
                records: Vec::new(),
                halted: None,
                error: None,
            }),
        });
        let phases: Vec<Phase<M>> = (1..=rounds)
            .map(|round| {
                let shared = Arc::clone(&shared);
                Phase::action(round_name(round), move |model, ctx| shared.action(round, model, ctx))
            })
            .collect();
        let result = trainer.fit(self.model, &phases, &NoBatches::default(), None);
        let mut log = shared.lock();
        let records = std::mem::take(&mut log.records);
        match result {
            Ok((model, _)) => Ok((model, FedReport { rounds: records, completed: true })),
            Err(e) => {
                if let Some(model) = log.halted.take() {
                    return Ok((model, FedReport { rounds: records, completed: false }));
                }
                Err(log.error.take().unwrap_or(FedError::Core(e)))
            }
        }
    }
}
