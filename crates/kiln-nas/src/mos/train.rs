//! Mixture-of-Supernets training with the sandwich rule on the kiln-core engine.

use burn::module::Module;
use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{
    ImageBatch, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase,
};
use serde::{Deserialize, Serialize};

use super::config::MosConfig;
use super::error::MosError;
use super::model::MosSupernet;
use crate::ofa::{OfaConfig, ShrinkStage, SubnetConfig, step_resolution, sum_subnet_losses};

/// The subnets of one update (the sandwich rule): `random` subnets with every gene uniform
/// over its list at one random resolution (OFA's per-step resolution), then the largest and
/// the smallest subnet of the space at their own resolutions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MosStage {
    /// Random subnets per update (the official `--sandwich-rule` n).
    pub random: usize,
    /// Whether the largest subnet runs in every update.
    pub largest: bool,
    /// Whether the smallest subnet runs in every update.
    pub smallest: bool,
}

impl Default for MosStage {
    /// [`MosStage::sandwich`] with one random subnet.
    fn default() -> Self {
        Self::sandwich(1)
    }
}

impl MosStage {
    /// The sandwich rule: `random` random subnets, the largest and the smallest.
    pub fn sandwich(random: usize) -> Self {
        Self { random, largest: true, smallest: true }
    }

    /// The subnets of the update seeded `seed` in `config` (deterministic per seed): the
    /// random ones first, then the largest, then the smallest.
    pub fn subnets(&self, config: &OfaConfig, seed: u64) -> Vec<SubnetConfig> {
        let every = ShrinkStage::every(config, self.random);
        let resolution = step_resolution(config, seed);
        let mut subnets: Vec<SubnetConfig> =
            (0..self.random).map(|index| every.sample(config, resolution, seed, index)).collect();
        if self.largest {
            subnets.push(SubnetConfig::largest(config));
        }
        if self.smallest {
            subnets.push(SubnetConfig::smallest(config));
        }
        subnets
    }
}

/// The Mixture-of-Supernets in training.
#[derive(Module, Debug)]
pub struct MosModel {
    /// The supernet with its experts and routers.
    pub supernet: MosSupernet,
}

impl MosModel {
    /// Wraps a supernet.
    pub fn new(supernet: MosSupernet) -> Self {
        Self { supernet }
    }

    /// The loss of one update, for tests and diagnostics: `L = Σ_{a ∈ stage.subnets(seed)}
    /// CE(f(x; W(a)), y)` on the one batch. Returns `(L, last subnet's logits, subnets)`; a
    /// stage with no subnet trains the largest.
    pub fn step_loss(
        &self,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        stage: &MosStage,
        seed: u64,
    ) -> (Tensor<1>, Tensor<2>, Vec<SubnetConfig>) {
        let config = &self.supernet.base.config;
        let mut subnets = stage.subnets(config, seed);
        if subnets.is_empty() {
            subnets.push(SubnetConfig::largest(config));
        }
        let loss_of = |subnet: &SubnetConfig| {
            let logits = self.supernet.forward_subnet(subnet, images.clone());
            (cross_entropy(logits.clone(), targets.clone()), logits)
        };
        // `subnets` is not empty.
        let (total, last) = sum_subnet_losses(&subnets, loss_of).unwrap_or_else(|| unreachable!());
        (total, last, subnets)
    }
}

impl TrainModel for MosModel {
    type Batch = ImageBatch;
    type Stage = MosStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<MosStage>) -> StepOutput {
        let targets = batch.targets.clone();
        if !ctx.training {
            // Validation: the largest subnet with its routed weights.
            let largest = SubnetConfig::largest(&self.supernet.base.config);
            let logits = self.supernet.forward_subnet(&largest, batch.images);
            return StepOutput::classification(cross_entropy(logits.clone(), targets.clone()), logits, targets);
        }
        let (loss, logits, _) = self.step_loss(batch.images, batch.targets, &ctx.stage, ctx.step_seed);
        StepOutput::classification(loss, logits, targets)
    }
}

impl MosConfig {
    /// The typed stage of every training step: the sandwich rule with
    /// [`random_subnets`](Self::random_subnets) random subnets.
    pub fn stage(&self) -> MosStage {
        MosStage::sandwich(self.random_subnets)
    }

    /// The engine phases training a [`MosModel`] on the space `ofa` with `steps_per_epoch`
    /// batches per epoch: one phase of [`epochs`](Self::epochs), Adam (β = (0.9, 0.98), HAT's),
    /// linear warm-up over [`warmup_fraction`](Self::warmup_fraction) of the steps then cosine
    /// to 0 (a constant rate when the fraction is 0), every step in [`stage`](Self::stage).
    ///
    /// # Errors
    /// The [`MosError`] of [`validate`](Self::validate).
    pub fn phases(&self, ofa: &OfaConfig, steps_per_epoch: usize) -> Result<Vec<Phase<MosModel>>, MosError> {
        self.validate(ofa)?;
        let schedule = if self.warmup_fraction > 0.0 {
            let total = (self.epochs * steps_per_epoch) as f64;
            LrSchedule::WarmupCosine { warmup_steps: (total * self.warmup_fraction).round() as usize, min_factor: 0.0 }
        } else {
            LrSchedule::Constant
        };
        let adam = OptimizerConfig::Adam { beta1: 0.9, beta2: 0.98, epsilon: 1e-8, weight_decay: 0.0 };
        let phase = TrainPhase::new(self.epochs, self.lr).with_optimizer(adam).with_schedule(schedule);
        Ok(vec![Phase::train("mos", phase).in_stage(self.stage())])
    }
}
