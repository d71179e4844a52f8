//! NN-Factory's two training stages on the shared engine, as typed [`FactoryStage`]s:
//!
//! 1. [`FactoryStage::Pretrain`]: the modular supernet on every class, each example through a
//!    random assembly (per layer a uniform number `k ∈ 1..=M` of modules, a uniform subset of
//!    that size), cross-entropy over all classes; only `supernet` trains.
//! 2. [`FactoryStage::Assemble`]: the assembler on sampled scenarios: each example gets a
//!    training task containing its class (held-out tasks never appear) and a target density
//!    `s ~ U(density_range)`; the loss is [`super::loss`]'s task cross-entropy plus
//!    `λ (MACs(g)/MACs(full) − s)²`; only `assembler` trains (the supernet is frozen).

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, LrSchedule, Phase, StepContext, StepOutput, TrainModel, TrainPhase, Trainable};
use rand::Rng;
use rand::seq::index::sample;
use serde::{Deserialize, Serialize};

use super::assembler::{GenerativeAssembler, scenario_rows};
use super::config::FactoryConfig;
use super::gates::{density, straight_through};
use super::loss::{density_loss, restrict_to_task, task_cross_entropy};
use super::supernet::ModularSupernet;
use super::task::{Task, TaskSplit};

/// The factory: the modular supernet and the generative assembler.
#[derive(Module, Debug)]
pub struct NnFactory {
    /// The modular supernet.
    pub supernet: ModularSupernet,
    /// The generative assembler.
    pub assembler: GenerativeAssembler,
    /// The settings.
    #[module(skip)]
    pub config: FactoryConfig,
}

/// A training stage of the factory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FactoryStage {
    /// Supernet pretraining with random assemblies (evaluation outside a run: the full
    /// network on every class).
    #[default]
    Pretrain,
    /// Assembler training on sampled (task, density) scenarios.
    Assemble,
}

/// Class targets of a batch on the host.
fn host_targets(targets: &Tensor<1, Int>) -> Vec<usize> {
    match targets.clone().into_data().convert::<i64>().try_into_vec::<i64>() {
        Ok(v) => v.into_iter().map(|t| t.max(0) as usize).collect(),
        Err(e) => panic!("cannot read the batch's targets: {e:?}"),
    }
}

impl NnFactory {
    /// Random per-example assemblies `[b, layers, modules]` for pretraining.
    pub fn random_gates(&self, batch: usize, seed: u64, device: &Device) -> Tensor<3> {
        let (layers, m) = (self.config.layers(), self.config.modules);
        let mut rng = kiln_core::seed::rng(seed, 1);
        let mut values = vec![0.0f32; batch * layers * m];
        for row in values.chunks_mut(m) {
            let k = rng.random_range(1..=m);
            for i in sample(&mut rng, m, k) {
                row[i] = 1.0;
            }
        }
        Tensor::from_data(TensorData::new(values, [batch, layers, m]), device)
    }

    fn pretrain_step(&self, batch: ImageBatch, ctx: &StepContext<FactoryStage>) -> StepOutput {
        let [b, _, _, _] = batch.images.dims();
        let device = batch.images.device();
        let logits = if ctx.training {
            let gates = self.random_gates(b, ctx.step_seed, &device);
            self.supernet.forward_gated(batch.images, gates)
        } else {
            self.supernet.forward(batch.images)
        };
        let ce = cross_entropy(logits.clone(), batch.targets.clone());
        StepOutput::classification(ce.clone(), logits, batch.targets).with_term("cross_entropy", ce)
    }

    fn assemble_step(&self, batch: ImageBatch, ctx: &StepContext<FactoryStage>) -> StepOutput {
        let device = batch.images.device();
        let config = &self.config;
        let split = TaskSplit::new(config);
        let mut rng = kiln_core::seed::rng(ctx.step_seed, 2);
        let labels = host_targets(&batch.targets);
        let (lo, hi) = config.density_range;
        let scenarios: Vec<(Task, f32)> = labels
            .iter()
            .map(|&y| {
                let task = split
                    .training_task_with(y, &mut rng)
                    .unwrap_or_else(|| Task::new(&[y], config.num_classes).unwrap_or_else(|e| panic!("{e}")));
                (task, rng.random_range(lo..=hi) as f32)
            })
            .collect();
        let tasks: Vec<&Task> = scenarios.iter().map(|(t, _)| t).collect();
        let targets_s: Vec<f32> = scenarios.iter().map(|(_, s)| *s).collect();
        let b = tasks.len();
        let n = config.num_classes;
        let mask: Vec<f32> = tasks.iter().flat_map(|t| t.multi_hot(n)).collect();
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [b, n]), &device);
        let sizes: Vec<f32> = tasks.iter().map(|t| t.len() as f32).collect();
        let sizes = Tensor::<1>::from_data(TensorData::new(sizes, [b]), &device);
        let s = Tensor::<1>::from_data(TensorData::new(targets_s.clone(), [b]), &device);

        let gates = straight_through(self.assembler.forward(scenario_rows(&tasks, &targets_s, n, &device)), config);
        let logits = self.supernet.forward_gated(batch.images, gates.clone());
        let d = density(config, gates, sizes);
        let ce = task_cross_entropy(logits.clone(), mask.clone(), batch.targets.clone());
        let penalty = density_loss(d.clone(), s.clone(), config.sparsity_weight);
        let error = (d - s).abs().mean().detach();
        StepOutput::classification(ce.clone() + penalty.clone(), restrict_to_task(logits, mask), batch.targets)
            .with_term("task_cross_entropy", ce)
            .with_term("density_penalty", penalty)
            .with_term("density_error", error)
    }
}

impl TrainModel for NnFactory {
    type Batch = ImageBatch;
    type Stage = FactoryStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<FactoryStage>) -> StepOutput {
        match ctx.stage {
            FactoryStage::Pretrain => self.pretrain_step(batch, ctx),
            FactoryStage::Assemble => self.assemble_step(batch, ctx),
        }
    }
}

/// Epochs and learning rates of the two stages (Adam, cosine decay within each).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FactorySchedule {
    /// Supernet pretraining epochs.
    pub pretrain_epochs: usize,
    /// Supernet learning rate.
    pub pretrain_lr: f64,
    /// Assembler training epochs.
    pub assemble_epochs: usize,
    /// Assembler learning rate.
    pub assemble_lr: f64,
}

impl FactorySchedule {
    /// The phases: `pretrain` ([`FactoryStage::Pretrain`], only `supernet` trains), then
    /// `assemble` ([`FactoryStage::Assemble`], only `assembler` trains).
    pub fn phases(&self) -> Vec<Phase<NnFactory>> {
        let cosine = LrSchedule::Cosine { min_factor: 0.05 };
        vec![
            Phase::train(
                "pretrain",
                TrainPhase::new(self.pretrain_epochs, self.pretrain_lr)
                    .with_schedule(cosine)
                    .with_trainable(Trainable::only(["supernet"])),
            )
            .in_stage(FactoryStage::Pretrain),
            Phase::train(
                "assemble",
                TrainPhase::new(self.assemble_epochs, self.assemble_lr)
                    .with_schedule(cosine)
                    .with_trainable(Trainable::only(["assembler"])),
            )
            .in_stage(FactoryStage::Assemble),
        ]
    }
}
