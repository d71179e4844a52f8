//! SortedNet's training phases on the kiln-core engine, and its search-free selection.

use kiln_core::train::{Phase, TrainPhase};

use super::config::SortedNetConfig;
use super::error::SortedNetError;
use super::model::{SortedNetModel, SortedNetStage, SortedSubmodel};
use crate::ofa::OfaConfig;

impl SortedNetConfig {
    /// The typed stage every training step of these settings runs in.
    pub fn stage(&self) -> SortedNetStage {
        SortedNetStage { g_acc: self.g_acc, distribution: self.distribution.clone() }
    }

    /// The engine phases training a [`SortedNetModel`] of the supernet `ofa`: one phase of
    /// `epochs` at `lr` (Adam, constant rate), every step in [`stage`](Self::stage).
    ///
    /// # Errors
    /// The [`SortedNetError`] of [`validate`](Self::validate).
    pub fn phases(&self, ofa: &OfaConfig) -> Result<Vec<Phase<SortedNetModel>>, SortedNetError> {
        self.validate(ofa)?;
        Ok(vec![Phase::train("sortednet", TrainPhase::new(self.epochs, self.lr)).in_stage(self.stage())])
    }
}

/// Search-free selection: the largest nested sub-model of `config` whose MACs per image
/// ([`SortedSubmodel::macs`]) are at most `macs` (largest = most MACs, ties to the later in
/// size order); `None` when even the smallest does not fit.
pub fn largest_within(config: &OfaConfig, macs: u64) -> Option<SortedSubmodel> {
    SortedSubmodel::all(config).into_iter().rev().find(|b| b.macs(config) <= macs)
}
