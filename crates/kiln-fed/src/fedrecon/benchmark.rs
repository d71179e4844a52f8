//! The federated reconnaissance benchmark (Hendryx et al. 2021, §3; official code
//! ml4ai/fed-recon, `fed_recon/benchmark/eval_model.py`, `client_server.py`,
//! `mini_imagenet.py`), on procedural images (`kiln_data::procedural`).
//!
//! 1. Classes `0..B` are the base classes, `B..B+F` the field classes. A [`ProtoNet`] is
//!    trained on the base training images by prototypical episodes ([`pretrain_encoder`]) and
//!    frozen; the server stores the prototypes of the base classes from the same images
//!    (`update_base_memory`). **Eval 0**: the server on the base test images.
//! 2. Missions, until every field training image has been sampled (the official
//!    `sample_without_replacement`) or `max_missions`: every client in turn draws
//!    `min(C, classes left)` field classes that still have unsampled images, uniformly, and up
//!    to `E` unsampled images of each (`get_mission_data_train_tensor`); a client that finds
//!    none sits the mission out. **Eval 1** (per client, `evalute_client_model_on_mission`):
//!    the server's prototypes plus the client's own mission prototypes, on the test images of
//!    the base classes, of the classes reconned before this mission (none in mission 1), and
//!    of the client's mission classes. The clients then send their prototypes through a
//!    [`Reconnaissance`] mission (bytes counted) and the server merges them, count-weighted
//!    ([`PrototypeStore`]). **Eval 2** (`Server.test_model`): the server on the test images
//!    of the base classes and of every field class reconned so far.
//!
//! 3. With [`ReconBenchmark::run_with_baselines`], the paper's gradient baselines run on the same
//!    clients and images after each mission (see `compare.rs`), and every mission reports, for
//!    prototype averaging and each baseline, accuracy on the earlier classes (known before the
//!    mission, not drawn in it), on the mission's classes and on both, and bytes
//!    ([`MethodEval`]).
//!
//! Accuracy is nearest-prototype, `ŷ = argmin_c ‖f_θ(x) − p_c‖²` over every class the model
//! knows, pooled over the test images of the classes evaluated. The encoder is frozen, so the
//! test images are embedded once.
//!
//! Deviations: procedural 32-px images instead of mini-ImageNet (84 px, 50 + 50 classes, 500
//! training and 100 test images per class), so [`ReconBenchmarkConfig::new`]'s sizes need
//! more classes than the generator offers and are rejected by `validate`; the base and field
//! classes are fixed (first `B`, next `F`), as in the official class order; images are
//! normalised with the base training images' channel statistics (the official code uses
//! ImageNet's); every client goes on every mission (the official default).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Instant;

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::seed::{derive_seed, permutation, rng};
use kiln_data::{ImageBatcher, ImageExample};

use super::baselines::{Baseline, BaselineSettings};
use super::compare::{BaselineRuns, ClassSplit};
use super::config::ReconBenchmarkConfig;
use super::data::{Embedded, ReconData};
use super::embed::local_prototypes;
use super::episodes::{partial_shuffle, pretrain_encoder};
use super::mission::Reconnaissance;
use super::protonet::ProtoNet;
use super::report::{ClientEval, MethodEval, PretrainRecord, ReconMethod, ReconMission, ReconReport, ServerEval};
use crate::core::Client;
use crate::error::Result;

/// Seed streams of a run.
const INIT_STREAM: u64 = 1;
const PRETRAIN_STREAM: u64 = 2;
const MISSION_STREAM: u64 = 4;
const FIELD_ORDER_STREAM: u64 = 1_000;

/// The benchmark runner.
pub struct ReconBenchmark;

impl ReconBenchmark {
    /// Generates the images, pretrains the encoder on the base classes, then runs the missions.
    ///
    /// # Errors
    /// An invalid configuration ([`ReconBenchmarkConfig::validate`]); a generator, engine,
    /// tensor-read or merge failure.
    pub fn run(config: &ReconBenchmarkConfig, device: &Device) -> Result<ReconReport> {
        config.validate()?;
        let start = Instant::now();
        let data = ReconData::generate(config)?;
        let (encoder, pretraining) = Self::pretrain_on(config, &data, device)?;
        let mut report = Self::missions(config, &data, encoder, None, device)?;
        report.pretraining = Some(pretraining);
        report.seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Generates the images and pretrains the encoder on the base classes by episodes (seeded
    /// by `config.seed`, as [`ReconBenchmark::run`] does): the encoder to share between
    /// [`ReconBenchmark::run_with_encoder`] and [`ReconBenchmark::run_with_baselines`].
    ///
    /// # Errors
    /// As [`ReconBenchmark::run`].
    pub fn pretrain(config: &ReconBenchmarkConfig, device: &Device) -> Result<(ProtoNet, PretrainRecord)> {
        config.validate()?;
        let data = ReconData::generate(config)?;
        Self::pretrain_on(config, &data, device)
    }

    fn pretrain_on(
        config: &ReconBenchmarkConfig,
        data: &ReconData,
        device: &Device,
    ) -> Result<(ProtoNet, PretrainRecord)> {
        let start = Instant::now();
        let encoder = config.encoder.init_seeded(device, derive_seed(config.seed, INIT_STREAM))?;
        let batcher = ImageBatcher::new(data.normalize.clone());
        let seed = derive_seed(config.seed, PRETRAIN_STREAM);
        let (encoder, report) = pretrain_encoder(encoder, &data.base_train, batcher, &config.training, seed, device)?;
        let last = report.records.last();
        let metric = |name: &str| last.and_then(|r| r.train.get(name).copied()).unwrap_or(f64::NAN);
        let record = PretrainRecord {
            episodes: config.training.episodes(),
            final_loss: metric("loss"),
            final_accuracy: metric("accuracy"),
            seconds: start.elapsed().as_secs_f64(),
        };
        Ok((encoder, record))
    }

    /// The benchmark with a given (already trained, frozen) encoder: no pretraining.
    ///
    /// # Errors
    /// As [`ReconBenchmark::run`].
    pub fn run_with_encoder(config: &ReconBenchmarkConfig, encoder: ProtoNet, device: &Device) -> Result<ReconReport> {
        Self::run_with_baselines(config, encoder, &[], &BaselineSettings::default(), device)
    }

    /// The benchmark with a given pretrained encoder, and the gradient `baselines` on the same
    /// missions (same clients, same images), each fine-tuning a copy of the encoder with a
    /// softmax head ([`GradientBaseline`](super::GradientBaseline), `settings`); every mission
    /// then reports each method's earlier-class, mission-class and overall accuracy and bytes
    /// ([`ReconMission::methods`]). No baselines: [`ReconBenchmark::run_with_encoder`].
    ///
    /// # Errors
    /// As [`ReconBenchmark::run`]; invalid baseline settings or a baseline listed twice; a
    /// failed fine-tuning.
    pub fn run_with_baselines(
        config: &ReconBenchmarkConfig,
        encoder: ProtoNet,
        baselines: &[Baseline],
        settings: &BaselineSettings,
        device: &Device,
    ) -> Result<ReconReport> {
        config.validate()?;
        if !baselines.is_empty() {
            settings.validate()?;
        }
        let start = Instant::now();
        let data = ReconData::generate(config)?;
        let mut report = Self::missions(config, &data, encoder, Some((baselines, settings)), device)?;
        report.baselines = (!baselines.is_empty()).then(|| settings.clone());
        report.seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Base memory, eval 0, then the missions, each followed by the baselines' (if any).
    fn missions(
        config: &ReconBenchmarkConfig,
        data: &ReconData,
        encoder: ProtoNet,
        baselines: Option<(&[Baseline], &BaselineSettings)>,
        device: &Device,
    ) -> Result<ReconReport> {
        let encoder = encoder.fork(device);
        let batcher = ImageBatcher::new(data.normalize.clone());
        let test = Embedded::new(&encoder, &data.test, &batcher, device)?;
        let mut recon = Reconnaissance::new(encoder.clone(), batcher.clone());
        let base_memory = recon.mission(&[Client::new(0, data.base_train.clone(), device.clone())])?;
        let base: Vec<usize> = (0..config.base_classes).collect();
        let eval0_base_accuracy = test.accuracy(recon.store(), &base)?.unwrap_or(0.0);
        let mut runs = match baselines {
            Some((kinds, settings)) if !kinds.is_empty() => {
                Some(BaselineRuns::new(kinds, settings, &encoder, recon.store(), data, config.seed, device)?)
            }
            _ => None,
        };

        let mut pool: BTreeMap<usize, VecDeque<ImageExample>> = data
            .field_train
            .iter()
            .map(|(&class, items)| {
                let order = permutation(items.len(), derive_seed(config.seed, FIELD_ORDER_STREAM + class as u64));
                (class, order.into_iter().filter_map(|i| items.get(i).cloned()).collect())
            })
            .collect();
        let mut rng = rng(config.seed, MISSION_STREAM);
        let mut reconned: BTreeSet<usize> = BTreeSet::new();
        let mut missions = Vec::new();
        let mut field_examples_seen = 0;
        while pool.values().any(|q| !q.is_empty()) && config.max_missions.is_none_or(|m| missions.len() < m) {
            let start = Instant::now();
            let before: Vec<usize> = reconned.iter().copied().collect();
            let (mut clients, mut evals) = (Vec::new(), Vec::new());
            for id in 0..config.clients {
                let available: Vec<usize> = pool.iter().filter(|(_, q)| !q.is_empty()).map(|(&c, _)| c).collect();
                let n = config.classes_per_mission.min(available.len());
                if n == 0 {
                    break;
                }
                let mut classes: Vec<usize> =
                    partial_shuffle(&mut rng, available.len(), n).into_iter().map(|i| available[i]).collect();
                classes.sort_unstable();
                let mut shard = Vec::new();
                for class in &classes {
                    if let Some(queue) = pool.get_mut(class) {
                        let take = config.examples_per_class.min(queue.len());
                        shard.extend(queue.drain(..take));
                    }
                }
                let local = local_prototypes(&encoder, &shard, &batcher, 256, device)?;
                let mut own = recon.store().clone();
                own.merge(id, &local)?;
                evals.push(ClientEval {
                    client: id,
                    examples: shard.len(),
                    base_accuracy: test.accuracy(&own, &base)?.unwrap_or(0.0),
                    reconned_accuracy: test.accuracy(&own, &before)?,
                    mission_accuracy: test.accuracy(&own, &classes)?.unwrap_or(0.0),
                    classes,
                });
                field_examples_seen += shard.len();
                clients.push(Client::new(id, shard, device.clone()));
            }
            let proto_start = Instant::now();
            let record = recon.mission(&clients)?;
            let drawn: BTreeSet<usize> = evals.iter().flat_map(|e| e.classes.iter().copied()).collect();
            let split = ClassSplit {
                earlier: base.iter().chain(&before).copied().filter(|c| !drawn.contains(c)).collect(),
                mission: drawn.iter().copied().collect(),
            };
            let mut methods = vec![MethodEval {
                method: ReconMethod::Prototypes,
                earlier_accuracy: test.accuracy(recon.store(), &split.earlier)?,
                mission_accuracy: test.accuracy(recon.store(), &split.mission)?,
                all_accuracy: test.accuracy(recon.store(), &split.all())?,
                bytes: record.bytes_received,
                seconds: proto_start.elapsed().as_secs_f64(),
            }];
            if let Some(runs) = runs.as_mut() {
                methods.extend(runs.mission(&clients, &split)?);
            }
            reconned.extend(drawn);
            let field_classes: Vec<usize> = reconned.iter().copied().collect();
            let server = ServerEval {
                base_accuracy: test.accuracy(recon.store(), &base)?.unwrap_or(0.0),
                field_accuracy: test.accuracy(recon.store(), &field_classes)?.unwrap_or(0.0),
                field_classes,
            };
            missions.push(ReconMission {
                mission: missions.len() + 1,
                clients: evals,
                server,
                bytes_received: record.bytes_received,
                methods,
                seconds: start.elapsed().as_secs_f64(),
            });
        }
        Ok(ReconReport {
            config: config.clone(),
            embedding_dim: recon.store().dim().unwrap_or(0),
            pretraining: None,
            base_memory_bytes: base_memory.bytes_received,
            eval0_base_accuracy,
            missions,
            field_examples_seen,
            baselines: None,
            seconds: 0.0,
        })
    }
}
