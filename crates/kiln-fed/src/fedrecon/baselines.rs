//! The gradient baselines of federated reconnaissance (Hendryx et al. 2021, §4; official code
//! ml4ai/fed-recon, `benchmark/eval_model.py` and `client_server.py`): the same missions as
//! [`Reconnaissance`](super::Reconnaissance), learnt by fine-tuning the pretrained encoder plus
//! a softmax head instead of averaging prototypes.
//!
//! - [`Baseline::FedAvg`]: every mission, the server broadcasts encoder + head, each client
//!   fine-tunes `E` epochs on its mission data, the server averages the updates with FedAvg's
//!   weights `n_k / n` ([`weighted_mean`]); `R` such rounds per mission.
//! - [`Baseline::Lower`]: one client (the smallest id of each mission) fine-tunes on its own
//!   mission data alone; nothing is exchanged.
//! - [`Baseline::Upper`]: joint training on everything seen so far — the union of every
//!   client's data of every mission up to this one, the base mission's included.
//!
//! Models are copied with `valid()` wherever one takes a new role (the baseline's own copy, a
//! client's local model, the averaged global model, a fit's result): burn's batch-norm running
//! statistics are shared by every `clone()` of a module and hold the last update of each
//! thread until synchronised, so a plain clone would let a baseline's fine-tuning move the
//! frozen encoder of prototype averaging, and a parameter read could miss the last update.
//! `valid()` synchronises them into a fresh, unshared state.
//!
//! All three start from the same pretrained model, train with the same optimiser, learning
//! rate, batch size and `R × E` epochs per mission (the lower and upper bounds run `R` fits of
//! `E` epochs, each with a fresh optimiser, as a FedAvg client does), so a one-client FedAvg
//! mission equals the lower bound's. The head has one output per class known so far, in order
//! of arrival: [`GradientBaseline::new`] keeps the pretrained head's outputs of the known
//! classes; a mission bringing new classes appends zero-initialised outputs
//! ([`regrow_head`](super::regrow_head)). Every broadcast and update is an encoded
//! [`Message`] sent through an [`InProcess`] transport, so bytes count as for prototypes.
//!
//! The model is any [`HeadModel`] on any [`Labelled`] example: an [`Mlp`] on
//! [`VectorExample`]s ([`GradientBaseline::new`]), or the paper's 4-block CNN with a head,
//! a [`Classifier`](super::Classifier) of a [`ProtoNet`](super::ProtoNet), on images
//! ([`GradientBaseline::with_batcher`]); the loops are the same.
//!
//! Deviations: the server learns a mission's new classes from the clients' labels without a
//! counted message (a few bytes); updates carry no metrics.

use std::sync::Arc;
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::nn::Mlp;
use kiln_core::seed::derive_seed;
use kiln_core::train::{OptimizerConfig, Phase, TrainPhase, Trainer};
use kiln_data::{Batcher, DataLoader, VectorBatcher, VectorExample};
use serde::{Deserialize, Serialize};

use super::classifier::{HeadModel, Labelled};
use super::head::{head_accuracy, head_predictions, regrow_head, relabel};
use crate::core::{
    CLIENT_STREAM, Client, Endpoint, InProcess, Message, ParamSet, Transport, recv_broadcast, recv_updates,
};
use crate::error::{FedError, Result};
use crate::fedavg::weighted_mean;

/// Which gradient baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Baseline {
    /// FedAvg fine-tuning of encoder + head by every client of the mission.
    FedAvg,
    /// Lower bound: one client fine-tunes on its own data, no communication.
    Lower,
    /// Upper bound: joint training on the union of all data seen so far.
    Upper,
}

/// The fine-tuning settings shared by the three baselines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSettings {
    /// `E`: epochs of each local fit. Default 5.
    pub epochs: usize,
    /// `R`: fits (FedAvg rounds) per mission. Default 1.
    pub rounds: usize,
    /// Learning rate. Default 1e-3.
    pub lr: f64,
    /// Batch size. Default 32.
    pub batch_size: usize,
    /// Optimiser, fresh for every fit. Default Adam (β = 0.9, 0.999; ε = 1e-8 as in
    /// [`OptimizerConfig::adam`]).
    pub optimizer: OptimizerConfig,
}

impl Default for BaselineSettings {
    fn default() -> Self {
        Self { epochs: 10, rounds: 1, lr: 3e-3, batch_size: 32, optimizer: OptimizerConfig::adam() }
    }
}

impl BaselineSettings {
    /// Checks every field's range.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(FedError::setting("epochs", 0, "must be at least 1"));
        }
        if self.rounds == 0 {
            return Err(FedError::setting("rounds", 0, "must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(FedError::setting("batch_size", 0, "must be at least 1"));
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(FedError::setting("lr", self.lr, "must be a finite number above 0"));
        }
        Ok(())
    }
}

/// What one baseline mission did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRecord {
    /// The mission (1-based).
    pub mission: usize,
    /// Clients whose data was trained on, by id.
    pub clients: Vec<usize>,
    /// Examples trained on per fit (the union's size for the upper bound).
    pub examples: usize,
    /// Bytes the server sent (broadcasts); 0 for the bounds.
    pub bytes_sent: u64,
    /// Bytes the server received (updates); 0 for the bounds.
    pub bytes_received: u64,
    /// Classes the head knows after it, in head order.
    pub classes: Vec<usize>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// A batcher shared by the server and the clients' threads.
struct SharedBatcher<I, B>(Arc<dyn Batcher<I, B>>);

impl<I, B> Batcher<I, B> for SharedBatcher<I, B> {
    fn batch(&self, items: &[I], device: &Device, seed: Option<u64>) -> B {
        self.0.batch(items, device, seed)
    }
}

/// One gradient baseline run over a sequence of missions: a model `M` (encoder and softmax
/// head) fine-tuned on examples `I`.
pub struct GradientBaseline<M: HeadModel = Mlp, I = VectorExample> {
    kind: Baseline,
    model: M,
    classes: Vec<usize>,
    seen: Vec<I>,
    settings: BaselineSettings,
    batcher: Arc<dyn Batcher<I, M::Batch>>,
    transport: Arc<dyn Transport>,
    device: Device,
    seed: u64,
    missions: usize,
}

impl GradientBaseline<Mlp, VectorExample> {
    /// A baseline on an MLP over feature vectors: [`GradientBaseline::with_batcher`] with a
    /// [`VectorBatcher`].
    ///
    /// # Errors
    /// As [`GradientBaseline::with_batcher`].
    pub fn new(
        kind: Baseline,
        model: Mlp,
        known: &[usize],
        settings: BaselineSettings,
        device: &Device,
        seed: u64,
    ) -> Result<Self> {
        Self::with_batcher(kind, model, VectorBatcher::default(), known, settings, device, seed)
    }
}

impl<M, I> GradientBaseline<M, I>
where
    M: HeadModel,
    I: Labelled,
{
    /// A baseline starting from `model` (the pretrained encoder and head) with a head over the
    /// classes `known` (their outputs kept from `model`'s head, output `c` for class `c`), on
    /// `device` (the server's; clients train on theirs); batches built by `batcher`, fits
    /// seeded from `seed`.
    ///
    /// # Errors
    /// Invalid settings; `known` empty, repeated or naming an output `model` lacks.
    pub fn with_batcher(
        kind: Baseline,
        model: M,
        batcher: impl Batcher<I, M::Batch> + 'static,
        known: &[usize],
        settings: BaselineSettings,
        device: &Device,
        seed: u64,
    ) -> Result<Self> {
        settings.validate()?;
        if let Some((i, c)) = known.iter().enumerate().find(|(i, c)| known[..*i].contains(c)) {
            return Err(FedError::setting("known", format!("{c} (position {i})"), "a class appears twice"));
        }
        let columns: Vec<Option<usize>> = known.iter().map(|&c| Some(c)).collect();
        let model = regrow_head(model.valid().fork(device), &columns, device)?;
        Ok(Self {
            kind,
            model,
            classes: known.to_vec(),
            seen: Vec::new(),
            settings,
            batcher: Arc::new(batcher),
            transport: Arc::new(InProcess::new()),
            device: device.clone(),
            seed,
            missions: 0,
        })
    }

    /// Which baseline this is.
    pub fn kind(&self) -> Baseline {
        self.kind
    }

    /// The upper bound's training set starts with `items` (data seen before the first
    /// mission, e.g. the base classes' training images); the other baselines ignore them.
    pub fn with_history(mut self, items: Vec<I>) -> Self {
        if self.kind == Baseline::Upper {
            self.seen = items;
        }
        self
    }

    /// The current model (encoder and head).
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The classes of the head's outputs, in order.
    pub fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// The upper bound's training set: its history ([`GradientBaseline::with_history`]), then
    /// every client's data of every mission so far, in mission then client-id order (empty for
    /// the other baselines).
    pub fn training_set(&self) -> &[I] {
        &self.seen
    }

    /// Argmax accuracy on `items` (labels of unknown classes count as wrong); 0 for no items.
    ///
    /// # Errors
    /// When the logits cannot be read back.
    pub fn accuracy(&self, items: &[I], device: &Device) -> Result<f64> {
        head_accuracy(&self.model, &self.classes, items, self.batcher.as_ref(), device)
    }

    /// The class predicted for each of `items` (argmax of the head; `None` never happens once
    /// the head has outputs).
    ///
    /// # Errors
    /// When the logits cannot be read back.
    pub fn predictions(&self, items: &[I], device: &Device) -> Result<Vec<Option<usize>>> {
        head_predictions(&self.model, &self.classes, items, self.batcher.as_ref(), device)
    }

    /// One mission over `clients` (their shards: this mission's data): grow the head by the
    /// new classes, then train as the baseline does.
    ///
    /// # Errors
    /// No clients, a client id used twice, or no examples to train on; a failed fit
    /// ([`FedError::Client`] naming the client for FedAvg), corrupt bytes, a mismatched
    /// update.
    pub fn mission(&mut self, clients: &[Client<I>]) -> Result<BaselineRecord> {
        let start = Instant::now();
        let mut order: Vec<&Client<I>> = clients.iter().collect();
        order.sort_by_key(|c| c.id);
        if let Some(w) = order.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(FedError::DuplicateClient { client: w[0].id });
        }
        let Some(first) = order.first().copied() else {
            return Err(FedError::setting("clients", 0, "a mission needs at least one client"));
        };
        let trained: Vec<&Client<I>> = match self.kind {
            Baseline::Lower => vec![first],
            Baseline::FedAvg | Baseline::Upper => order,
        };
        let mut labels: Vec<usize> = trained.iter().flat_map(|c| c.shard.iter().map(Labelled::label)).collect();
        labels.sort_unstable();
        labels.dedup();
        let new: Vec<usize> = labels.into_iter().filter(|l| !self.classes.contains(l)).collect();
        if !new.is_empty() {
            let mut columns: Vec<Option<usize>> = (0..self.classes.len()).map(Some).collect();
            columns.extend(new.iter().map(|_| None));
            self.model = regrow_head(self.model.clone(), &columns, &self.device)?;
            self.classes.extend(new);
        }
        self.missions += 1;
        let mission_seed = derive_seed(self.seed, self.missions as u64);
        let (mut bytes_sent, mut bytes_received) = (0u64, 0u64);
        let examples = match self.kind {
            Baseline::FedAvg => {
                for round in 0..self.settings.rounds {
                    let (sent, received) = self.fedavg_round(&trained, derive_seed(mission_seed, round as u64))?;
                    bytes_sent += sent;
                    bytes_received += received;
                }
                trained.iter().map(|c| c.shard.len()).sum()
            }
            Baseline::Lower | Baseline::Upper => {
                let data = if self.kind == Baseline::Lower {
                    first.shard.clone()
                } else {
                    self.seen.extend(trained.iter().flat_map(|c| c.shard.iter().cloned()));
                    self.seen.clone()
                };
                let data = relabel(&data, &self.classes);
                if data.is_empty() {
                    return Err(FedError::EmptyShard { client: first.id });
                }
                for round in 0..self.settings.rounds {
                    let seed = derive_seed(derive_seed(mission_seed, round as u64), CLIENT_STREAM + first.id as u64);
                    let batcher = SharedBatcher(Arc::clone(&self.batcher));
                    self.model = fit(self.model.clone(), &data, batcher, &self.settings, seed, &self.device)?;
                }
                data.len()
            }
        };
        Ok(BaselineRecord {
            mission: self.missions,
            clients: trained.iter().map(|c| c.id).collect(),
            examples,
            bytes_sent,
            bytes_received,
            classes: self.classes.clone(),
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// One FedAvg round: broadcast, local fits in threads (client `k` seeded
    /// `derive_seed(round_seed, CLIENT_STREAM + k)`), updates, weighted mean. Returns the
    /// bytes sent and received.
    fn fedavg_round(&mut self, clients: &[&Client<I>], round_seed: u64) -> Result<(u64, u64)> {
        let global = ParamSet::from_module(&self.model)?;
        let broadcast = Message::Broadcast { round: self.missions, params: global.clone() };
        let mut sent = 0u64;
        for client in clients {
            sent += self.transport.send(Endpoint::Client(client.id), &broadcast)? as u64;
        }
        let (template, classes, settings, transport) = (&self.model, &self.classes, &self.settings, &self.transport);
        let batcher = &self.batcher;
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = clients
                .iter()
                .map(|&client| {
                    scope.spawn(move || {
                        let batcher = SharedBatcher(Arc::clone(batcher));
                        client_round(client, template, batcher, classes, settings, transport.as_ref(), round_seed)
                            .map_err(|e| FedError::Client { client: client.id, source: Box::new(e) })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        results.into_iter().collect::<Result<Vec<()>>>()?;
        let (updates, received) = recv_updates(self.transport.as_ref(), clients.len())?;
        self.model = weighted_mean(&global, &updates)?.apply_to(self.model.valid())?;
        Ok((sent, received))
    }
}

/// A FedAvg client's side of a round: receive the global model, fine-tune it on its shard
/// (labels mapped to head outputs), send the update (no metrics). An empty shard sends the
/// global model back with weight 0.
fn client_round<M: HeadModel, I: Labelled>(
    client: &Client<I>,
    template: &M,
    batcher: SharedBatcher<I, M::Batch>,
    classes: &[usize],
    settings: &BaselineSettings,
    transport: &dyn Transport,
    round_seed: u64,
) -> Result<()> {
    let endpoint = Endpoint::Client(client.id);
    let params = recv_broadcast(transport, endpoint)?;
    let data = relabel(&client.shard, classes);
    let params = if data.is_empty() {
        params
    } else {
        let local = params.apply_to(template.valid().fork(&client.device))?;
        let seed = derive_seed(round_seed, CLIENT_STREAM + client.id as u64);
        ParamSet::from_module(&fit(local, &data, batcher, settings, seed, &client.device)?)?
    };
    let update = Message::Update { client: client.id, num_examples: data.len(), params, metrics: Vec::new() };
    transport.send(Endpoint::Server, &update)?;
    Ok(())
}

/// `E` epochs of the settings' optimiser on `data` (labels already head outputs), batches
/// shuffled by `seed`, through the engine's [`Trainer`].
fn fit<M: HeadModel, I: Labelled>(
    model: M,
    data: &[I],
    batcher: SharedBatcher<I, M::Batch>,
    settings: &BaselineSettings,
    seed: u64,
    device: &Device,
) -> Result<M> {
    let loader = DataLoader::new(data.to_vec(), batcher, settings.batch_size).shuffled(seed);
    let phase = TrainPhase::new(settings.epochs, settings.lr).with_optimizer(settings.optimizer);
    let phases = [Phase::train("finetune", phase)];
    let (model, _) = Trainer::new(device.clone()).with_seed(seed).fit(model.fork(device), &phases, &loader, None)?;
    Ok(model.valid())
}
