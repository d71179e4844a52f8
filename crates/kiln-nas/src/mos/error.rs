//! [`MosError`]: Mixture-of-Supernets settings that cannot build or train.

use thiserror::Error;

/// A [`MosConfig`](super::MosConfig) or search space that Mixture-of-Supernets cannot use.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum MosError {
    /// `m = 0`: W(a) is a mixture of at least one expert.
    #[error("a Mixture-of-Supernets needs at least one expert (m = 0)")]
    ZeroExperts,
    /// The router's hidden layer has no units.
    #[error("the router's hidden size must be at least 1")]
    ZeroRouterHidden,
    /// No epochs.
    #[error("Mixture-of-Supernets training needs at least one epoch")]
    ZeroEpochs,
    /// The learning rate is not a positive finite number.
    #[error("learning rate must be positive and finite, got {0}")]
    LearningRate(f64),
    /// The warm-up fraction is outside `[0, 1)`.
    #[error("warm-up fraction must be in [0, 1), got {0}")]
    WarmupFraction(f64),
    /// A choice list of the OFA space is empty or has a zero maximum, so the architecture
    /// embedding cannot be normalised by it.
    #[error("the supernet's {0} list is empty or its largest value is 0")]
    EmptySpace(&'static str),
}
