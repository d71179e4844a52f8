//! Progressive shrinking (OFA §3.2) on the shared engine, with in-place distillation.
//!
//! Phases, each a [`TrainPhase`] whose typed [`OfaStage`] selects what is sampled: `Full` (the
//! largest subnet only), `Kernel` (elastic kernel), `Depth` (+ elastic depth), `Width` (+
//! elastic width, preceded by the `SortChannels` action), with random resolution in every
//! elastic stage.
//! Each step trains one sampled subnet on
//! `L = CE(y, f_a(x)) + λ_KD · CE(softmax(f_max(x)), f_a(x))`, where the teacher `f_max` is the
//! largest subnet of the same weights, detached (in-place distillation; OFA's code uses the
//! separately trained full network, of which this is the weight-shared version).

use burn::prelude::{Int, Tensor};
use kiln_core::nn::{cross_entropy, distillation_loss};
use kiln_core::train::{ActionContext, ImageBatch, LrSchedule, Phase, StepContext, StepOutput, TrainModel, TrainPhase};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;

/// A stage of progressive shrinking (OFA §3.2): which dimensions are elastic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OfaStage {
    /// The largest subnet only (also what evaluation outside a run uses).
    #[default]
    Full,
    /// Elastic kernel size (and resolution).
    Kernel,
    /// Elastic kernel and depth.
    Depth,
    /// Channel sorting by importance before the width stage (an action; no sampling).
    SortChannels,
    /// Elastic kernel, depth and width.
    Width,
}

impl OfaStage {
    /// Which dimensions are elastic: `(kernel, depth, width)`.
    pub fn elastic(self) -> (bool, bool, bool) {
        match self {
            Self::Full | Self::SortChannels => (false, false, false),
            Self::Kernel => (true, false, false),
            Self::Depth => (true, true, false),
            Self::Width => (true, true, true),
        }
    }
}

impl OfaSupernet {
    /// Samples a subnet for a stage: the elastic dimensions (and the resolution) uniformly,
    /// the others at their largest; [`OfaStage::Full`] gives the largest subnet.
    pub fn sample_subnet(&self, stage: OfaStage, seed: u64) -> SubnetConfig {
        let cfg = &self.config;
        let mut subnet = SubnetConfig::largest(cfg);
        let (kernel, depth, width) = stage.elastic();
        if !(kernel || depth || width) {
            return subnet;
        }
        let mut rng = kiln_core::seed::rng(seed, 0);
        let mut pick = |list: &[usize]| list[rng.random_range(0..list.len().max(1)).min(list.len().saturating_sub(1))];
        subnet.resolution = pick(&cfg.resolutions);
        if kernel {
            subnet.kernels = subnet.kernels.iter().map(|_| pick(&cfg.kernel_sizes)).collect();
        }
        if depth {
            subnet.depths = subnet.depths.iter().map(|_| pick(&cfg.depths)).collect();
        }
        if width {
            subnet.expands = subnet.expands.iter().map(|_| pick(&cfg.expand_ratios)).collect();
        }
        subnet
    }
}

impl TrainModel for OfaSupernet {
    type Batch = ImageBatch;
    type Stage = OfaStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<OfaStage>) -> StepOutput {
        let subnet = self.sample_subnet(ctx.stage, ctx.step_seed);
        let logits = self.forward_subnet(&subnet, batch.images.clone());
        let targets: Tensor<1, Int> = batch.targets;
        let ce = cross_entropy(logits.clone(), targets.clone());
        if subnet == SubnetConfig::largest(&self.config) || !ctx.training {
            return StepOutput::classification(ce.clone(), logits, targets).with_term("cross_entropy", ce);
        }
        let teacher = self.forward_subnet(&SubnetConfig::largest(&self.config), batch.images).detach();
        // OFA's in-place distillation: soft-target cross-entropy at temperature 1.
        let kd = distillation_loss(logits.clone(), teacher, 1.0);
        StepOutput::classification(ce.clone() + kd.clone(), logits, targets)
            .with_term("cross_entropy", ce)
            .with_term("distillation", kd)
    }
}

/// Epochs of each progressive-shrinking stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShrinkingSchedule {
    /// Full network.
    pub full: usize,
    /// Elastic kernel.
    pub kernel: usize,
    /// Elastic kernel and depth.
    pub depth: usize,
    /// Elastic kernel, depth and width.
    pub width: usize,
    /// Base learning rate (Adam, cosine within each stage).
    pub lr: f64,
}

impl ShrinkingSchedule {
    /// The phases: `full`, `kernel`, `depth`, `sort_channels` (action), `width`, each in its
    /// [`OfaStage`].
    pub fn phases(&self) -> Vec<Phase<OfaSupernet>> {
        let stage = |name: &str, stage: OfaStage, epochs: usize, lr: f64| {
            Phase::train(name, TrainPhase::new(epochs, lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }))
                .in_stage(stage)
        };
        vec![
            stage("full", OfaStage::Full, self.full, self.lr),
            stage("kernel", OfaStage::Kernel, self.kernel, self.lr * 0.5),
            stage("depth", OfaStage::Depth, self.depth, self.lr * 0.5),
            Phase::action("sort_channels", |m: OfaSupernet, _ctx: &ActionContext<'_>| Ok(m.sort_channels()))
                .in_stage(OfaStage::SortChannels),
            stage("width", OfaStage::Width, self.width, self.lr * 0.5),
        ]
    }
}
