//! [`Series`]: one named set of data drawn on a [`Chart`](super::Chart), and its kinds.

use image::Rgb;

use super::{ErrorBar, Histogram, RocCurve};
use crate::Marker;

/// What a series draws.
#[derive(Debug, Clone, PartialEq)]
pub enum SeriesKind {
    /// Points joined in order by straight lines (a curve over rounds or epochs, a front, a ROC
    /// curve), with an optional marker at each point. A non-finite point breaks the line.
    Line {
        /// `(x, y)` in data units.
        points: Vec<(f64, f64)>,
        /// The marker at each point, if any.
        marker: Option<Marker>,
    },
    /// Unconnected markers.
    Scatter {
        /// `(x, y)` in data units; non-finite points are skipped.
        points: Vec<(f64, f64)>,
        /// The marker at each point.
        marker: Marker,
    },
    /// `mean ± std` bars, optionally with a line through the means.
    ErrorBars {
        /// The bars, sorted by `x`.
        bars: Vec<ErrorBar>,
        /// Whether a line joins the means.
        joined: bool,
    },
    /// A histogram's bins as bars from 0.
    Histogram(Histogram),
}

/// One named set of data on a chart. The label is shown in the legend (an empty label keeps
/// the series out of it); without a colour of its own, a series takes the next entry of
/// [`PALETTE`](crate::PALETTE).
///
/// Points outside a fixed axis range are not drawn, and lines are cut where they leave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    label: String,
    color: Option<Rgb<u8>>,
    kind: SeriesKind,
}

impl Series {
    /// A series of the given kind.
    pub fn new(label: impl Into<String>, kind: SeriesKind) -> Self {
        Self { label: label.into(), color: None, kind }
    }

    /// A line through `points`, in their order.
    pub fn line(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        Self::new(label, SeriesKind::Line { points: points.into_iter().collect(), marker: None })
    }

    /// A line through `values` over consecutive x positions `first_x, first_x + 1, …`: a metric
    /// over rounds or epochs.
    pub fn values(label: impl Into<String>, first_x: f64, values: &[f64]) -> Self {
        Self::line(label, (0u32..).zip(values).map(|(i, &v)| (first_x + f64::from(i), v)))
    }

    /// Circle markers at `points`.
    pub fn scatter(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        Self::new(label, SeriesKind::Scatter { points: points.into_iter().collect(), marker: Marker::Circle })
    }

    /// A Pareto front (accuracy against cost): `points` sorted by x then y, duplicates
    /// dropped, joined by a line with circle markers. The points are drawn as given: pick the
    /// non-dominated ones first, since which they are depends on the objectives' directions.
    pub fn pareto_front(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let mut points: Vec<(f64, f64)> = points.into_iter().collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        points.dedup();
        Self::new(label, SeriesKind::Line { points, marker: Some(Marker::Circle) })
    }

    /// `mean ± std` bars sorted by x, their means joined by a line with circle markers.
    pub fn error_bars(label: impl Into<String>, bars: impl IntoIterator<Item = ErrorBar>) -> Self {
        let mut bars: Vec<ErrorBar> = bars.into_iter().collect();
        bars.sort_by(|a, b| a.x.total_cmp(&b.x));
        Self::new(label, SeriesKind::ErrorBars { bars, joined: true })
    }

    /// The bins of `histogram` as bars.
    pub fn histogram(label: impl Into<String>, histogram: Histogram) -> Self {
        Self::new(label, SeriesKind::Histogram(histogram))
    }

    /// The line of a ROC curve.
    pub fn roc(label: impl Into<String>, roc: &RocCurve) -> Self {
        Self::line(label, roc.points().iter().copied())
    }

    /// Sets the colour instead of the palette's.
    pub fn with_color(mut self, color: Rgb<u8>) -> Self {
        self.color = Some(color);
        self
    }

    /// Sets the marker of a line or scatter series (for a line, adds markers); error bars and
    /// histograms have none and are left as they are.
    pub fn with_marker(mut self, new: Marker) -> Self {
        match &mut self.kind {
            SeriesKind::Line { marker, .. } => *marker = Some(new),
            SeriesKind::Scatter { marker, .. } => *marker = new,
            SeriesKind::ErrorBars { .. } | SeriesKind::Histogram(_) => {}
        }
        self
    }

    /// Error bars without the line through their means; other kinds are left as they are.
    pub fn unjoined(mut self) -> Self {
        if let SeriesKind::ErrorBars { joined, .. } = &mut self.kind {
            *joined = false;
        }
        self
    }

    /// The legend label (empty: not in the legend).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The colour set with [`with_color`](Self::with_color), if any.
    pub fn color(&self) -> Option<Rgb<u8>> {
        self.color
    }

    /// What the series draws.
    pub fn kind(&self) -> &SeriesKind {
        &self.kind
    }

    /// The points a fitted axis range must show: the data points, both ends of each error bar,
    /// and each histogram bin's edges at height 0 and at its count.
    pub fn extent(&self) -> Vec<(f64, f64)> {
        match &self.kind {
            SeriesKind::Line { points, .. } | SeriesKind::Scatter { points, .. } => points.clone(),
            SeriesKind::ErrorBars { bars, .. } => bars
                .iter()
                .filter(|b| b.is_finite())
                .flat_map(|b| {
                    let (lo, hi) = b.span();
                    [(b.x, lo), (b.x, hi)]
                })
                .collect(),
            SeriesKind::Histogram(h) => h.bins().flat_map(|(lo, hi, count)| [(lo, 0.0), (hi, count as f64)]).collect(),
        }
    }
}
