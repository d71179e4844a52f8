//! [`ShiftNasError`]: ShiftNAS settings, bins or budgets that cannot be used.

use thiserror::Error;

/// A [`ShiftNasConfig`](super::ShiftNasConfig), MAC budget or bin that ShiftNAS cannot use.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ShiftNasError {
    /// Fewer than two MAC bins (one bin gives no complexity condition).
    #[error("ShiftNAS needs at least 2 MAC bins, got {0}")]
    TooFewBins(usize),
    /// Too few sampled subnets to place the bin edges.
    #[error("{samples} sampled subnets cannot place the edges of {bins} MAC bins (need at least {bins})")]
    TooFewSamples {
        /// Subnets sampled.
        samples: usize,
        /// Bins asked for.
        bins: usize,
    },
    /// Two bin edges coincide (the space has too few distinct MAC values for the bins).
    #[error("MAC bin {bin} is empty: its edges are both {edge} MACs (use fewer bins)")]
    EmptyBin {
        /// The empty bin.
        bin: usize,
        /// Its lower and upper edge.
        edge: f64,
    },
    /// The supernet's space has an empty choice list.
    #[error("the supernet's search space has an empty choice list ({0})")]
    EmptyChoices(&'static str),
    /// No epochs.
    #[error("ShiftNAS needs at least one epoch")]
    ZeroEpochs,
    /// A zero width of the generator.
    #[error("the generator's {0} must be at least 1")]
    ZeroWidth(&'static str),
    /// A setting that must be positive and finite is not.
    #[error("{name} must be positive and finite, got {value}")]
    NotPositive {
        /// The setting.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// The EMA momentum of the performance variation is outside `[0, 1)`.
    #[error("the shift momentum must be in [0, 1), got {0}")]
    Momentum(f64),
    /// A bin index past the bins.
    #[error("bin {bin} does not exist: there are {bins} bins")]
    BinOutOfRange {
        /// The bin asked for.
        bin: usize,
        /// Bins of the model.
        bins: usize,
    },
    /// A MAC budget below the smallest subnet of the space.
    #[error("a budget of {budget} MACs is below the smallest subnet's {smallest} MACs")]
    BudgetBelowSmallest {
        /// The budget asked for.
        budget: u64,
        /// MACs of the smallest subnet.
        smallest: u64,
    },
}
