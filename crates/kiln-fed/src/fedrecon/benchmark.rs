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
use kiln_data::procedural::{self, ProceduralConfig};
use kiln_data::{Batcher, ImageBatcher, ImageExample, Normalize};
use serde::{Deserialize, Serialize};

use super::embed::{Embed, local_prototypes, to_host};
use super::episodes::{EpisodeConfig, EpisodicTraining, partial_shuffle, pretrain_encoder};
use super::mission::Reconnaissance;
use super::protonet::{ProtoNet, ProtoNetConfig};
use super::report::{ClientEval, PretrainRecord, ReconMission, ReconReport, ServerEval};
use super::store::PrototypeStore;
use crate::core::Client;
use crate::error::{FedError, Result};

/// Seed streams of a run.
const INIT_STREAM: u64 = 1;
const PRETRAIN_STREAM: u64 = 2;
const TEST_STREAM: u64 = 3;
const MISSION_STREAM: u64 = 4;
const FIELD_ORDER_STREAM: u64 = 1_000;

/// Sizes and settings of a benchmark run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReconBenchmarkConfig {
    /// `B`: base classes (`0..B`), known before the first mission.
    pub base_classes: usize,
    /// `F`: field classes (`B..B+F`), learnt in missions.
    pub field_classes: usize,
    /// Side of the images in pixels.
    pub image_size: usize,
    /// Training images per base class (pretraining and the base prototypes).
    pub base_train_per_class: usize,
    /// Training images per field class, sampled by missions without replacement.
    pub field_train_per_class: usize,
    /// Test images per class (base and field).
    pub test_per_class: usize,
    /// Clients; every one goes on every mission.
    pub clients: usize,
    /// `C`: field classes a client draws per mission.
    pub classes_per_mission: usize,
    /// `E`: images per class per mission.
    pub examples_per_class: usize,
    /// Stop after this many missions even if field images are left (`None`: run them out).
    pub max_missions: Option<usize>,
    /// The encoder.
    pub encoder: ProtoNetConfig,
    /// Its episodic pretraining.
    pub training: EpisodicTraining,
    /// Seed of the images, the initialisation, the episodes and the missions.
    pub seed: u64,
}

impl ReconBenchmarkConfig {
    /// The paper's sizes (mini-ImageNet: 50 base and 50 field classes, 84 px, 500 training and
    /// 100 test images per class; 5 clients, 5 classes × 30 images per mission; the 64-channel
    /// encoder with [`EpisodicTraining::paper`]). The procedural generator offers 24 classes,
    /// so `validate` rejects these sizes; they document the target.
    pub fn new() -> Self {
        Self {
            base_classes: 50,
            field_classes: 50,
            image_size: 84,
            base_train_per_class: 500,
            field_train_per_class: 500,
            test_per_class: 100,
            clients: 5,
            classes_per_mission: 5,
            examples_per_class: 30,
            max_missions: None,
            encoder: ProtoNetConfig::new(3),
            training: EpisodicTraining::paper(),
            seed: 0,
        }
    }

    /// The procedural preset: 24 classes of 32 px, 8 base and 16 field; 4 clients, 2 classes
    /// × 30 images per mission; 100 base and 90 field training images and 50 test images per
    /// class (so 6 missions); the 64-channel encoder trained on 300 episodes of 5-way 5-shot
    /// 15-query (3 epochs of 100, lr 1e-3 halved each epoch).
    pub fn small() -> Self {
        Self {
            base_classes: 8,
            field_classes: 16,
            image_size: 32,
            base_train_per_class: 100,
            field_train_per_class: 90,
            test_per_class: 50,
            clients: 4,
            classes_per_mission: 2,
            examples_per_class: 30,
            max_missions: None,
            encoder: ProtoNetConfig::new(3),
            training: EpisodicTraining {
                episode: EpisodeConfig::paper(),
                episodes_per_epoch: 100,
                epochs: 3,
                lr: 1e-3,
                lr_decay: 0.5,
            },
            seed: 0,
        }
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every field's range and that the procedural generator can supply the classes.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field: 0 clients, classes, images or missions;
    /// `base_classes + field_classes` above the generator's classes; an image size outside
    /// its range; an encoder not on RGB; episodes needing more base classes or images than
    /// there are; invalid encoder or training settings.
    pub fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("clients", self.clients),
            ("base_classes", self.base_classes),
            ("field_classes", self.field_classes),
            ("classes_per_mission", self.classes_per_mission),
            ("examples_per_class", self.examples_per_class),
            ("base_train_per_class", self.base_train_per_class),
            ("field_train_per_class", self.field_train_per_class),
            ("test_per_class", self.test_per_class),
        ] {
            if value == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        if self.max_missions == Some(0) {
            return Err(FedError::setting("max_missions", 0, "must be at least 1 (or none)"));
        }
        let classes = self.base_classes.saturating_add(self.field_classes);
        if classes > procedural::MAX_CLASSES {
            return Err(FedError::setting(
                "base_classes + field_classes",
                format!(
                    "{} + {} = {classes} (available: {})",
                    self.base_classes,
                    self.field_classes,
                    procedural::MAX_CLASSES
                ),
                "more classes than the procedural generator offers",
            ));
        }
        if !(procedural::MIN_IMAGE_SIZE..=procedural::MAX_IMAGE_SIZE).contains(&self.image_size) {
            return Err(FedError::setting(
                "image_size",
                self.image_size,
                "the procedural generator draws 32 to 128 px",
            ));
        }
        self.encoder.validate()?;
        if self.encoder.in_channels != 3 {
            return Err(FedError::setting("encoder.in_channels", self.encoder.in_channels, "the images are RGB (3)"));
        }
        self.training.validate()?;
        let episode = self.training.episode;
        if episode.ways > self.base_classes {
            return Err(FedError::setting(
                "training.episode.ways",
                format!("{} (base classes: {})", episode.ways, self.base_classes),
                "an episode cannot have more ways than there are base classes",
            ));
        }
        if episode.shots + episode.queries > self.base_train_per_class {
            return Err(FedError::setting(
                "base_train_per_class",
                format!("{} (shots + queries: {})", self.base_train_per_class, episode.shots + episode.queries),
                "fewer base images per class than an episode draws",
            ));
        }
        Ok(())
    }
}

impl Default for ReconBenchmarkConfig {
    /// [`ReconBenchmarkConfig::new`], the paper's sizes.
    fn default() -> Self {
        Self::new()
    }
}

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
        let encoder = config.encoder.init_seeded(device, derive_seed(config.seed, INIT_STREAM))?;
        let batcher = ImageBatcher::new(data.normalize.clone());
        let seed = derive_seed(config.seed, PRETRAIN_STREAM);
        let (encoder, report) = pretrain_encoder(encoder, &data.base_train, batcher, &config.training, seed, device)?;
        let last = report.records.last();
        let metric = |name: &str| last.and_then(|r| r.train.get(name).copied()).unwrap_or(f64::NAN);
        let pretraining = PretrainRecord {
            episodes: config.training.episodes(),
            final_loss: metric("loss"),
            final_accuracy: metric("accuracy"),
            seconds: start.elapsed().as_secs_f64(),
        };
        let mut report = Self::missions(config, &data, encoder, device)?;
        report.pretraining = Some(pretraining);
        report.seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// The benchmark with a given (already trained, frozen) encoder: no pretraining.
    ///
    /// # Errors
    /// As [`ReconBenchmark::run`].
    pub fn run_with_encoder(config: &ReconBenchmarkConfig, encoder: ProtoNet, device: &Device) -> Result<ReconReport> {
        config.validate()?;
        let start = Instant::now();
        let data = ReconData::generate(config)?;
        let mut report = Self::missions(config, &data, encoder, device)?;
        report.seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Base memory, eval 0, then the missions.
    fn missions(
        config: &ReconBenchmarkConfig,
        data: &ReconData,
        encoder: ProtoNet,
        device: &Device,
    ) -> Result<ReconReport> {
        let encoder = encoder.fork(device);
        let batcher = ImageBatcher::new(data.normalize.clone());
        let test = Embedded::new(&encoder, &data.test, &batcher, device)?;
        let mut recon = Reconnaissance::new(encoder.clone(), batcher.clone());
        let base_memory = recon.mission(&[Client::new(0, data.base_train.clone(), device.clone())])?;
        let base: Vec<usize> = (0..config.base_classes).collect();
        let eval0_base_accuracy = test.accuracy(recon.store(), &base)?.unwrap_or(0.0);

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
            let record = recon.mission(&clients)?;
            reconned.extend(evals.iter().flat_map(|e| e.classes.iter().copied()));
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
            seconds: 0.0,
        })
    }
}

/// The images of a run: base training images, field training images by class, test images
/// of every class, and the normalisation (base training statistics).
struct ReconData {
    base_train: Vec<ImageExample>,
    field_train: BTreeMap<usize, Vec<ImageExample>>,
    test: Vec<ImageExample>,
    normalize: Normalize,
}

impl ReconData {
    /// Training images from the generator seeded by `config.seed`, test images from a derived
    /// seed (so no test image is a training image).
    fn generate(config: &ReconBenchmarkConfig) -> Result<Self> {
        let classes = config.base_classes + config.field_classes;
        let per_class = config.base_train_per_class.max(config.field_train_per_class);
        let train = procedural_images(classes, per_class, config.image_size, config.seed)?;
        let test_seed = derive_seed(config.seed, TEST_STREAM);
        let test = procedural_images(classes, config.test_per_class, config.image_size, test_seed)?;
        let mut counts = vec![0usize; classes];
        let (mut base_train, mut field_train) = (Vec::new(), BTreeMap::<usize, Vec<ImageExample>>::new());
        for item in train {
            let Some(count) = counts.get_mut(item.label) else { continue };
            *count += 1;
            if item.label < config.base_classes {
                if *count <= config.base_train_per_class {
                    base_train.push(item);
                }
            } else if *count <= config.field_train_per_class {
                field_train.entry(item.label).or_default().push(item);
            }
        }
        let normalize = Normalize::fit(&base_train);
        Ok(Self { base_train, field_train, test, normalize })
    }
}

/// `per_class` procedural images of each of `classes` classes (image `i` has label
/// `i mod classes`).
fn procedural_images(classes: usize, per_class: usize, size: usize, seed: u64) -> Result<Vec<ImageExample>> {
    let cfg = ProceduralConfig::new(classes)
        .with_image_size(size)
        .with_num_images(classes.saturating_mul(per_class))
        .with_seed(seed);
    let images = procedural::generate(&cfg).map_err(|e| FedError::file("<procedural images>", e))?;
    Ok(images.iter().map(procedural::PartImage::to_example).collect())
}

/// Embeddings of the test images by class, computed once (the encoder is frozen).
struct Embedded {
    by_class: BTreeMap<usize, Vec<Vec<f32>>>,
}

impl Embedded {
    fn new(encoder: &ProtoNet, items: &[ImageExample], batcher: &ImageBatcher, device: &Device) -> Result<Self> {
        let mut by_class: BTreeMap<usize, Vec<Vec<f32>>> = BTreeMap::new();
        for chunk in items.chunks(256) {
            let (embeddings, targets) = encoder.embed_batch(batcher.batch(chunk, device, None));
            let (rows, labels) = to_host(embeddings, targets)?;
            for (row, label) in rows.into_iter().zip(labels) {
                by_class.entry(label).or_default().push(row);
            }
        }
        Ok(Self { by_class })
    }

    /// Nearest-prototype accuracy of `store` on the test images of `classes`, pooled; `None`
    /// when they have none.
    fn accuracy(&self, store: &PrototypeStore, classes: &[usize]) -> Result<Option<f64>> {
        let (mut correct, mut total) = (0usize, 0usize);
        for class in classes {
            let Some(rows) = self.by_class.get(class) else { continue };
            correct += store.classify(rows)?.iter().filter(|p| **p == Some(*class)).count();
            total += rows.len();
        }
        Ok((total > 0).then(|| correct as f64 / total as f64))
    }
}
