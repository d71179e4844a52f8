//! [`Legend`]: where a chart lists its labelled series.

use plotters::chart::SeriesLabelPosition;

/// The corner of the plot area holding the legend, or no legend. Only series with a non-empty
/// label are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// Top left.
    UpperLeft,
    /// Top right (the default).
    #[default]
    UpperRight,
    /// Bottom left.
    LowerLeft,
    /// Bottom right, e.g. for accuracy-vs-cost fronts and ROC curves, which leave it empty.
    LowerRight,
    /// No legend.
    Hidden,
}

impl Legend {
    /// plotters' position, `None` for [`Legend::Hidden`].
    pub(crate) fn position(self) -> Option<SeriesLabelPosition> {
        match self {
            Self::UpperLeft => Some(SeriesLabelPosition::UpperLeft),
            Self::UpperRight => Some(SeriesLabelPosition::UpperRight),
            Self::LowerLeft => Some(SeriesLabelPosition::LowerLeft),
            Self::LowerRight => Some(SeriesLabelPosition::LowerRight),
            Self::Hidden => None,
        }
    }
}
