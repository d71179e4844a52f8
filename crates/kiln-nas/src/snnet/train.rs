//! SN-Net training on the shared engine: anchors first (independent cross-entropy each), the
//! least-squares stitch initialisation as an action, then stitching, where every step trains
//! one uniformly sampled configuration (the official `np.random.randint(0, num_configs)` per
//! forward) on cross-entropy.

use burn::prelude::{Tensor, TensorData};
use kiln_core::error::CoreError;
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ActionContext, ImageBatch, LrSchedule, Phase, StepContext, StepOutput, TrainModel, TrainPhase};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::StitchConfig;
use super::model::SnNet;

/// Seed stream of the configuration drawn at each stitching step.
const CONFIG_STREAM: u64 = 0x5e_7e7;

/// What an SN-Net step trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SnNetStage {
    /// Every anchor on its own cross-entropy, `L = Σ_a CE(y, f_a(x))` (each anchor's gradient
    /// is its own loss's: the anchors train independently, as SN-Net assumes); the logits
    /// reported are the largest anchor's.
    Anchors,
    /// One configuration drawn uniformly from [`SnNet::configs`] per step (seeded by the
    /// step seed), `L = CE(y, f_cfg(x))`. Outside training the draw is seeded the same way, so
    /// an evaluation in this stage averages over the family.
    #[default]
    Stitching,
}

impl SnNet {
    /// The configuration a stitching step with `seed` trains.
    pub fn sample_config(&self, seed: u64) -> StitchConfig {
        let mut rng = kiln_core::seed::rng(seed, CONFIG_STREAM);
        self.configs()[rng.random_range(0..self.configs().len())]
    }
}

impl TrainModel for SnNet {
    type Batch = ImageBatch;
    type Stage = SnNetStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<SnNetStage>) -> StepOutput {
        let targets = batch.targets;
        match ctx.stage {
            SnNetStage::Anchors => {
                let mut total = None;
                let mut last = None;
                for anchor in &self.anchors {
                    let logits = anchor.forward(batch.images.clone());
                    let ce = cross_entropy(logits.clone(), targets.clone());
                    total = Some(match total {
                        None => ce,
                        Some(t) => t + ce,
                    });
                    last = Some(logits);
                }
                let (Some(loss), Some(logits)) = (total, last) else {
                    unreachable!("an SN-Net has at least two anchors (validated at construction)")
                };
                StepOutput::classification(loss, logits, targets)
            }
            SnNetStage::Stitching => {
                let cfg = self.sample_config(ctx.step_seed);
                let logits = self.forward_config(&cfg, batch.images);
                let ce = cross_entropy(logits.clone(), targets.clone());
                StepOutput::classification(ce.clone(), logits, targets).with_term("cross_entropy", ce)
            }
        }
    }
}

/// Epochs and learning rates of an SN-Net run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnNetSchedule {
    /// Epochs training the anchors (0 when they are pretrained).
    pub anchor_epochs: usize,
    /// Epochs of stitching.
    pub stitch_epochs: usize,
    /// Learning rate of the anchors' phase (Adam, cosine).
    pub anchor_lr: f64,
    /// Learning rate of stitching (Adam, cosine).
    pub stitch_lr: f64,
}

impl SnNetSchedule {
    /// The phases: `anchors` (stage [`SnNetStage::Anchors`]), `least_squares` (the action
    /// [`SnNet::init_stitches_least_squares`] on `init_images`, a batch `[b, c, h, w]` of
    /// training images) and `stitching` ([`SnNetStage::Stitching`]).
    pub fn phases(&self, init_images: TensorData) -> Vec<Phase<SnNet>> {
        let train =
            |epochs: usize, lr: f64| TrainPhase::new(epochs, lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 });
        let mut phases = Vec::new();
        if self.anchor_epochs > 0 {
            phases
                .push(Phase::train("anchors", train(self.anchor_epochs, self.anchor_lr)).in_stage(SnNetStage::Anchors));
        }
        phases.push(
            Phase::action("least_squares", move |model: SnNet, ctx: &ActionContext<'_>| {
                let images = Tensor::<4>::from_data(init_images.clone(), ctx.device);
                model
                    .init_stitches_least_squares(images)
                    .map_err(|e| CoreError::Phase { phase: "least_squares".into(), message: e.to_string() })
            })
            .in_stage(SnNetStage::Stitching),
        );
        phases
            .push(Phase::train("stitching", train(self.stitch_epochs, self.stitch_lr)).in_stage(SnNetStage::Stitching));
        phases
    }
}
