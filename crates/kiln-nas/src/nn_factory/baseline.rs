//! The baselines NN-Factory is compared with: per-task L1 channel pruning to the same MACs
//! (then fine-tuning on the task's images), and random assemblies at the budget.

use burn::prelude::Tensor;
use kiln_core::train::{LrSchedule, Phase, TrainPhase};
use kiln_data::ImageExample;

use super::assembly::{Assembly, fit_budget};
use super::config::FactoryConfig;
use super::custom::CustomNet;
use super::error::FactoryError;
use super::gates::Gates;
use super::supernet::ModularSupernet;
use super::task::Task;

/// L1 importance of every module: `Σ |W|` over the output channels of its convolution
/// (Li et al.'s filter pruning at module granularity), `[layers][modules]`.
///
/// # Errors
/// A failed device read.
pub fn l1_module_importance(supernet: &ModularSupernet) -> Result<Vec<Vec<f32>>, FactoryError> {
    let (m, c) = (supernet.modules, supernet.module_channels);
    supernet
        .convs
        .iter()
        .map(|conv| {
            let w: Tensor<4> = conv.weight.val();
            let per_channel = kiln_core::tensor::try_to_vec(w.abs().flatten::<2>(1, 3).sum_dim(1))?;
            Ok((0..m).map(|i| per_channel[i * c..(i + 1) * c].iter().sum()).collect())
        })
        .collect()
}

/// Per-task L1 pruning: from the full network, the least important modules are switched off
/// until the assembly fits `macs` (fine-tune the extracted network afterwards).
///
/// # Errors
/// A bad task, [`FactoryError::BudgetTooSmall`], or a failed device read.
pub fn l1_pruned_assembly(
    supernet: &ModularSupernet,
    config: &FactoryConfig,
    task: &Task,
    macs: u64,
) -> Result<Assembly, FactoryError> {
    task.check(config.num_classes)?;
    let importance = l1_module_importance(supernet)?;
    let gates = fit_budget(Gates::full(config), &importance, config, task.len(), macs)?;
    Assembly::new(task.clone(), gates, config)
}

/// A random assembly at the budget: from the full network, modules drawn uniformly (by `seed`)
/// are switched off until it fits `macs`.
///
/// # Errors
/// A bad task or [`FactoryError::BudgetTooSmall`].
pub fn random_assembly(config: &FactoryConfig, task: &Task, macs: u64, seed: u64) -> Result<Assembly, FactoryError> {
    use rand::Rng;
    task.check(config.num_classes)?;
    let mut rng = kiln_core::seed::rng(seed, 4);
    let score: Vec<Vec<f32>> =
        (0..config.layers()).map(|_| (0..config.modules).map(|_| rng.random::<f32>()).collect()).collect();
    let gates = fit_budget(Gates::full(config), &score, config, task.len(), macs)?;
    Assembly::new(task.clone(), gates, config)
}

/// The examples of `task`'s classes relabelled to task-local labels (`0..task classes`), the
/// data a [`CustomNet`] fine-tunes and is evaluated on.
pub fn task_examples(examples: &[ImageExample], task: &Task) -> Vec<ImageExample> {
    examples
        .iter()
        .filter_map(|e| task.local(e.label).map(|label| ImageExample { image: e.image.clone(), label }))
        .collect()
}

/// Fine-tuning of an extracted network: one phase of `epochs` epochs, Adam at `lr` with cosine
/// decay.
pub fn fine_tune_phases(epochs: usize, lr: f64) -> Vec<Phase<CustomNet>> {
    vec![Phase::train("fine_tune", TrainPhase::new(epochs, lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }))]
}
