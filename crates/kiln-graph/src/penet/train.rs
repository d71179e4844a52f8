//! PredCls training on the kiln-core engine and recall evaluation.
//!
//! A batch is every ordered pair of `scenes_per_batch` scenes (background pairs included: the
//! official `gtbox_relsample` keeps all pairs when a scene has fewer than 256), shuffled by
//! scene each epoch. Evaluation scores every ordered pair of each test scene and reports
//! [`SceneGraphRecall`].

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::train::{BatchSource, Phase, Report, TrainModel, TrainPhase, Trainer};

use super::baseline::LinearHead;
use super::config::PeNetConfig;
use super::metrics::{RecallAccumulator, SceneGraphRecall};
use super::model::{PairBatch, PeNet};
use super::scenes::{Scene, Scenes, UNION_DIM};
use crate::error::{GraphError, Result};

/// Optimisation settings of a run (Adam).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeNetTraining {
    /// Epochs over the training scenes.
    pub epochs: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Scenes per batch.
    pub scenes_per_batch: usize,
}

impl Default for PeNetTraining {
    /// 20 epochs, lr 1e-3, 16 scenes per batch.
    fn default() -> Self {
        Self { epochs: 20, lr: 1e-3, scenes_per_batch: 16 }
    }
}

/// All ordered pairs of `scenes`, with their features and predicates, on `device`.
pub fn pair_batch(scenes: &[&Scene], device: &Device) -> PairBatch {
    let (mut sc, mut oc, mut sx, mut ox, mut ux, mut y) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut entity_dim = 0;
    for scene in scenes {
        for (i, j) in scene.pairs() {
            sc.push(scene.classes[i] as i64);
            oc.push(scene.classes[j] as i64);
            sx.extend_from_slice(&scene.features[i]);
            ox.extend_from_slice(&scene.features[j]);
            ux.extend(scene.union_feature(i, j));
            y.push(scene.label(i, j) as i64);
            entity_dim = scene.features[i].len();
        }
    }
    let p = y.len();
    let ints = |v: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v, [p]), device);
    let floats = |v: Vec<f32>, d: usize| Tensor::<2>::from_data(TensorData::new(v, [p, d]), device);
    PairBatch {
        subject_class: ints(sc),
        object_class: ints(oc),
        subject_x: floats(sx, entity_dim),
        object_x: floats(ox, entity_dim),
        union_x: floats(ux, UNION_DIM),
        targets: ints(y),
    }
}

/// Batches of whole scenes, shuffled per epoch.
#[derive(Debug, Clone)]
pub struct SceneSource {
    /// The scenes.
    pub scenes: Arc<Vec<Scene>>,
    /// Scenes per batch.
    pub scenes_per_batch: usize,
    /// Shuffle seed (`None`: in order).
    pub shuffle: Option<u64>,
}

impl BatchSource<PairBatch> for SceneSource {
    fn num_batches(&self) -> usize {
        self.scenes.len().div_ceil(self.scenes_per_batch.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<PairBatch> {
        let order = kiln_core::seed::epoch_order(self.scenes.len(), self.shuffle, epoch);
        let size = self.scenes_per_batch.max(1);
        let chunk: Vec<&Scene> = order.iter().skip(index * size).take(size).map(|&i| &self.scenes[i]).collect();
        Ok(pair_batch(&chunk, device))
    }
}

/// The small configuration sized for `scenes`: [`PeNetConfig::small`] with the scenes' class
/// counts, word width and feature widths.
pub fn scene_config(scenes: &Scenes) -> PeNetConfig {
    PeNetConfig::small(scenes.spec.objects, scenes.num_predicates())
        .with_word_dim(scenes.spec.word_dim)
        .with_entity_dim(scenes.entity_dim())
        .with_union_dim(UNION_DIM)
}

fn check_sizes(config: &PeNetConfig, scenes: &Scenes) -> Result<()> {
    config.validate()?;
    let want = (scenes.spec.objects, scenes.num_predicates(), scenes.spec.word_dim, scenes.entity_dim(), UNION_DIM);
    let have = (config.objects, config.predicates, config.word_dim, config.entity_dim, config.union_dim);
    if want != have {
        return Err(GraphError::Invalid(format!(
            "PE-Net: configuration (objects, predicates, word, entity, union) = {have:?}, scenes need {want:?}"
        )));
    }
    Ok(())
}

/// R@K and mR@K of `scores` (softmax scores of a batch) over `scenes`, 16 scenes at a time.
pub fn evaluate_recall(
    scores: impl Fn(&PairBatch) -> Tensor<2>,
    scenes: &[Scene],
    predicates: usize,
    device: &Device,
) -> Result<SceneGraphRecall> {
    let mut acc = RecallAccumulator::new(predicates);
    for chunk in scenes.chunks(16) {
        let refs: Vec<&Scene> = chunk.iter().collect();
        let values = kiln_core::tensor::try_to_vec(scores(&pair_batch(&refs, device)))?;
        let mut offset = 0;
        for scene in chunk {
            let pairs = scene.pairs();
            let len = pairs.len() * predicates;
            acc.add(&pairs, &values[offset..offset + len], &scene.relations)?;
            offset += len;
        }
    }
    Ok(acc.finish())
}

/// A trained model, the engine's report and its test recall.
#[derive(Debug)]
pub struct SceneGraphOutcome<M> {
    /// The model.
    pub model: M,
    /// The engine's report.
    pub report: Report,
    /// R@K and mR@K on the test scenes.
    pub recall: SceneGraphRecall,
}

fn fit<M: TrainModel<Batch = PairBatch, Stage = ()>>(
    model: M,
    scenes: &Scenes,
    training: &PeNetTraining,
    seed: u64,
    trainer: &Trainer,
) -> Result<(M, Report)> {
    if training.epochs == 0 || training.scenes_per_batch == 0 || scenes.train.is_empty() {
        return Err(GraphError::Invalid("PE-Net training needs epochs, a batch size and training scenes".into()));
    }
    let source = SceneSource {
        scenes: Arc::new(scenes.train.clone()),
        scenes_per_batch: training.scenes_per_batch,
        shuffle: Some(seed),
    };
    let phases = [Phase::train("main", TrainPhase::new(training.epochs, training.lr))];
    Ok(trainer.clone().with_seed(seed).fit(model, &phases, &source, None)?)
}

/// Trains PE-Net (`config` sized for `scenes`, see [`scene_config`]) and evaluates it on the
/// test scenes.
pub fn train_penet(
    scenes: &Scenes,
    config: &PeNetConfig,
    training: &PeNetTraining,
    seed: u64,
    trainer: &Trainer,
) -> Result<SceneGraphOutcome<PeNet>> {
    check_sizes(config, scenes)?;
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let model = config.init(&device)?.with_word_vectors(&scenes.object_words, &scenes.predicate_words)?;
    let (model, report) = fit(model, scenes, training, seed, trainer)?;
    let recall = evaluate_recall(|b| model.scores(b), &scenes.test, config.predicates, &device)?;
    Ok(SceneGraphOutcome { model, report, recall })
}

/// Trains the [`LinearHead`] baseline on the same inputs and evaluates it.
pub fn train_linear_head(
    scenes: &Scenes,
    config: &PeNetConfig,
    training: &PeNetTraining,
    seed: u64,
    trainer: &Trainer,
) -> Result<SceneGraphOutcome<LinearHead>> {
    check_sizes(config, scenes)?;
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let model = LinearHead::new(config, &device)?.with_word_vectors(&scenes.object_words)?;
    let (model, report) = fit(model, scenes, training, seed, trainer)?;
    let recall = evaluate_recall(|b| model.scores(b), &scenes.test, config.predicates, &device)?;
    Ok(SceneGraphOutcome { model, report, recall })
}
