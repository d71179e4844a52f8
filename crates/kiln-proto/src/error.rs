//! Errors of the robust prototype models: bad radii and attack settings.

use thiserror::Error;

/// What can go wrong when certifying or attacking a model.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum RobustError {
    /// A radius that is negative, NaN or infinite.
    #[error("radius {radius} is not a finite non-negative number")]
    InvalidRadius {
        /// The rejected radius.
        radius: f64,
    },
    /// An attack setting that cannot run (zero steps, zero restarts, a non-finite step).
    #[error("invalid attack setting: {0}")]
    InvalidAttack(String),
    /// The backward pass gave no gradient for the input (the scores do not depend on it).
    #[error("the scores gave no gradient with respect to the input")]
    NoGradient,
    /// A batch whose inputs and labels disagree in size.
    #[error("{inputs} inputs but {labels} labels")]
    BatchMismatch {
        /// Rows of the input.
        inputs: usize,
        /// Entries of the labels.
        labels: usize,
    },
}

/// Checks that `radius` is finite and non-negative.
///
/// # Errors
/// [`RobustError::InvalidRadius`] otherwise.
pub fn check_radius(radius: f64) -> Result<f64, RobustError> {
    if radius.is_finite() && radius >= 0.0 { Ok(radius) } else { Err(RobustError::InvalidRadius { radius }) }
}
