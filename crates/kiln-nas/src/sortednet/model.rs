//! The nested sub-models of an OFA supernet and [`SortedNetModel`], the supernet trained by
//! SortedNet's update on the kiln-core engine.

use burn::module::Module;
use burn::prelude::{Int, Tensor};
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::config::SubmodelDistribution;
use super::error::SortedNetError;
use crate::ofa::{OfaConfig, OfaSupernet, SubnetConfig, largest_subnet_step, subnet_macs, sum_subnet_losses};

/// One nested sub-model θ_b: the first `depth` blocks of every unit, the first
/// `expand · in_channels` hidden channels of every block, the largest kernel and resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SortedSubmodel {
    /// Blocks run in every unit.
    pub depth: usize,
    /// Expand ratio of every block.
    pub expand: usize,
}

impl SortedSubmodel {
    /// The subnet of the OFA supernet `config` this sub-model runs: the largest subnet with
    /// every unit's depth set to `depth` (at most the unit's `max_depth`) and every block's
    /// expand ratio to `expand`.
    pub fn to_subnet(&self, config: &OfaConfig) -> SubnetConfig {
        let mut subnet = SubnetConfig::largest(config);
        subnet.depths = config.units.iter().map(|u| self.depth.min(u.max_depth)).collect();
        subnet.expands.iter_mut().for_each(|e| *e = self.expand);
        subnet
    }

    /// `θ_self ⊂ θ_other`: no deeper and no wider than `other` (every sub-model is nested in
    /// itself).
    pub fn is_nested_in(&self, other: &SortedSubmodel) -> bool {
        self.depth <= other.depth && self.expand <= other.expand
    }

    /// Analytic MACs of one image through the sub-model ([`subnet_macs`]).
    pub fn macs(&self, config: &OfaConfig) -> u64 {
        subnet_macs(config, &self.to_subnet(config))
    }

    /// Every nested sub-model of `config`, |depths| × |expand ratios| of them, in size order:
    /// increasing MACs, ties by depth then expand.
    pub fn all(config: &OfaConfig) -> Vec<SortedSubmodel> {
        let sorted = |list: &[usize]| {
            let mut v = list.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        };
        let expands = sorted(&config.expand_ratios);
        let mut all: Vec<(u64, SortedSubmodel)> = sorted(&config.depths)
            .into_iter()
            .flat_map(|depth| expands.iter().map(move |&expand| SortedSubmodel { depth, expand }))
            .map(|b| (b.macs(config), b))
            .collect();
        all.sort_unstable_by_key(|&(macs, b)| (macs, b.depth, b.expand));
        all.into_iter().map(|(_, b)| b).collect()
    }

    /// The largest sub-model of `config` (`None` without depth or expand choices).
    pub fn largest(config: &OfaConfig) -> Option<SortedSubmodel> {
        Self::all(config).last().copied()
    }

    /// The smallest sub-model of `config` (`None` without depth or expand choices).
    pub fn smallest(config: &OfaConfig) -> Option<SortedSubmodel> {
        Self::all(config).first().copied()
    }
}

/// What a SortedNet training step does: how many sub-models it draws, from which P_B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortedNetStage {
    /// Sub-models per optimiser step (`g_acc`).
    pub g_acc: usize,
    /// P_B.
    pub distribution: SubmodelDistribution,
}

impl Default for SortedNetStage {
    /// The paper's default: `g_acc = 4`, uniform P_B.
    fn default() -> Self {
        Self { g_acc: 4, distribution: SubmodelDistribution::Uniform }
    }
}

impl SortedNetStage {
    /// The `index`-th sub-model of the step seeded `seed`, drawn from P_B over `submodels`
    /// (`None` when the list is empty).
    ///
    /// # Errors
    /// [`SortedNetError::WeightCount`] or [`SortedNetError::Weights`] when P_B's weights do
    /// not fit `submodels`.
    pub fn draw(
        &self,
        submodels: &[SortedSubmodel],
        seed: u64,
        index: usize,
    ) -> Result<Option<SortedSubmodel>, SortedNetError> {
        if submodels.is_empty() {
            return Ok(None);
        }
        self.distribution.validate(submodels.len())?;
        let mut rng = kiln_core::seed::rng(seed, index as u64);
        let SubmodelDistribution::Weighted(weights) = &self.distribution else {
            return Ok(Some(submodels[rng.random_range(0..submodels.len())]));
        };
        let mut u = rng.random::<f64>() * weights.iter().sum::<f64>();
        for (b, &w) in submodels.iter().zip(weights) {
            if u < w {
                return Ok(Some(*b));
            }
            u -= w;
        }
        // Rounding left `u` past the last weight: the last sub-model with positive weight.
        Ok(submodels.iter().zip(weights).rev().find(|(_, w)| **w > 0.0).map(|(b, _)| *b))
    }

    /// The `g_acc` sub-models of the step seeded `seed` (deterministic per seed).
    ///
    /// # Errors
    /// As [`draw`](Self::draw).
    pub fn draws(&self, submodels: &[SortedSubmodel], seed: u64) -> Result<Vec<SortedSubmodel>, SortedNetError> {
        let mut drawn = Vec::with_capacity(self.g_acc.max(1));
        for index in 0..self.g_acc.max(1) {
            drawn.extend(self.draw(submodels, seed, index)?);
        }
        Ok(drawn)
    }
}

/// The OFA supernet trained as a SortedNet: nested sub-models sharing its weights.
#[derive(Module, Debug)]
pub struct SortedNetModel {
    /// The weight-sharing supernet.
    pub supernet: OfaSupernet,
}

impl SortedNetModel {
    /// Wraps a supernet.
    pub fn new(supernet: OfaSupernet) -> Self {
        Self { supernet }
    }

    /// The loss of one training step, for tests and diagnostics: the `g_acc` sub-models drawn
    /// from `seed`, `L = (1/g_acc) Σ_b CE(f(x; θ_b), y)` on the one batch. Returns `(L, last
    /// sub-model's logits, sub-models drawn)`; a supernet without sub-models trains its largest
    /// subnet and returns none.
    ///
    /// # Errors
    /// As [`SortedNetStage::draw`].
    pub fn step_loss(
        &self,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        stage: &SortedNetStage,
        seed: u64,
    ) -> Result<(Tensor<1>, Tensor<2>, Vec<SortedSubmodel>), SortedNetError> {
        let config = &self.supernet.config;
        let drawn = stage.draws(&SortedSubmodel::all(config), seed)?;
        let mut subnets: Vec<SubnetConfig> = drawn.iter().map(|b| b.to_subnet(config)).collect();
        if subnets.is_empty() {
            subnets.push(SubnetConfig::largest(config));
        }
        let loss_of = |subnet: &SubnetConfig| {
            let logits = self.supernet.forward_subnet(subnet, images.clone());
            (cross_entropy(logits.clone(), targets.clone()), logits)
        };
        // `subnets` is not empty.
        let (total, last) = sum_subnet_losses(&subnets, loss_of).unwrap_or_else(|| unreachable!());
        Ok((total / subnets.len() as f64, last, drawn))
    }
}

impl TrainModel for SortedNetModel {
    type Batch = ImageBatch;
    type Stage = SortedNetStage;

    fn step(&self, batch: ImageBatch, ctx: &StepContext<SortedNetStage>) -> StepOutput {
        if !ctx.training {
            // Validation: the largest sub-model (the full network).
            return largest_subnet_step(&self.supernet, batch);
        }
        let targets = batch.targets.clone();
        // `SortedNetConfig::phases` validated the stage; a stage built by hand that does not
        // fit this supernet stops the run with the typed error's message.
        match self.step_loss(batch.images, batch.targets, &ctx.stage, ctx.step_seed) {
            Ok((loss, logits, _)) => StepOutput::classification(loss, logits, targets),
            Err(e) => panic!("SortedNet step: {e}"),
        }
    }
}
