//! A small scatter/line chart on the bitmap font: axes with "nice" ticks, grid lines, axis
//! labels, a title and a legend, enough for a Pareto front or a learning curve without any
//! plotting stack.

use std::path::Path;

use image::{Rgb, RgbImage};

use super::{BLACK, Canvas, GREY, Marker, RenderError, draw_line, draw_marker, save_png, text_size};

/// An axis range `(min, max)` in data units.
pub type AxisRange = (f64, f64);

/// Light grey for grid lines.
const GRID: Rgb<u8> = Rgb([225, 225, 225]);

/// Errors from building a plot.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// No series holds a finite point, so there is nothing to scale the axes to.
    #[error("the plot has no finite data points")]
    Empty,
    /// An axis range was given with `min >= max` or a non-finite end.
    #[error("invalid {axis} range [{min}, {max}]: needs finite min < max")]
    InvalidRange {
        /// `"x"` or `"y"`.
        axis: &'static str,
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Writing the PNG failed.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// One named set of points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Shown in the legend.
    pub label: String,
    /// `(x, y)` in data units; non-finite points, and points outside a fixed axis range, are
    /// skipped.
    pub points: Vec<(f64, f64)>,
    /// Marker and line colour.
    pub color: Rgb<u8>,
    /// The marker drawn at each point.
    pub marker: Marker,
    /// Joins consecutive points with a line (a front, a curve) when `true`.
    pub connect: bool,
}

impl Series {
    /// Unconnected points with circle markers.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>, color: Rgb<u8>) -> Self {
        Self { label: label.into(), points, color, marker: Marker::Circle, connect: false }
    }

    /// Sets the marker.
    pub fn with_marker(mut self, marker: Marker) -> Self {
        self.marker = marker;
        self
    }

    /// Joins consecutive points with lines.
    pub fn connected(mut self) -> Self {
        self.connect = true;
        self
    }
}

/// A scatter plot with optional connecting lines:
///
/// ```
/// use kiln_core::render::{BLUE, ScatterPlot, Series};
///
/// let plot = ScatterPlot::new("front")
///     .x_label("MACs")
///     .y_label("accuracy")
///     .series(Series::new("NSGA-II", vec![(1.0, 0.5), (2.0, 0.8)], BLUE).connected());
/// let image = plot.render().unwrap();
/// assert_eq!(image.dimensions(), (720, 480));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPlot {
    title: String,
    x_label: String,
    y_label: String,
    width: u32,
    height: u32,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    series: Vec<Series>,
}

/// Left, right, top and bottom margins around the plot area, in pixels.
const MARGIN: (i32, i32, i32, i32) = (70, 20, 44, 44);

impl ScatterPlot {
    /// An empty 720×480 plot.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            width: 720,
            height: 480,
            x_range: None,
            y_range: None,
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

    /// Sets the image size in pixels (at least 200×150).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width.max(200);
        self.height = height.max(150);
        self
    }

    /// Fixes the x range instead of fitting it to the data. Points outside the ranges are not
    /// drawn (nor lines to them).
    pub fn x_range(mut self, min: f64, max: f64) -> Self {
        self.x_range = Some((min, max));
        self
    }

    /// Fixes the y range instead of fitting it to the data.
    pub fn y_range(mut self, min: f64, max: f64) -> Self {
        self.y_range = Some((min, max));
        self
    }

    /// Adds a series (drawn in order, legend in order).
    pub fn series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// The area inside the axes, `(left, top, right, bottom)` in pixels. The legend, when
    /// some series has a label, sits in the right margin so it never hides data.
    pub fn plot_area(&self) -> (i32, i32, i32, i32) {
        let (w, h) = (i32::try_from(self.width).unwrap_or(i32::MAX), i32::try_from(self.height).unwrap_or(i32::MAX));
        let legend = self.legend_width();
        let right = if legend > 0 { (w - MARGIN.1 - legend - 8).max(MARGIN.0 + 40) } else { w - MARGIN.1 };
        (MARGIN.0, MARGIN.2, right, h - MARGIN.3)
    }

    /// Width of the legend box (0 without labelled series).
    fn legend_width(&self) -> i32 {
        let widest = self.series.iter().filter(|s| !s.label.is_empty()).map(|s| signed(text_size(&s.label, 1).0)).max();
        widest.map_or(0, |w| w + 28)
    }

    /// The x and y ranges the plot draws: the fixed ones, or the data's extent with 5% padding.
    ///
    /// # Errors
    ///
    /// [`PlotError::Empty`] when a range must be fitted but no point is finite,
    /// [`PlotError::InvalidRange`] for a fixed range that is empty or not finite.
    pub fn ranges(&self) -> Result<(AxisRange, AxisRange), PlotError> {
        let finite: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let fit = |axis: &'static str, fixed: Option<(f64, f64)>, pick: fn(&(f64, f64)) -> f64| {
            if let Some((min, max)) = fixed {
                return if min.is_finite() && max.is_finite() && min < max {
                    Ok((min, max))
                } else {
                    Err(PlotError::InvalidRange { axis, min, max })
                };
            }
            let lo = finite.iter().map(pick).fold(f64::INFINITY, f64::min);
            let hi = finite.iter().map(pick).fold(f64::NEG_INFINITY, f64::max);
            if !lo.is_finite() {
                return Err(PlotError::Empty);
            }
            let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 * lo.abs().max(1.0) };
            Ok((lo - pad, hi + pad))
        };
        Ok((fit("x", self.x_range, |p| p.0)?, fit("y", self.y_range, |p| p.1)?))
    }

    /// The pixel at which data point `(x, y)` is drawn.
    ///
    /// # Errors
    ///
    /// As [`ranges`](Self::ranges).
    pub fn to_pixel(&self, x: f64, y: f64) -> Result<(i32, i32), PlotError> {
        Ok(pixel(self.ranges()?, self.plot_area(), x, y))
    }

    /// Draws the plot.
    ///
    /// # Errors
    ///
    /// As [`ranges`](Self::ranges).
    pub fn render(&self) -> Result<RgbImage, PlotError> {
        let ranges = self.ranges()?;
        let ((x0, x1), (y0, y1)) = ranges;
        let area = self.plot_area();
        let (left, top, right, bottom) = area;
        let to_pixel = |x: f64, y: f64| pixel(ranges, area, x, y);
        let mut canvas = Canvas::new(self.width, self.height);
        for tick in nice_ticks(x0, x1, 6) {
            let (px, _) = to_pixel(tick, y0);
            let label = format_tick(tick, x0, x1);
            let (tw, _) = text_size(&label, 1);
            draw_line(canvas.image_mut(), px, top, px, bottom, GRID, 1);
            draw_line(canvas.image_mut(), px, bottom, px, bottom + 4, BLACK, 1);
            canvas.text(px - half(tw), bottom + 8, &label, BLACK, 1);
        }
        for tick in nice_ticks(y0, y1, 6) {
            let (_, py) = to_pixel(x0, tick);
            let label = format_tick(tick, y0, y1);
            let (tw, th) = text_size(&label, 1);
            draw_line(canvas.image_mut(), left, py, right, py, GRID, 1);
            draw_line(canvas.image_mut(), left - 4, py, left, py, BLACK, 1);
            canvas.text(left - 8 - signed(tw), py - half(th), &label, BLACK, 1);
        }
        canvas.rect_outline(top, left, bottom, right, BLACK, 1);
        for series in &self.series {
            let pixels: Vec<(i32, i32)> = series
                .points
                .iter()
                .filter(|(x, y)| (x0..=x1).contains(x) && (y0..=y1).contains(y))
                .map(|&(x, y)| to_pixel(x, y))
                .collect();
            if series.connect {
                for w in pixels.windows(2) {
                    draw_line(canvas.image_mut(), w[0].0, w[0].1, w[1].0, w[1].1, series.color, 2);
                }
            }
            for &(px, py) in &pixels {
                draw_marker(canvas.image_mut(), px, py, series.marker, 3, series.color);
            }
        }
        self.draw_labels(&mut canvas);
        Ok(canvas.into_image())
    }

    /// Title, axis labels and legend.
    fn draw_labels(&self, canvas: &mut Canvas) {
        let (left, top, right, bottom) = self.plot_area();
        let (tw, _) = text_size(&self.title, 2);
        canvas.text((left + right) / 2 - half(tw), 10, &self.title, BLACK, 2);
        let (xw, _) = text_size(&self.x_label, 1);
        canvas.text((left + right) / 2 - half(xw), bottom + 24, &self.x_label, BLACK, 1);
        canvas.text(8, top - 14, &self.y_label, BLACK, 1);
        let labelled: Vec<&Series> = self.series.iter().filter(|s| !s.label.is_empty()).collect();
        let width = self.legend_width();
        let (x, mut y) = (right + 12, top + 4);
        if !labelled.is_empty() {
            let height = 14 * i32::try_from(labelled.len()).unwrap_or(0) + 6;
            canvas.fill_rect(y - 4, x - 4, y + height - 6, x + width, super::WHITE);
            canvas.rect_outline(y - 4, x - 4, y + height - 6, x + width, GREY, 1);
        }
        for series in labelled {
            draw_marker(canvas.image_mut(), x + 8, y + 3, series.marker, 3, series.color);
            canvas.text(x + 20, y, &series.label, BLACK, 1);
            y += 14;
        }
    }

    /// Renders and writes the plot as a PNG.
    ///
    /// # Errors
    ///
    /// As [`render`](Self::render), and [`PlotError::Render`] when writing fails.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        Ok(save_png(&self.render()?, path)?)
    }
}

/// The pixel of data point `(x, y)` for axis `ranges` drawn in `area` (left, top, right,
/// bottom). Far-off points saturate; the drawing clips them.
fn pixel(ranges: (AxisRange, AxisRange), area: (i32, i32, i32, i32), x: f64, y: f64) -> (i32, i32) {
    let ((x0, x1), (y0, y1)) = ranges;
    let (left, top, right, bottom) = area;
    let px = f64::from(left) + (x - x0) / (x1 - x0) * f64::from(right - left);
    let py = f64::from(bottom) - (y - y0) / (y1 - y0) * f64::from(bottom - top);
    (px.round().clamp(-1e6, 1e6) as i32, py.round().clamp(-1e6, 1e6) as i32)
}

fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn half(v: u32) -> i32 {
    signed(v / 2)
}

/// About `target` round tick values (steps of 1, 2 or 5 times a power of ten) inside
/// `[lo, hi]`, in increasing order. Empty when the range is empty or not finite.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) || target == 0 {
        return Vec::new();
    }
    let step = nice_step((hi - lo) / target as f64);
    let first = (lo / step).ceil();
    let last = (hi / step).floor();
    // The step is at least a fifth of a target interval, so there are at most ~5·target ticks.
    (0..=((last - first).max(0.0) as usize)).map(|i| (first + i as f64) * step).filter(|t| *t <= hi).collect()
}

/// The smallest 1, 2 or 5 × 10^k at least `raw`'s order: the tick spacing for `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let unit = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    unit * magnitude
}

/// Formats a tick: SI suffixes (k, M, G) for large ranges, just enough decimals for the step.
pub fn format_tick(value: f64, lo: f64, hi: f64) -> String {
    let largest = lo.abs().max(hi.abs());
    let (scale, suffix) = if largest >= 1e9 {
        (1e9, "G")
    } else if largest >= 1e6 {
        (1e6, "M")
    } else if largest >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let step = nice_step((hi - lo) / 6.0) / scale;
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let v = value / scale;
    // Avoid "-0".
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    format!("{v:.decimals$}{suffix}")
}
