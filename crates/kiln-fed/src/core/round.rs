//! One federation round, run as an action phase of the server's training run: sample clients,
//! broadcast, train locally in threads, collect updates, aggregate, validate, log.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::CoreError;
use kiln_core::seed::{derive_seed, permutation_from, rng};
use kiln_core::train::{ActionContext, BatchSource, Phase, TrainModel, TrainPhase, Trainer};
use kiln_data::Batcher;

use super::aggregate::Aggregator;
use super::message::Message;
use super::params::ParamSet;
use super::record::{RoundRecord, append_round, read_rounds, rounds_path, write_rounds};
use super::source::shard_loader;
use super::transport::{Endpoint, Transport, recv_broadcast, recv_updates};
use crate::error::{FedError, Result};

/// Seed stream of the client sample of a round: `rng(round_seed, SAMPLE_STREAM)`.
pub const SAMPLE_STREAM: u64 = 17;
/// Seed stream of client `k`'s local run in a round: `derive_seed(round_seed, CLIENT_STREAM + k)`.
pub const CLIENT_STREAM: u64 = 1 << 40;

/// A client as the rounds see it: its data shared between rounds.
pub(crate) struct RoundClient<I> {
    pub(crate) id: usize,
    pub(crate) shard: Arc<Vec<I>>,
    pub(crate) device: Device,
}

/// What happened in this call of the run, besides the model.
pub(crate) struct RunLog<M> {
    /// Whether a round ran in this process yet (the first one reconciles `rounds.jsonl`).
    pub(crate) started: bool,
    pub(crate) rounds_this_call: usize,
    pub(crate) records: Vec<RoundRecord>,
    /// The model at the moment the run was halted on purpose.
    pub(crate) halted: Option<M>,
    /// The typed error of a failed round (the engine only carries its text).
    pub(crate) error: Option<FedError>,
}

/// Everything a round needs, shared by the round actions.
pub(crate) struct Rounds<M: TrainModel, I> {
    pub(crate) clients: Vec<RoundClient<I>>,
    pub(crate) aggregator: Arc<dyn Aggregator>,
    pub(crate) batcher: Arc<dyn Batcher<I, M::Batch>>,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) valid: Option<Arc<dyn BatchSource<M::Batch>>>,
    pub(crate) halt_after_rounds: Option<usize>,
    pub(crate) progress: bool,
    pub(crate) log: Mutex<RunLog<M>>,
}

impl<M, I> Rounds<M, I>
where
    M: TrainModel,
    M::Batch: 'static,
    I: Clone + Send + Sync + 'static,
{
    pub(crate) fn lock(&self) -> MutexGuard<'_, RunLog<M>> {
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The action of round `round` (1-based).
    pub(crate) fn action(&self, round: usize, model: M, ctx: &ActionContext<'_>) -> kiln_core::Result<M> {
        let phase = super::federation::round_name(round);
        {
            let mut log = self.lock();
            if !log.started {
                log.started = true;
                if let Err(e) = self.reconcile_log(&mut log, round, ctx) {
                    let message = e.to_string();
                    log.error = Some(e);
                    return Err(CoreError::Phase { phase, message });
                }
            }
            if self.halt_after_rounds.is_some_and(|h| log.rounds_this_call >= h) {
                log.halted = Some(model);
                return Err(CoreError::Phase { phase, message: "halted on purpose".into() });
            }
        }
        match self.run_round(round, model, ctx) {
            Ok((model, record)) => {
                let mut log = self.lock();
                if let Some(dir) = ctx.run_dir
                    && let Err(e) = append_round(&rounds_path(dir), &record)
                {
                    let message = e.to_string();
                    log.error = Some(e);
                    return Err(CoreError::Phase { phase, message });
                }
                if self.progress {
                    eprintln!(
                        "{phase}: {} clients, {:.2} MB sent, {:.2} MB received, valid accuracy {}",
                        record.clients.len(),
                        record.bytes_sent as f64 / 1e6,
                        record.bytes_received as f64 / 1e6,
                        record.valid_accuracy.map_or("-".into(), |a| format!("{a:.4}"))
                    );
                }
                log.records.push(record);
                log.rounds_this_call += 1;
                Ok(model)
            }
            Err(e) => {
                let message = e.to_string();
                self.lock().error = Some(e);
                Err(CoreError::Phase { phase, message })
            }
        }
    }

    /// Keeps the records of the rounds before `round` (a resumed run) and drops later ones
    /// (written after the checkpoint it resumes from).
    fn reconcile_log(&self, log: &mut RunLog<M>, round: usize, ctx: &ActionContext<'_>) -> Result<()> {
        let Some(dir) = ctx.run_dir else { return Ok(()) };
        let path = rounds_path(dir);
        let mut records = if round > 1 { read_rounds(&path)? } else { Vec::new() };
        records.retain(|r| r.round < round);
        write_rounds(&path, &records)?;
        log.records = records;
        Ok(())
    }

    fn run_round(&self, round: usize, model: M, ctx: &ActionContext<'_>) -> Result<(M, RoundRecord)> {
        let start = Instant::now();
        let settings = self.aggregator.settings();
        let k = self.clients.len();
        let m = settings.clients_per_round(k);
        let round_seed = ctx.seed;
        let mut chosen: Vec<usize> = permutation_from(&mut rng(round_seed, SAMPLE_STREAM), k)[..m].to_vec();
        chosen.sort_unstable();

        let global = ParamSet::from_module(&model)?;
        let broadcast = Message::Broadcast { round, params: global.clone() };
        let mut bytes_sent = 0u64;
        for &i in &chosen {
            bytes_sent += self.transport.send(Endpoint::Client(self.clients[i].id), &broadcast)? as u64;
        }
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chosen
                .iter()
                .map(|&i| {
                    let client = &self.clients[i];
                    let template = model.clone();
                    scope.spawn(move || {
                        self.client_round(client, template, round_seed)
                            .map_err(|e| FedError::Client { client: client.id, source: Box::new(e) })
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
        });
        results.into_iter().collect::<Result<Vec<()>>>()?;

        let (updates, bytes_received) = recv_updates(self.transport.as_ref(), m)?;
        let aggregated = self.aggregator.aggregate(&global, &updates)?;
        let model = aggregated.apply_to(model)?;

        let accuracies: Vec<f64> = updates.iter().filter_map(|u| u.metric("train_accuracy")).collect();
        let mean_client_accuracy =
            (!accuracies.is_empty()).then(|| accuracies.iter().sum::<f64>() / accuracies.len() as f64);
        let evaluation =
            self.valid.as_ref().map(|v| Trainer::new(ctx.device.clone()).evaluate(&model, v.as_ref())).transpose()?;
        let record = RoundRecord {
            round,
            clients: updates.iter().map(|u| u.client).collect(),
            bytes_sent,
            bytes_received,
            seconds: start.elapsed().as_secs_f64(),
            mean_client_accuracy,
            valid_accuracy: evaluation.as_ref().and_then(|e| e.accuracy()),
            valid_loss: evaluation.as_ref().map(|e| e.loss),
        };
        Ok((model, record))
    }

    /// A client's side of a round: receive the broadcast, train `E` local epochs from it, send
    /// the update.
    fn client_round(&self, client: &RoundClient<I>, template: M, round_seed: u64) -> Result<()> {
        let endpoint = Endpoint::Client(client.id);
        let params = recv_broadcast(self.transport.as_ref(), endpoint)?;
        let local = params.apply_to(template.fork(&client.device))?;
        let settings = self.aggregator.settings();
        let seed = derive_seed(round_seed, CLIENT_STREAM + client.id as u64);
        let loader = shard_loader(&client.shard, &self.batcher, settings.batch_size, seed);
        let phase = TrainPhase::new(settings.local_epochs, settings.lr).with_optimizer(settings.optimizer);
        let phases = [Phase::train("local", phase)];
        let (trained, report) =
            Trainer::new(client.device.clone()).with_seed(seed).fit(local, &phases, &loader, None)?;
        let metrics = report
            .records
            .last()
            .map(|r| r.train.iter().map(|(name, v)| (format!("train_{name}"), *v)).collect())
            .unwrap_or_default();
        let update = Message::Update {
            client: client.id,
            num_examples: client.shard.len(),
            params: ParamSet::from_module(&trained)?,
            metrics,
        };
        self.transport.send(Endpoint::Server, &update)?;
        Ok(())
    }
}
