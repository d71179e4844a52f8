//! The sandwich rule and [`InstaTuneModel`], the OFA supernet pretrained and fine-tuned by
//! InstaTune on the kiln-core engine.

use burn::module::Module;
use burn::nn::LinearConfig;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::nn::{cross_entropy, distillation_loss};
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::error::InstaTuneError;
use crate::ofa::{OfaConfig, OfaSupernet, ShrinkStage, SubnetConfig, largest_subnet_step};

/// Random stream of the random subnets' resolutions in [`kiln_core::seed::rng`].
const RESOLUTION_STREAM: u64 = 0x0049_4E53_5441;

/// One elastic fine-tuning step: the largest subnet, the smallest and `random_subnets`
/// uniformly random subnets on one mini-batch, with in-place distillation from the largest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandwichRule {
    /// Random subnets per step besides the largest and the smallest (2 in the sandwich rule).
    pub random_subnets: usize,
    /// Weight α of the students' cross-entropy with the labels.
    pub student_ce_weight: f64,
    /// Weight κ of the students' distillation from the largest subnet.
    pub kd_weight: f64,
}

impl Default for SandwichRule {
    /// 2 random subnets, α = κ = 1 (OFA's in-place distillation: label loss plus
    /// distillation, `kd_ratio` 1).
    fn default() -> Self {
        Self { random_subnets: 2, student_ce_weight: 1.0, kd_weight: 1.0 }
    }
}

impl SandwichRule {
    /// Checks the loss weights.
    ///
    /// # Errors
    /// [`InstaTuneError::LossWeight`] for a negative or non-finite weight.
    pub fn validate(&self) -> Result<(), InstaTuneError> {
        for (name, value) in [("student_ce_weight", self.student_ce_weight), ("kd_weight", self.kd_weight)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(InstaTuneError::LossWeight { name, value });
            }
        }
        Ok(())
    }

    /// Subnet forward passes per step: `2 + random_subnets`.
    pub fn subnets_per_step(&self) -> usize {
        2 + self.random_subnets
    }

    /// The subnets of the step seeded `seed`, deterministic per seed: the largest, the
    /// smallest, then `random_subnets` subnets with every kernel, expand ratio, depth and the
    /// resolution uniform over `config`'s lists (OFA's sampler,
    /// [`ShrinkStage::sample`], with a resolution drawn per subnet).
    pub fn subnets(&self, config: &OfaConfig, seed: u64) -> Vec<SubnetConfig> {
        let elastic = ShrinkStage::every(config, self.random_subnets);
        let largest = SubnetConfig::largest(config);
        let mut subnets = vec![largest.clone(), SubnetConfig::smallest(config)];
        for index in 0..self.random_subnets {
            let mut rng = kiln_core::seed::rng(seed, RESOLUTION_STREAM + index as u64);
            let resolution = match config.resolutions.len() {
                0 => largest.resolution,
                n => config.resolutions[rng.random_range(0..n)],
            };
            subnets.push(elastic.sample(config, resolution, seed, index));
        }
        subnets
    }
}

/// What a training step of [`InstaTuneModel`] trains, set by the engine's phases.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum InstaTuneStage {
    /// Pretraining on the first task: the largest subnet (the full network), cross-entropy,
    /// no elasticity.
    #[default]
    Pretrain,
    /// The static baseline: ordinary fine-tuning of the full network on the new task.
    StaticFinetune,
    /// InstaTune: elastic fine-tuning on the new task with the sandwich rule.
    ElasticFinetune(SandwichRule),
}

/// The loss of one elastic step and what it ran.
#[derive(Debug, Clone)]
pub struct SandwichLoss {
    /// `L`, the sum over the step's subnets (see the module doc).
    pub total: Tensor<1>,
    /// The largest subnet's logits (with their graph: its cross-entropy trains them).
    pub largest_logits: Tensor<2>,
    /// The subnets run: largest, smallest, then the random ones.
    pub subnets: Vec<SubnetConfig>,
}

/// The OFA supernet trained by InstaTune.
#[derive(Module, Debug)]
pub struct InstaTuneModel {
    /// The weight-sharing supernet.
    pub supernet: OfaSupernet,
}

impl InstaTuneModel {
    /// Wraps a supernet.
    pub fn new(supernet: OfaSupernet) -> Self {
        Self { supernet }
    }

    /// The loss of an elastic step seeded `seed` on `(images, targets)`:
    ///
    /// `L = CE(y, f_max(x)) + Σ_{a ∈ {min, r_1, …}} [α · CE(y, f_a(x)) + κ · KD(f_a(x), sg(f_max(x)))]`
    ///
    /// where the teacher logits are the largest subnet's own logits of this step, detached
    /// (`sg`): the largest subnet runs once, and its gradient comes from its cross-entropy
    /// only.
    pub fn sandwich_loss(
        &self,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        rule: &SandwichRule,
        seed: u64,
    ) -> SandwichLoss {
        let subnets = rule.subnets(&self.supernet.config, seed);
        let largest_logits = self.supernet.forward_subnet(&subnets[0], images.clone());
        let soft = largest_logits.clone().detach();
        let mut total = cross_entropy(largest_logits.clone(), targets.clone());
        for subnet in &subnets[1..] {
            let logits = self.supernet.forward_subnet(subnet, images.clone());
            let ce = cross_entropy(logits.clone(), targets.clone()) * rule.student_ce_weight;
            total = total + ce + distillation_loss(logits, soft.clone(), 1.0) * rule.kd_weight;
        }
        SandwichLoss { total, largest_logits, subnets }
    }
}

impl TrainModel for InstaTuneModel {
    type Batch = ImageBatch;
    type Stage = InstaTuneStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<InstaTuneStage>) -> StepOutput {
        match &ctx.stage {
            InstaTuneStage::ElasticFinetune(rule) if ctx.training => {
                let targets = batch.targets.clone();
                let loss = self.sandwich_loss(batch.images, batch.targets, rule, ctx.step_seed);
                StepOutput::classification(loss.total, loss.largest_logits, targets)
            }
            // Pretraining, the static baseline and every validation step: the full network.
            _ => largest_subnet_step(&self.supernet, batch),
        }
    }
}

/// The supernet with a freshly initialised classifier head of `classes` outputs (a new
/// task's head), everything else kept.
pub fn with_new_head(mut supernet: OfaSupernet, classes: usize, device: &Device) -> OfaSupernet {
    let features = supernet.head.weight.dims()[0];
    supernet.head = LinearConfig::new(features, classes).init(device);
    supernet.config.num_classes = classes;
    supernet
}
