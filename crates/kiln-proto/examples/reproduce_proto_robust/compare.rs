//! Comparing two means over seeds against their spread, for the verdicts of the claims.

use kiln_core::experiment::MeanStd;

/// Where one mean over seeds lies relative to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Higher by more than the larger of the two standard deviations.
    Above,
    /// Within the larger of the two standard deviations.
    Level,
    /// Lower by more than the larger of the two standard deviations.
    Below,
}

impl Relation {
    /// `a` relative to `b`.
    pub fn of(a: &MeanStd, b: &MeanStd) -> Self {
        let gap = a.mean - b.mean;
        let spread = a.std.max(b.std);
        if gap > spread {
            Self::Above
        } else if gap < -spread {
            Self::Below
        } else {
            Self::Level
        }
    }

    /// `above`, `level with`, `below`.
    pub fn words(self) -> &'static str {
        match self {
            Self::Above => "above",
            Self::Level => "level with",
            Self::Below => "below",
        }
    }
}
