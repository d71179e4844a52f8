//! Progressive shrinking as Once-for-All's code runs it (mit-han-lab/once-for-all
//! `train_ofa_net.py`, `elastic_nn/training/progressive_shrinking.py`), on the kiln-core engine.
//!
//! Differences from the simpler [`ShrinkingSchedule`](super::ShrinkingSchedule) (kept as the
//! "before" row of the results page):
//!
//! - **n subnets per optimiser step.** A step draws [`ShrinkStage::subnets_per_step`] subnets
//!   (OFA's `dynamic_batch_size`: 1 in the kernel stage, 2 in depth, 4 in expand) and minimises
//!   the **sum** of their losses, one batch, one teacher forward, one optimiser step. OFA calls
//!   `loss.backward()` per subnet and `optimizer.step()` once: the same gradient.
//! - **Sub-stages.** Depth {D−1, D} then all depths; expand {two largest} then all, channels
//!   sorted by importance before each expand sub-stage (`re_organize_middle_weights`).
//! - **Resolution per step.** One random resolution per batch in every stage, the full one
//!   too (OFA's `MyRandomResizedCrop` picks the image size per batch); the teacher and all n
//!   subnets of the step see it.
//! - **A separate teacher.** A full network trained first (OFA loads the pretrained
//!   `ofa_D4_E6_K7` as the teacher and as the kernel stage's starting point), then frozen:
//!
//!   `L = Σ_{a ∈ step} [ CE_ε(y, f_a(x)) + κ · CE(softmax(f_T(x)), f_a(x)) ]`, ε = 0.1 label
//!   smoothing, κ = 1 (`kd_ratio`, `kd_type = 'ce'`).
//!
//!   The teacher runs in training mode without gradients, as OFA's `teacher_model.train()`
//!   under `torch.no_grad()`: batch statistics, its running statistics move, its weights never.
//! - **Lengths and rates** ([`ProgressiveShrinking::ofa`]): kernel 120 epochs at 3·10⁻², depth
//!   and expand 25 epochs at 2.5·10⁻³ then 120 at 7.5·10⁻³, 5 warm-up epochs in the 120-epoch
//!   sub-stages, SGD with momentum 0.9 and weight decay 3·10⁻⁵, cosine; all lengths scaled by
//!   one factor ([`ProgressiveShrinking::scaled`]). The teacher's own training (not in
//!   `train_ofa_net.py`) gets the kernel stage's length and rate.
//!
//! Deviations: burn's SGD momentum without Nesterov; weight decay on BN and biases too (OFA's
//! `no_decay_keys = 'bn#bias'`; at 3·10⁻⁵ the difference is negligible).

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::nn::distillation_loss;
use kiln_core::train::{
    ActionContext, BatchSource, ImageBatch, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel,
    TrainPhase, Trainable, Trainer,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::OfaConfig;
use super::step::{largest_subnet_step, sum_subnet_losses};
use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;

/// What one step of a progressive-shrinking phase samples: the choice lists of the elastic
/// dimensions (empty = the largest value only) and how many subnets share the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShrinkStage {
    /// Kernel sizes drawn per block slot.
    pub kernels: Vec<usize>,
    /// Depths drawn per unit.
    pub depths: Vec<usize>,
    /// Expand ratios drawn per block slot.
    pub expands: Vec<usize>,
    /// Subnets per optimiser step (OFA's `dynamic_batch_size`).
    pub subnets_per_step: usize,
}

impl Default for ShrinkStage {
    /// The largest subnet only, one per step.
    fn default() -> Self {
        Self { kernels: Vec::new(), depths: Vec::new(), expands: Vec::new(), subnets_per_step: 1 }
    }
}

fn largest_first(list: &[usize]) -> Vec<usize> {
    let mut v = list.to_vec();
    v.sort_unstable_by(|a, b| b.cmp(a));
    v.dedup();
    v
}

impl ShrinkStage {
    /// The full network: the largest subnet, one per step.
    pub fn full() -> Self {
        Self::default()
    }

    /// Elastic kernel (OFA `task = 'kernel'`): all kernel sizes, one subnet per step.
    pub fn kernel(config: &OfaConfig) -> Self {
        Self { kernels: config.kernel_sizes.clone(), subnets_per_step: 1, ..Self::default() }
    }

    /// Elastic depth, sub-stage `phase` ∈ {1, 2}: the `phase + 1` largest depths (all in the
    /// last sub-stage), all kernels, 2 subnets per step.
    pub fn depth(config: &OfaConfig, phase: usize) -> Self {
        let depths = largest_first(&config.depths);
        let n = (phase + 1).min(depths.len()).max(1);
        Self {
            kernels: config.kernel_sizes.clone(),
            depths: depths[..n].to_vec(),
            expands: Vec::new(),
            subnets_per_step: 2,
        }
    }

    /// Elastic expand ratio, sub-stage `phase` ∈ {1, 2}: the `phase + 1` largest ratios, all
    /// kernels and depths, 4 subnets per step.
    pub fn expand(config: &OfaConfig, phase: usize) -> Self {
        let expands = largest_first(&config.expand_ratios);
        let n = (phase + 1).min(expands.len()).max(1);
        Self {
            kernels: config.kernel_sizes.clone(),
            depths: config.depths.clone(),
            expands: expands[..n].to_vec(),
            subnets_per_step: 4,
        }
    }

    /// Every gene elastic over `config`'s own lists (kernels, depths, expand ratios),
    /// `subnets_per_step` subnets per step: the random subnets of the sandwich rule.
    pub fn every(config: &OfaConfig, subnets_per_step: usize) -> Self {
        Self {
            kernels: config.kernel_sizes.clone(),
            depths: config.depths.clone(),
            expands: config.expand_ratios.clone(),
            subnets_per_step,
        }
    }

    /// The `index`-th subnet of the step seeded `seed`, at `resolution`: every elastic gene
    /// uniform over its list, the others at their largest.
    pub fn sample(&self, config: &OfaConfig, resolution: usize, seed: u64, index: usize) -> SubnetConfig {
        let mut subnet = SubnetConfig::largest(config);
        subnet.resolution = resolution;
        let mut rng = kiln_core::seed::rng(seed, 1 + index as u64);
        let mut draw = |list: &[usize], current: &mut usize| {
            if !list.is_empty() {
                *current = list[rng.random_range(0..list.len())];
            }
        };
        for k in subnet.kernels.iter_mut() {
            draw(&self.kernels, k);
        }
        for e in subnet.expands.iter_mut() {
            draw(&self.expands, e);
        }
        for d in subnet.depths.iter_mut() {
            draw(&self.depths, d);
        }
        subnet
    }
}

/// The step's resolution: uniform over `config.resolutions` (OFA's per-batch image size).
pub fn step_resolution(config: &OfaConfig, seed: u64) -> usize {
    let mut rng = kiln_core::seed::rng(seed, 0);
    let fallback = SubnetConfig::largest(config).resolution;
    if config.resolutions.is_empty() {
        fallback
    } else {
        config.resolutions[rng.random_range(0..config.resolutions.len())]
    }
}

/// The supernet in training, with the frozen full network it distils from.
#[derive(Module, Debug)]
pub struct ShrinkingModel {
    /// The weight-sharing supernet being trained.
    pub supernet: OfaSupernet,
    /// The separately trained full network (its largest subnet), `None` while it is itself
    /// being trained or when training without distillation.
    pub teacher: Option<OfaSupernet>,
    /// Label smoothing ε of the cross-entropy (OFA: 0.1).
    #[module(skip)]
    pub label_smoothing: f64,
    /// Weight κ of the distillation term (OFA's `kd_ratio`: 1.0).
    #[module(skip)]
    pub kd_ratio: f64,
}

impl ShrinkingModel {
    /// A supernet to train without a teacher (the teacher's own training), OFA's ε and κ.
    pub fn new(supernet: OfaSupernet) -> Self {
        Self { supernet, teacher: None, label_smoothing: 0.1, kd_ratio: 1.0 }
    }

    /// The next stage's model: the trained full network becomes the frozen teacher, and the
    /// supernet starts from its weights (OFA starts the kernel stage from the teacher's
    /// checkpoint). Freeze it in the phases with [`ShrinkingModel::trainable`].
    pub fn with_trained_teacher(full: OfaSupernet) -> Self {
        Self { teacher: Some(full.clone()), ..Self::new(full) }
    }

    /// The parameters a shrinking phase trains: all but the teacher's.
    pub fn trainable() -> Trainable {
        Trainable::except(["teacher"])
    }

    /// The loss of the subnets of one step (see the module doc), with the subnets drawn, for
    /// tests and diagnostics: `(Σ losses, last subnet's logits, subnets)`.
    pub fn step_loss(
        &self,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        stage: &ShrinkStage,
        seed: u64,
    ) -> (Tensor<1>, Tensor<2>, Vec<SubnetConfig>) {
        let config = &self.supernet.config;
        let resolution = step_resolution(config, seed);
        let soft = self.teacher.as_ref().map(|teacher| {
            let mut largest = SubnetConfig::largest(config);
            largest.resolution = resolution;
            teacher.forward_subnet(&largest, images.clone()).detach()
        });
        let ce = CrossEntropyLossConfig::new()
            .with_smoothing((self.label_smoothing > 0.0).then_some(self.label_smoothing as f32))
            .init(&images.device());
        let subnets: Vec<SubnetConfig> =
            (0..stage.subnets_per_step.max(1)).map(|index| stage.sample(config, resolution, seed, index)).collect();
        let loss_of = |subnet: &SubnetConfig| {
            let logits = self.supernet.forward_subnet(subnet, images.clone());
            let mut loss = ce.forward(logits.clone(), targets.clone());
            if let Some(soft) = &soft {
                loss = loss + distillation_loss(logits.clone(), soft.clone(), 1.0) * self.kd_ratio;
            }
            (loss, logits)
        };
        // `subnets` holds at least one subnet (`subnets_per_step.max(1)`).
        let (total, last) = sum_subnet_losses(&subnets, loss_of).unwrap_or_else(|| unreachable!());
        (total, last, subnets)
    }
}

impl TrainModel for ShrinkingModel {
    type Batch = ImageBatch;
    type Stage = ShrinkStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<ShrinkStage>) -> StepOutput {
        if !ctx.training {
            return largest_subnet_step(&self.supernet, batch);
        }
        let targets = batch.targets.clone();
        let (loss, logits, _) = self.step_loss(batch.images, batch.targets, &ctx.stage, ctx.step_seed);
        StepOutput::classification(loss, logits, targets)
    }
}

/// Lengths (epochs) and rates of OFA's progressive shrinking, before scaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressiveShrinking {
    /// The teacher (full network) epochs and rate.
    pub teacher: (usize, f64),
    /// Elastic-kernel epochs and rate.
    pub kernel: (usize, f64),
    /// Depth and expand sub-stage 1 epochs and rate.
    pub first: (usize, f64),
    /// Depth and expand sub-stage 2 epochs and rate.
    pub second: (usize, f64),
    /// Warm-up epochs of the kernel and sub-stage-2 phases (OFA: 5).
    pub warmup: usize,
    /// SGD momentum (OFA: 0.9).
    pub momentum: f64,
    /// Weight decay (OFA: 3·10⁻⁵).
    pub weight_decay: f32,
}

impl ProgressiveShrinking {
    /// OFA's lengths and rates (`train_ofa_net.py`).
    pub fn ofa() -> Self {
        Self {
            teacher: (120, 3e-2),
            kernel: (120, 3e-2),
            first: (25, 2.5e-3),
            second: (120, 7.5e-3),
            warmup: 5,
            momentum: 0.9,
            weight_decay: 3e-5,
        }
    }

    /// Every length × `factor`, rounded, at least one epoch (warm-up may become 0).
    pub fn scaled(mut self, factor: f64) -> Self {
        let scale = |e: usize| ((e as f64 * factor).round() as usize).max(1);
        self.teacher.0 = scale(self.teacher.0);
        self.kernel.0 = scale(self.kernel.0);
        self.first.0 = scale(self.first.0);
        self.second.0 = scale(self.second.0);
        self.warmup = (self.warmup as f64 * factor).round() as usize;
        self
    }

    /// OFA's lengths scaled so that teacher and supernet training take about `epochs` in all.
    pub fn ofa_with_total_epochs(epochs: usize) -> Self {
        let ofa = Self::ofa();
        let total = ofa.total_epochs() as f64;
        ofa.scaled(epochs as f64 / total)
    }

    /// Trains the teacher (the full network) from `config`, then shrinks a supernet started
    /// from it with the teacher frozen, and returns the supernet. `trainer` gives the trainer
    /// of each of the two runs, named `"teacher"` and `"shrinking"` (e.g. separate run
    /// directories); seed the device before calling.
    pub fn fit(
        &self,
        config: &OfaConfig,
        train: &dyn BatchSource<ImageBatch>,
        device: &Device,
        trainer: impl Fn(&str) -> Trainer,
    ) -> kiln_core::Result<OfaSupernet> {
        let steps = train.num_batches();
        let teacher = ShrinkingModel::new(config.init(device));
        let (teacher, _) = trainer("teacher").fit(teacher, &self.teacher_phases(steps), train, None)?;
        let model = ShrinkingModel::with_trained_teacher(teacher.supernet);
        let (model, _) = trainer("shrinking").fit(model, &self.phases(config, steps), train, None)?;
        Ok(model.supernet)
    }

    /// Total epochs of teacher and supernet training (the standalone baseline's budget).
    pub fn total_epochs(&self) -> usize {
        self.teacher.0 + self.kernel.0 + 2 * (self.first.0 + self.second.0)
    }

    fn phase(&self, (epochs, lr): (usize, f64), warmup: bool, steps_per_epoch: usize) -> TrainPhase {
        let schedule = if warmup && self.warmup > 0 {
            LrSchedule::WarmupCosine { warmup_steps: self.warmup * steps_per_epoch, min_factor: 0.0 }
        } else {
            LrSchedule::Cosine { min_factor: 0.0 }
        };
        TrainPhase::new(epochs, lr)
            .with_optimizer(OptimizerConfig::Sgd { momentum: self.momentum, weight_decay: self.weight_decay })
            .with_schedule(schedule)
    }

    /// The teacher's phase: the full network at random resolution, no distillation. Train a
    /// [`ShrinkingModel::new`] with it.
    pub fn teacher_phases(&self, steps_per_epoch: usize) -> Vec<Phase<ShrinkingModel>> {
        vec![Phase::train("teacher", self.phase(self.teacher, false, steps_per_epoch)).in_stage(ShrinkStage::full())]
    }

    /// The shrinking phases for a [`ShrinkingModel::with_trained_teacher`]: kernel, depth 1
    /// and 2, then for each expand sub-stage a channel sort (action) and its epochs; the
    /// teacher frozen throughout.
    pub fn phases(&self, config: &OfaConfig, steps_per_epoch: usize) -> Vec<Phase<ShrinkingModel>> {
        let train = |name: &str, length: (usize, f64), warmup: bool, stage: ShrinkStage| {
            let phase = self.phase(length, warmup, steps_per_epoch).with_trainable(ShrinkingModel::trainable());
            Phase::train(name, phase).in_stage(stage)
        };
        let sort = |name: &str| {
            Phase::action(name, |mut m: ShrinkingModel, _ctx: &ActionContext<'_>| {
                m.supernet = m.supernet.sort_channels();
                Ok(m)
            })
        };
        vec![
            train("kernel", self.kernel, true, ShrinkStage::kernel(config)),
            train("depth_1", self.first, false, ShrinkStage::depth(config, 1)),
            train("depth_2", self.second, true, ShrinkStage::depth(config, 2)),
            sort("sort_channels_1"),
            train("expand_1", self.first, false, ShrinkStage::expand(config, 1)),
            sort("sort_channels_2"),
            train("expand_2", self.second, true, ShrinkStage::expand(config, 2)),
        ]
    }
}
