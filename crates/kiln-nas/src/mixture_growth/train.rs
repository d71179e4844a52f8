//! MixtureGrowth on the shared engine: seeds, growth, the grown network, as typed phases.
//!
//! ```text
//! seeds  (GrowthStage::Seeds, seed_epochs):  L = CE(y, f₀(x)) + CE(y, f₁(x))
//! grow   (GrowthStage::Grow, an action):      f = grow(f₀, f₁, GrowInit)
//! grown  (GrowthStage::Grown, grown_epochs): L = CE(y, f(x))
//! ```
//! The seeds share no parameter, so one phase on the summed loss trains each exactly as alone
//! on the same batches (SGD with momentum and L2 decay updates each parameter from its own
//! gradient); the official `main.py` trains seed 0 for 100 epochs, then seed 1 for 100
//! (`ensemble_train_epochs`), which costs the same. SGD with momentum 0.9 and weight decay on
//! templates and BatchNorms, none on coefficients (`get_optimizer`), warm-up + cosine.

use burn::module::Module;
use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{
    ActionContext, ImageBatch, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase,
};
use serde::{Deserialize, Serialize};

use super::MixtureGrowthError;
use super::config::MixtureGrowthConfig;
use super::grow::GrowInit;
use super::model::TemplateWrn;

/// Stream of the growth's random draws, derived from the run's seed.
pub const GROW_SEED_STREAM: u64 = 0x6d67;

/// A phase of MixtureGrowth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum GrowthStage {
    /// Both half-width seeds train, each on its own cross-entropy.
    Seeds,
    /// The growth action.
    Grow,
    /// The grown network trains (also what evaluation outside a run uses).
    #[default]
    Grown,
}

/// The model a MixtureGrowth run trains: the two seeds until growth, then the grown network.
#[derive(Module, Debug)]
pub struct MixtureGrowth {
    /// The seeds (emptied by the growth).
    pub seeds: Vec<TemplateWrn>,
    /// The grown network, after the growth.
    pub grown: Option<TemplateWrn>,
}

impl MixtureGrowth {
    /// Two fresh seeds of `config`.
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] for an invalid configuration.
    pub fn new(config: &MixtureGrowthConfig, device: &burn::prelude::Device) -> Result<Self, MixtureGrowthError> {
        Ok(Self { seeds: vec![config.init_seed(device)?, config.init_seed(device)?], grown: None })
    }

    /// A model holding an already grown (or from-scratch) network.
    pub fn from_network(network: TemplateWrn) -> Self {
        Self { seeds: Vec::new(), grown: Some(network) }
    }

    /// Logits of the network the model stands for: the grown one, or before growth the sum of
    /// the seeds' logits (which is what the grown network computes with zero off-diagonal
    /// coefficients, in eval mode).
    ///
    /// # Panics
    /// When the model holds neither seeds nor a grown network (the constructors never build
    /// one).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        match &self.grown {
            Some(net) => net.forward(x),
            None => self
                .seeds
                .iter()
                .map(|s| s.forward(x.clone()))
                .reduce(|a, b| a + b)
                .expect("a MixtureGrowth model holds seeds or a grown network"),
        }
    }

    /// The growth step: replaces the seeds by the grown network.
    ///
    /// # Errors
    /// [`MixtureGrowthError::NotASeed`] when the model does not hold exactly two seeds, and the
    /// errors of [`MixtureGrowth::grow_with`].
    pub fn grown_from_seeds(self, init: GrowInit, scale: f64, seed: u64) -> Result<Self, MixtureGrowthError> {
        let [a, b] = self.seeds.as_slice() else {
            return Err(MixtureGrowthError::NotASeed(format!(
                "the model holds {} seeds, growth needs 2",
                self.seeds.len()
            )));
        };
        let grown = Self::grow_with([a, b], init, scale, seed)?;
        Ok(Self::from_network(grown))
    }
}

impl TrainModel for MixtureGrowth {
    type Batch = ImageBatch;
    type Stage = GrowthStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<GrowthStage>) -> StepOutput {
        let targets: Tensor<1, Int> = batch.targets;
        if ctx.stage == GrowthStage::Seeds && !self.seeds.is_empty() {
            const NAMES: [&str; 2] = ["seed_0_cross_entropy", "seed_1_cross_entropy"];
            let logits: Vec<Tensor<2>> = self.seeds.iter().map(|s| s.forward(batch.images.clone())).collect();
            let losses: Vec<Tensor<1>> = logits.iter().map(|l| cross_entropy(l.clone(), targets.clone())).collect();
            let loss = losses.iter().cloned().reduce(|a, b| a + b).expect("seeds are not empty");
            let ensemble = logits.into_iter().reduce(|a, b| a + b).expect("seeds are not empty");
            let mut out = StepOutput::classification(loss, ensemble, targets);
            for (name, l) in NAMES.into_iter().zip(losses) {
                out = out.with_term(name, l);
            }
            return out;
        }
        let logits = self.forward(batch.images);
        let ce = cross_entropy(logits.clone(), targets.clone());
        StepOutput::classification(ce.clone(), logits, targets).with_term("cross_entropy", ce)
    }
}

/// A phase of SGD at `lr` with warm-up then cosine down to `min_lr`, L2 decay on everything
/// but the coefficients.
fn sgd_phase(
    config: &MixtureGrowthConfig,
    epochs: usize,
    lr: f64,
    min_lr: f64,
    warmup: usize,
    steps: usize,
) -> TrainPhase {
    let optimizer = OptimizerConfig::Sgd { momentum: config.momentum, weight_decay: config.weight_decay };
    let min_factor = if lr > 0.0 { (min_lr / lr).clamp(0.0, 1.0) } else { 0.0 };
    TrainPhase::new(epochs, lr)
        .with_optimizer(optimizer)
        .with_group("coefficients", lr, 0.0)
        .with_schedule(LrSchedule::WarmupCosine { warmup_steps: warmup * steps, min_factor })
}

impl MixtureGrowthConfig {
    /// The run: `seeds` ([`GrowthStage::Seeds`]), `grow` (the action, with this config's
    /// [`GrowInit`] and scale, draws seeded from the run's seed), `grown`
    /// ([`GrowthStage::Grown`]). `steps_per_epoch` sizes the warm-ups.
    pub fn phases(&self, steps_per_epoch: usize) -> Vec<Phase<MixtureGrowth>> {
        let (init, scale) = (self.grow_init, self.coefs_noise_growing);
        let seeds = sgd_phase(self, self.seed_epochs, self.lr, self.lr_min, self.warmup_epochs, steps_per_epoch);
        let grown = sgd_phase(
            self,
            self.grown_epochs,
            self.lr_growing,
            self.lr_growing_min,
            self.warmup_epochs_growing,
            steps_per_epoch,
        );
        vec![
            Phase::train("seeds", seeds).in_stage(GrowthStage::Seeds),
            Phase::action("grow", move |m: MixtureGrowth, ctx: &ActionContext<'_>| {
                let seed = kiln_core::seed::derive_seed(ctx.seed, GROW_SEED_STREAM);
                m.grown_from_seeds(init, scale, seed)
                    .map_err(|e| kiln_core::CoreError::Phase { phase: "grow".into(), message: e.to_string() })
            })
            .in_stage(GrowthStage::Grow),
            Phase::train("grown", grown).in_stage(GrowthStage::Grown),
        ]
    }

    /// The from-scratch baseline: the full-width network for `seed_epochs + grown_epochs`
    /// epochs at the seeds' rate and schedule, in [`GrowthStage::Grown`] (train it as
    /// [`MixtureGrowth::from_network`] of [`MixtureGrowthConfig::init_scratch`]).
    pub fn scratch_phases(&self, steps_per_epoch: usize) -> Vec<Phase<MixtureGrowth>> {
        let epochs = self.seed_epochs + self.grown_epochs;
        let phase = sgd_phase(self, epochs, self.lr, self.lr_min, self.warmup_epochs, steps_per_epoch);
        vec![Phase::train("scratch", phase).in_stage(GrowthStage::Grown)]
    }
}

impl MixtureGrowthConfig {
    /// Forward MACs of every epoch of the run on `examples` images of `height × width`, in
    /// order: `seed_epochs` epochs of both seeds (`2 · seed MACs` per example), then
    /// `grown_epochs` of the grown network; the running sum gives "accuracy vs cumulative
    /// training MACs" (a training step costs about three forward passes, the same factor for
    /// every method). Built from a seed and its growth on `device` (parameters are drawn, never
    /// trained).
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] for an invalid configuration.
    pub fn epoch_macs(
        &self,
        height: usize,
        width: usize,
        examples: usize,
        device: &burn::prelude::Device,
    ) -> Result<Vec<u64>, MixtureGrowthError> {
        let seed = self.init_seed(device)?;
        let grown = MixtureGrowth::grow([&seed, &seed], GrowInit::Zero)?;
        let per_seed_epoch = 2 * seed.cost(height, width).macs * examples as u64;
        let per_grown_epoch = grown.cost(height, width).macs * examples as u64;
        let mut out = vec![per_seed_epoch; self.seed_epochs];
        out.extend(std::iter::repeat_n(per_grown_epoch, self.grown_epochs));
        Ok(out)
    }
}
