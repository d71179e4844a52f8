//! Stage 2: fine-tuning the whole pool on the engine, one uniformly drawn descendant per step
//! with plain cross-entropy (the official `main.py`: `distillation_type = 'none'`, a random
//! `stitch_cfg_id` in every training forward).

use kiln_core::nn::classification_step;
use kiln_core::train::{
    ImageBatch, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::FinetuneConfig;
use super::descendant::Descendant;
use super::model::{DescendantNet, LearngenePool};

/// What a step of the pool trains or evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PoolStage {
    /// The widest instance only ([`LearngenePool::widest`]; also what evaluation outside a
    /// run uses).
    #[default]
    Widest,
    /// One descendant drawn uniformly per training step (evaluation: the widest instance).
    Random,
}

impl LearngenePool {
    /// The descendant a step of `stage` runs: for [`PoolStage::Random`] in training, a uniform
    /// draw from [`descendants`](Self::descendants) seeded by `seed`; otherwise the widest instance.
    pub fn sample_descendant(&self, stage: PoolStage, training: bool, seed: u64) -> Descendant {
        let all = self.descendants();
        match stage {
            PoolStage::Random if training && !all.is_empty() => {
                let mut rng = kiln_core::seed::rng(seed, 0);
                all[rng.random_range(0..all.len())]
            }
            _ => self.widest(),
        }
    }
}

impl TrainModel for LearngenePool {
    type Batch = ImageBatch;
    type Stage = PoolStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<PoolStage>) -> StepOutput {
        let descendant = self.sample_descendant(ctx.stage, ctx.training, ctx.step_seed);
        // Descendants come from the pool's own list, so they always run.
        let logits = match self.forward_descendant(&descendant, batch.images) {
            Ok(logits) => logits,
            Err(e) => unreachable!("a sampled descendant is one of the pool's: {e}"),
        };
        classification_step(logits, batch.targets)
    }
}

impl TrainModel for DescendantNet {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}

impl FinetuneConfig {
    /// One phase `finetune` in [`PoolStage::Random`]: `epochs` of AdamW at `lr`
    /// (cosine-annealed to 1% of it) with decoupled decay `weight_decay`.
    pub fn phases(&self) -> Vec<Phase<LearngenePool>> {
        let phase = TrainPhase::new(self.epochs, self.lr)
            .with_optimizer(OptimizerConfig::AdamW { weight_decay: self.weight_decay })
            .with_schedule(LrSchedule::Cosine { min_factor: 0.01 });
        vec![Phase::train("finetune", phase).in_stage(PoolStage::Random)]
    }
}
