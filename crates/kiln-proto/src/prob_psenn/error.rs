//! Errors of Prob-PSENN's prediction and sampling entry points.

use thiserror::Error;

/// What can go wrong when asking a [`super::ProbPsenn`] for samples or uncertainties.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProbPsennError {
    /// A Monte Carlo estimate over zero sampled prototype sets.
    #[error("at least one sampled prototype set is needed, got 0")]
    ZeroSamples,
    /// An input whose rows do not have the model's input width.
    #[error("input rows have {found} features but the model expects {expected}")]
    InputWidth {
        /// The model's input width.
        expected: usize,
        /// The width of the given rows.
        found: usize,
    },
}
