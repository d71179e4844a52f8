//! Episodic training of an [`Embed`] encoder: the paper's [`ProtoNet`](super::ProtoNet), or any
//! other, such as an [`Mlp`](kiln_core::nn::Mlp) on vectors (prototypical networks, Snell et al.
//! 2017, as trained for federated reconnaissance by Hendryx et al. 2021; official code
//! ml4ai/fed-recon, `fed_recon/models/protonet/train.py` and `model.py`).
//!
//! An episode draws `N` classes (ways) of the base training set and, for each, `K` support and
//! `Q` query images, all distinct. The support embeddings give one prototype per class,
//!
//! `p_j = (1/K) Σ_{s=1..K} f_θ(x_{j,s})`,
//!
//! and each query `z = f_θ(x)` is scored by its negative squared Euclidean distance,
//! `logit_j(z) = −‖z − p_j‖²`, with the cross-entropy averaged over the `N·Q` queries,
//!
//! `L = −(1/NQ) Σ_{(z, y)} log( exp(−‖z − p_y‖²) / Σ_j exp(−‖z − p_j‖²) )`
//!
//! ([`prototypical_loss`]; the official `prototypical_loss` with `reduction = "mean"`).
//!
//! Sizes in the official code (`train.py`): `--num-ways` 5 (`--train-num-ways` defaults to it),
//! `--num-shots` 5, query shots 15 on mini-ImageNet (`MINI_IMAGENET_TEST_SHOTS`; 5 on
//! Omniglot), one episode per step (`--batch-size` 1), 50 000 episodes (`--num-batches`), Adam
//! at 1e-3 halved every 2000 episodes (`StepLR(optimizer, 2000, gamma=0.5)`): here
//! [`EpisodicTraining::paper`], an epoch of the engine being 2000 episodes with
//! [`LrSchedule::Step`] per epoch.
//!
//! Training runs through Kiln's [`Trainer`]: the model is the encoder wrapped as [`Episodic`],
//! the batch an [`EpisodeBatch`] of the encoder's own batches (built by any [`Batcher`]), drawn
//! by an [`EpisodeSource`] from the seeded [`EpisodeSampler`] (episode `e·E + i` at step `i` of
//! epoch `e`), so a run is reproducible and resumable. As in the official loop, the support and
//! query items go through the encoder in two forward passes (each with its own batch
//! statistics).

use std::collections::BTreeMap;
use std::sync::Arc;

use burn::module::{Module, ModuleDisplay};
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::cross_entropy;
use kiln_core::seed::rng;
use kiln_core::train::{
    BatchSource, LrSchedule, Phase, Report, StepContext, StepOutput, TrainModel, TrainPhase, Trainer,
};
use kiln_data::Batcher;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::classifier::Labelled;
use super::embed::Embed;
use crate::error::{FedError, Result};

/// The sizes of an episode: `N` ways, `K` shots (support images per class), `Q` queries per
/// class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeConfig {
    /// `N`: classes per episode.
    pub ways: usize,
    /// `K`: support images per class.
    pub shots: usize,
    /// `Q`: query images per class.
    pub queries: usize,
}

impl EpisodeConfig {
    /// The official mini-ImageNet training episode: 5-way, 5-shot, 15 queries per class.
    pub fn paper() -> Self {
        Self { ways: 5, shots: 5, queries: 15 }
    }

    /// Checks that every size is at least 1 and `N ≥ 2`.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.ways < 2 {
            return Err(FedError::setting("episode.ways", self.ways, "an episode needs at least 2 classes"));
        }
        if self.shots == 0 {
            return Err(FedError::setting("episode.shots", 0, "must be at least 1"));
        }
        if self.queries == 0 {
            return Err(FedError::setting("episode.queries", 0, "must be at least 1"));
        }
        Ok(())
    }
}

/// One episode, as indices into the items the sampler was built from. Way `j` is class
/// `classes[j]`; its support images are `support[j·K .. (j+1)·K]` and its queries
/// `query[j·Q .. (j+1)·Q]`; no index appears twice in the episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    /// The classes, way by way.
    pub classes: Vec<usize>,
    /// Support indices, class-contiguous.
    pub support: Vec<usize>,
    /// Query indices, class-contiguous.
    pub query: Vec<usize>,
}

/// Draws episodes from labelled items, episode `e` a pure function of the seed and `e`.
#[derive(Debug, Clone)]
pub struct EpisodeSampler {
    by_class: Vec<(usize, Vec<usize>)>,
    config: EpisodeConfig,
    seed: u64,
}

impl EpisodeSampler {
    /// A sampler over the items whose labels are `labels` (index `i` is item `i`). Only classes
    /// with at least `K + Q` items take part.
    ///
    /// # Errors
    /// An invalid `config`; [`FedError::InvalidSetting`] on `episode.ways` when fewer than `N`
    /// classes have `K + Q` items.
    pub fn new(labels: &[usize], config: EpisodeConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &label) in labels.iter().enumerate() {
            groups.entry(label).or_default().push(i);
        }
        let need = config.shots + config.queries;
        let by_class: Vec<(usize, Vec<usize>)> = groups.into_iter().filter(|(_, v)| v.len() >= need).collect();
        if by_class.len() < config.ways {
            return Err(FedError::setting(
                "episode.ways",
                format!("{} (only {} classes have shots + queries = {need} items)", config.ways, by_class.len()),
                "more ways than classes with enough items",
            ));
        }
        Ok(Self { by_class, config, seed })
    }

    /// The episode sizes.
    pub fn config(&self) -> EpisodeConfig {
        self.config
    }

    /// Classes that take part.
    pub fn classes(&self) -> Vec<usize> {
        self.by_class.iter().map(|(c, _)| *c).collect()
    }

    /// Episode `index`: `N` classes drawn without replacement, then `K + Q` distinct items of
    /// each (the first `K` support, the rest queries), by partial Fisher–Yates shuffles from
    /// `rng(seed, index)`.
    pub fn episode(&self, index: u64) -> Episode {
        let EpisodeConfig { ways, shots, queries } = self.config;
        let mut rng = rng(self.seed, index);
        let chosen = partial_shuffle(&mut rng, self.by_class.len(), ways);
        let mut episode = Episode {
            classes: Vec::with_capacity(ways),
            support: Vec::with_capacity(ways * shots),
            query: Vec::with_capacity(ways * queries),
        };
        for c in chosen {
            let (class, items) = &self.by_class[c];
            let picked = partial_shuffle(&mut rng, items.len(), shots + queries);
            episode.classes.push(*class);
            episode.support.extend(picked[..shots].iter().map(|&i| items[i]));
            episode.query.extend(picked[shots..].iter().map(|&i| items[i]));
        }
        episode
    }
}

/// The first `k` entries of a Fisher–Yates shuffle of `0..n` (`k ≤ n`).
pub(crate) fn partial_shuffle(rng: &mut impl Rng, n: usize, k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..k.min(n) {
        let j = rng.random_range(i..n);
        order.swap(i, j);
    }
    order.truncate(k.min(n));
    order
}

/// An episode's batches: support and query items as the encoder's batches (class-contiguous:
/// way `j`'s items are rows `j·K..(j+1)·K` of the support and `j·Q..(j+1)·Q` of the query), and
/// each query's way `j ∈ 0..N`.
#[derive(Debug, Clone)]
pub struct EpisodeBatch<B> {
    /// `N·K` support items.
    pub support: B,
    /// `N·Q` query items.
    pub query: B,
    /// `[N·Q]` way indices of the queries.
    pub targets: Tensor<1, Int>,
    /// `N`.
    pub ways: usize,
    /// `K`.
    pub shots: usize,
}

/// Serves `episodes_per_epoch` episodes per epoch to the engine: step `i` of epoch `e` is
/// episode `e · episodes_per_epoch + i`; items are batched by `batcher` (for images, an
/// [`ImageBatcher`](kiln_data::ImageBatcher) that normalises; for vectors, a
/// [`VectorBatcher`](kiln_data::VectorBatcher)).
pub struct EpisodeSource<I, T> {
    items: Arc<Vec<I>>,
    batcher: T,
    sampler: EpisodeSampler,
    episodes_per_epoch: usize,
}

impl<I: Labelled, T> EpisodeSource<I, T> {
    /// Episodes over `items`, seeded by `seed`.
    ///
    /// # Errors
    /// As [`EpisodeSampler::new`]; [`FedError::InvalidSetting`] for 0 episodes per epoch.
    pub fn new(items: Vec<I>, batcher: T, config: EpisodeConfig, episodes_per_epoch: usize, seed: u64) -> Result<Self> {
        if episodes_per_epoch == 0 {
            return Err(FedError::setting("episodes_per_epoch", 0, "must be at least 1"));
        }
        let labels: Vec<usize> = items.iter().map(Labelled::label).collect();
        let sampler = EpisodeSampler::new(&labels, config, seed)?;
        Ok(Self { items: Arc::new(items), batcher, sampler, episodes_per_epoch })
    }

    /// The sampler.
    pub fn sampler(&self) -> &EpisodeSampler {
        &self.sampler
    }

    /// The batches of `episode` on `device`.
    pub fn batch_of<B>(&self, episode: &Episode, device: &Device) -> EpisodeBatch<B>
    where
        T: Batcher<I, B>,
    {
        let EpisodeConfig { ways, shots, queries } = self.sampler.config;
        let gather =
            |indices: &[usize]| -> Vec<I> { indices.iter().filter_map(|&i| self.items.get(i).cloned()).collect() };
        let support = self.batcher.batch(&gather(&episode.support), device, None);
        let query = self.batcher.batch(&gather(&episode.query), device, None);
        let targets: Vec<i64> = (0..ways).flat_map(|j| std::iter::repeat_n(j as i64, queries)).collect();
        let targets = Tensor::from_data(TensorData::new(targets, [ways * queries]), device);
        EpisodeBatch { support, query, targets, ways, shots }
    }
}

impl<I: Labelled, B, T: Batcher<I, B>> BatchSource<EpisodeBatch<B>> for EpisodeSource<I, T> {
    fn num_batches(&self) -> usize {
        self.episodes_per_epoch
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<EpisodeBatch<B>> {
        let episode = self.sampler.episode((epoch * self.episodes_per_epoch + index) as u64);
        Ok(self.batch_of(&episode, device))
    }
}

/// The `[N, d]` prototypes of `[N·K, d]` class-contiguous support embeddings: the mean of each
/// run of `K` rows.
pub fn prototypes(support: Tensor<2>, ways: usize, shots: usize) -> Tensor<2> {
    let [_, d] = support.dims();
    support.reshape([ways, shots, d]).mean_dim(1).reshape([ways, d])
}

/// `D_{ij} = ‖z_i − p_j‖²` for `[M, d]` embeddings and `[N, d]` prototypes: `[M, N]`.
pub fn squared_distances(embeddings: Tensor<2>, prototypes: Tensor<2>) -> Tensor<2> {
    let diff = embeddings.unsqueeze_dim::<3>(1) - prototypes.unsqueeze_dim::<3>(0);
    diff.square().sum_dim(2).squeeze_dim::<2>(2)
}

/// The prototypical loss, `−(1/M) Σ_i log softmax(−D_i)_{y_i}` with `D` the
/// [`squared_distances`] of the `[M, d]` query embeddings to the `[N, d]` prototypes and `y_i ∈
/// 0..N` the `[M]` labels (the index of the query's prototype). Shape `[1]`.
pub fn prototypical_loss(embeddings_query: Tensor<2>, labels: Tensor<1, Int>, prototypes: Tensor<2>) -> Tensor<1> {
    cross_entropy(squared_distances(embeddings_query, prototypes).neg(), labels)
}

/// An [`Embed`] encoder trained by prototypical episodes: one step is one episode.
#[derive(Module, Debug)]
pub struct Episodic<E: Module> {
    /// The encoder `f_θ`.
    pub encoder: E,
}

impl<E> TrainModel for Episodic<E>
where
    E: Embed + ModuleDisplay + 'static,
    E::Batch: Send + 'static,
{
    type Batch = EpisodeBatch<E::Batch>;
    type Stage = ();

    /// One episode: prototypes from the support, [`prototypical_loss`] on the queries; the
    /// logits `−D` give the engine the episode's query accuracy.
    fn step(&self, batch: EpisodeBatch<E::Batch>, _ctx: &StepContext) -> StepOutput {
        let (support, _) = self.encoder.embed_batch(batch.support);
        let (query, _) = self.encoder.embed_batch(batch.query);
        let prototypes = prototypes(support, batch.ways, batch.shots);
        let logits = squared_distances(query, prototypes).neg();
        let loss = cross_entropy(logits.clone(), batch.targets.clone());
        StepOutput::classification(loss, logits, batch.targets)
    }
}

/// Settings of the episodic pretraining.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodicTraining {
    /// Episode sizes.
    pub episode: EpisodeConfig,
    /// Episodes per epoch of the engine (one optimiser step each); the learning rate is
    /// multiplied by `lr_decay` after every epoch.
    pub episodes_per_epoch: usize,
    /// Epochs: `epochs · episodes_per_epoch` episodes in all.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Factor applied to the learning rate after each epoch (`StepLR`'s `gamma`).
    pub lr_decay: f64,
}

impl EpisodicTraining {
    /// The official settings: 5-way 5-shot 15-query episodes, 50 000 of them (25 epochs of
    /// 2000), Adam at 1e-3 halved every 2000 episodes.
    pub fn paper() -> Self {
        Self { episode: EpisodeConfig::paper(), episodes_per_epoch: 2000, epochs: 25, lr: 1e-3, lr_decay: 0.5 }
    }

    /// The CPU presets' schedule: the paper's episodes, 3 epochs of `episodes_per_epoch`, Adam
    /// at 1e-3 halved after each epoch.
    pub fn small(episodes_per_epoch: usize) -> Self {
        Self { episode: EpisodeConfig::paper(), episodes_per_epoch, epochs: 3, lr: 1e-3, lr_decay: 0.5 }
    }

    /// Episodes in all.
    pub fn episodes(&self) -> usize {
        self.epochs * self.episodes_per_epoch
    }

    /// Checks every field's range.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> Result<()> {
        self.episode.validate()?;
        if self.episodes_per_epoch == 0 {
            return Err(FedError::setting("training.episodes_per_epoch", 0, "must be at least 1"));
        }
        if self.epochs == 0 {
            return Err(FedError::setting("training.epochs", 0, "must be at least 1"));
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(FedError::setting("training.lr", self.lr, "must be a finite number above 0"));
        }
        if !(self.lr_decay > 0.0 && self.lr_decay <= 1.0) {
            return Err(FedError::setting("training.lr_decay", self.lr_decay, "must be in (0, 1]"));
        }
        Ok(())
    }
}

/// Trains the encoder `model` by prototypical episodes over `items` (the base classes) through
/// the engine: Adam, `training.lr` decayed by `training.lr_decay` each epoch, episodes and
/// steps seeded by `seed`, items batched by `batcher`. Returns the trained encoder (inference
/// mode, ready to freeze) and the run's report (per epoch: mean episode loss and query
/// accuracy).
///
/// # Errors
/// Invalid settings, too few classes or items for an episode, an engine failure.
pub fn pretrain_encoder<E, I, T>(
    model: E,
    items: &[I],
    batcher: T,
    training: &EpisodicTraining,
    seed: u64,
    device: &Device,
) -> Result<(E, Report)>
where
    E: Embed + ModuleDisplay + 'static,
    E::Batch: Send + 'static,
    I: Labelled,
    T: Batcher<I, E::Batch>,
{
    training.validate()?;
    let source = EpisodeSource::new(items.to_vec(), batcher, training.episode, training.episodes_per_epoch, seed)?;
    let phase = TrainPhase::new(training.epochs, training.lr)
        .with_schedule(LrSchedule::Step { every: 1, gamma: training.lr_decay });
    let phases = [Phase::train("episodes", phase)];
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let (model, report) = trainer.fit(Episodic { encoder: model }, &phases, &source, None)?;
    Ok((model.encoder, report))
}
