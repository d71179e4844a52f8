//! Charts on [plotters](https://docs.rs/plotters): a [`Chart`] holds several [`Series`] —
//! lines over rounds or epochs ([`Series::line`], [`Series::values`]), scatter markers, Pareto
//! fronts, error bars ([`ErrorBar`]), histograms ([`Histogram`]) and ROC curves
//! ([`RocCurve`], [`Chart::roc`]) — with a title, axis labels, fixed or fitted ranges and a
//! [`Legend`], and renders it to an [`RgbImage`](image::RgbImage), PNG or SVG.
//!
//! Text uses DejaVu Sans, bundled in this crate and registered with plotters' pure-Rust
//! `ab_glyph` path (as plotters' `"sans-serif"` family, process-wide): no system font
//! library is linked or read.
//!
//! ```
//! use kiln_render::{Chart, ErrorBar, Series};
//!
//! let chart = Chart::new("validation accuracy")
//!     .x_label("epoch")
//!     .y_label("accuracy")
//!     .series(Series::values("CNN", 1.0, &[0.52, 0.71, 0.80, 0.84]))
//!     .series(Series::error_bars("MLP, 3 seeds", [ErrorBar::new(1.0, 0.4, 0.05), ErrorBar::new(4.0, 0.7, 0.03)]));
//! let image = chart.render().unwrap();
//! assert_eq!(image.dimensions(), (720, 480));
//! assert!(chart.to_svg().unwrap().contains("validation accuracy"));
//! ```

mod clip;
mod error_bar;
mod font;
mod frame;
mod glyph;
mod histogram;
mod legend;
mod output;
mod plot;
mod range;
mod roc;
mod series;
mod ticks;

pub use error_bar::ErrorBar;
pub use frame::PlotFrame;
pub use histogram::Histogram;
pub use legend::Legend;
pub use range::AxisRange;
pub use roc::RocCurve;
pub use series::{Series, SeriesKind};
pub use ticks::format_tick;

use crate::RenderError;

/// A chart: title, axis labels, size, axis ranges (fixed, or fitted to the data with 5%
/// padding), legend position and series drawn in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    title: String,
    x_label: String,
    y_label: String,
    width: u32,
    height: u32,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    legend: Legend,
    series: Vec<Series>,
}

impl Chart {
    /// The smallest supported size, `(width, height)`, that leaves room for axes and labels.
    pub const MIN_SIZE: (u32, u32) = (160, 120);
    /// The largest supported side in pixels.
    pub const MAX_SIDE: u32 = 16_384;

    /// An empty 720×480 chart, legend in the upper right.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            width: 720,
            height: 480,
            x_range: None,
            y_range: None,
            legend: Legend::default(),
            series: Vec::new(),
        }
    }

    /// Sets the x-axis label.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Sets the y-axis label.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Sets the image size in pixels; see [`MIN_SIZE`](Self::MIN_SIZE) and
    /// [`MAX_SIDE`](Self::MAX_SIDE) (checked when rendering).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Fixes the x range instead of fitting it to the data (checked when rendering). Points
    /// outside it are not drawn, and lines are cut at its ends.
    pub fn x_range(mut self, min: f64, max: f64) -> Self {
        self.x_range = Some((min, max));
        self
    }

    /// Fixes the y range instead of fitting it to the data (checked when rendering).
    pub fn y_range(mut self, min: f64, max: f64) -> Self {
        self.y_range = Some((min, max));
        self
    }

    /// Sets where the legend goes, or hides it.
    pub fn legend(mut self, legend: Legend) -> Self {
        self.legend = legend;
        self
    }

    /// Adds a series (drawn in order, listed in the legend in order).
    pub fn series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The x-axis label.
    pub fn x_label_text(&self) -> &str {
        &self.x_label
    }

    /// The y-axis label.
    pub fn y_label_text(&self) -> &str {
        &self.y_label
    }

    /// The size in pixels, `(width, height)`.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The legend position.
    pub fn legend_position(&self) -> Legend {
        self.legend
    }

    /// The series, in drawing order.
    pub fn series_list(&self) -> &[Series] {
        &self.series
    }

    /// The size, checked against the supported bounds.
    fn checked_size(&self) -> Result<(u32, u32), RenderError> {
        let (w, h) = (self.width, self.height);
        let (min_w, min_h) = Self::MIN_SIZE;
        if (min_w..=Self::MAX_SIDE).contains(&w) && (min_h..=Self::MAX_SIDE).contains(&h) {
            Ok((w, h))
        } else {
            Err(RenderError::ChartSize { width: w, height: h })
        }
    }

    /// The x and y ranges the chart shows: the fixed ones, or the extent of every series'
    /// finite points (see [`Series::extent`]) padded by 5%. A fitted y range over a histogram
    /// starts at 0 when the data do.
    ///
    /// # Errors
    ///
    /// [`RenderError::InvalidRange`] for a fixed range that is empty or not finite (or data so
    /// large that the padded range is not), [`RenderError::EmptyChart`] when a range must be
    /// fitted but no point is finite.
    pub fn ranges(&self) -> Result<(AxisRange, AxisRange), RenderError> {
        let extent: Vec<(f64, f64)> =
            self.series.iter().flat_map(Series::extent).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
        let fit = |axis: &'static str, fixed: Option<(f64, f64)>, pick: fn(&(f64, f64)) -> f64| match fixed {
            Some((min, max)) => AxisRange::new(axis, min, max),
            None => {
                let fitted = AxisRange::fit(extent.iter().map(pick)).ok_or(RenderError::EmptyChart)?;
                // Data near the ends of f64 can pad to infinity.
                AxisRange::new(axis, fitted.min, fitted.max)
            }
        };
        let x = fit("x", self.x_range, |p| p.0)?;
        let mut y = fit("y", self.y_range, |p| p.1)?;
        let histogram = self.series.iter().any(|s| matches!(s.kind(), SeriesKind::Histogram(_)));
        let data_min = extent.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        if self.y_range.is_none() && histogram && y.min < 0.0 && data_min >= 0.0 {
            y.min = 0.0;
        }
        Ok((x, y))
    }
}
