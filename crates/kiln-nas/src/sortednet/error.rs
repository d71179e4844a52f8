//! [`SortedNetError`]: a SortedNet configuration that cannot train.

use thiserror::Error;

/// A [`SortedNetConfig`](super::SortedNetConfig) or supernet that SortedNet cannot train on.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SortedNetError {
    /// `g_acc` is zero: a step needs at least one sub-model.
    #[error("g_acc must be at least 1 (sub-models per optimiser step)")]
    ZeroAccumulation,
    /// No epochs.
    #[error("SortedNet needs at least one epoch")]
    ZeroEpochs,
    /// The learning rate is not a positive finite number.
    #[error("learning rate must be positive and finite, got {0}")]
    LearningRate(f64),
    /// The supernet has no depth or no expand-ratio choice, so no sub-model.
    #[error("the supernet has no nested sub-models (empty depth or expand-ratio list)")]
    NoSubmodels,
    /// The weights of P_B do not match the sub-models.
    #[error("P_B has {weights} weights for {submodels} sub-models")]
    WeightCount {
        /// Weights given.
        weights: usize,
        /// Nested sub-models of the supernet.
        submodels: usize,
    },
    /// A weight of P_B is negative or not finite, or all are zero.
    #[error("P_B weights must be finite, non-negative and not all zero")]
    Weights,
}
