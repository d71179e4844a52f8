//! NN-Factory (Xu, Li, Liu, Sun, Cao, Li, Wen, Liu: "Generative Model for Models: Rapid DNN
//! Customization for Diverse Tasks and Resource Constraints", arXiv 2308.15003, 2023), sized
//! for small images.
//!
//! - [`ModularSupernet`]: a CNN whose convolutions' output channels form `M` gated modules per
//!   layer, pretrained on every class through random assemblies ([`FactoryStage::Pretrain`]).
//! - [`GenerativeAssembler`]: an MLP `(task multi-hot ⊕ density s) → gate logits` trained with
//!   straight-through gates on `CE over the task's classes + λ (MACs(g)/MACs(full) − s)²`
//!   ([`FactoryStage::Assemble`], [`loss`]), MACs differentiable in the gates
//!   ([`differentiable_macs`]).
//! - [`Assembler::assemble`]: one forward, then the best of `K` sampled assemblies within the
//!   MAC budget on a few validation images; [`Assembler::extract`] cuts the assembly out as a
//!   physically smaller [`CustomNet`] (active modules' channels only, the task's head) whose
//!   logits equal the gated supernet's.
//! - Baselines ([`l1_pruned_assembly`] + [`fine_tune_phases`], [`random_assembly`]), typed
//!   errors ([`FactoryError`]), save/load of a factory ([`NnFactory::save`]) and of a customised
//!   network ([`CustomNet::save`]).
//!
//! No official code was found; everything below is reconstructed from the paper's text and our
//! notes (`shared/research/nas.md` §7). Reconstructions:
//! - The supernet: a plain CNN (3×3 conv + bias → ReLU → module gate), 4 layers × 8 modules,
//!   global average pooling and a linear head. No batch normalisation: its statistics would
//!   depend on the assembly (the switchable-BN problem of slimmable networks); the paper's
//!   supernets are larger backbones.
//! - Module = a contiguous group of a layer's output channels; gating multiplies them after
//!   the ReLU, so an off module is exact zeros and extraction is exact.
//! - Pretraining gates: per example and layer, a uniform count `k ∈ 1..=M` of modules, a
//!   uniform subset of that size.
//! - The assembler's architecture (two hidden ReLU layers), its input (multi-hot ⊕ `s`), the
//!   density target `s ~ U(0.1, 1)`, `λ = 30` (tuned on the small experiment: at 10 the task
//!   loss pulled densities ~0.1 above target), and the straight-through estimator (forward
//!   `1[z > 0]` with each layer's largest logit kept on, backward through `σ(z)`). The
//!   supernet is frozen while the assembler trains.
//! - The resource model: analytic MACs, a conv's MACs ∝ active-in × active-out modules
//!   ([`gates`]); density = MACs / MACs(all modules) with the same task head.
//! - Tasks: class subsets of 2–5 classes; 20 held out (drawn by `task_seed`) are never given
//!   to the assembler in training; each training example gets a random training task
//!   containing its class.
//! - Customisation's search: thresholded gates snapped to the target density
//!   ([`snap_to_density`]: one module at a time in logit order while a switch brings the
//!   density closer; hard gates alone move in steps of up to 0.08 of the density) plus `K − 1`
//!   Bernoulli(σ(z)) draws, each cut to the budget by switching off its lowest-logit modules,
//!   ranked by validation accuracy.
//! - Baselines: L1 pruning at module granularity (sum of |W| over a module's filters), greedy
//!   to the budget, then fine-tuning of the extracted network on the task's images.
//! - `small()` uses the embedded 8×8 digits (not 32-px procedural images).
//!
//! Measured on the digits (`tests/nas/nn_factory/learning.rs`, 4 + 16 epochs, ~7–11 s on two
//! shared cores): on the 20 held-out tasks the assembler's density is within 0.043–0.046 of
//! the target on average over s ∈ {0.25, 0.5} (single tasks up to 0.13 off: one middle-layer
//! module is 0.05–0.08 of the density), and every task within 0.05 once snapped; at half
//! the MACs customised networks reach 0.85 test accuracy on held-out tasks against 0.77 for L1 pruning before fine-tuning.

pub mod assembler;
mod assembly;
mod baseline;
mod config;
mod custom;
mod error;
pub mod gates;
mod io;
pub mod loss;
mod supernet;
mod task;
mod train;

pub use assembler::{GenerativeAssembler, scenario_rows};
pub use assembly::{Assembler, Assembly, fit_budget, snap_to_density, task_rows};
pub use baseline::{fine_tune_phases, l1_module_importance, l1_pruned_assembly, random_assembly, task_examples};
pub use config::FactoryConfig;
pub use custom::{CustomNet, CustomSpec, custom_spec, extract};
pub use error::FactoryError;
pub use gates::{Gates, density, differentiable_macs, full_macs, smallest_macs, straight_through};
pub use io::FactoryManifest;
pub use supernet::{ModularSupernet, select_classes};
pub use task::{Task, TaskSplit};
pub use train::{FactorySchedule, FactoryStage, NnFactory};
