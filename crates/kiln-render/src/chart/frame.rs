//! [`PlotFrame`]: where a rendered chart put its plot area, and how data map to pixels.

use super::AxisRange;
use crate::{Point, Rect};

/// The plot area of a rendered chart (inside the axes) and its axis ranges, mapping data to
/// pixels exactly as the chart was drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotFrame {
    area: Rect,
    x: AxisRange,
    y: AxisRange,
}

/// plotters' mapping of `v` in `range` onto the pixel span `from → to` (either direction).
fn map(v: f64, range: AxisRange, from: i32, to: i32) -> i32 {
    let t = (v - range.min) / (range.max - range.min);
    let length = f64::from(to) - f64::from(from);
    let offset = if length >= 0.0 { (length * t + 1e-3).floor() } else { (length * t - 1e-3).ceil() };
    // Far-off values saturate; the result is only used to look at pixels.
    (f64::from(from) + offset).clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

impl PlotFrame {
    /// The frame of a plot area `area` showing `x` × `y`.
    pub(crate) fn new(area: Rect, x: AxisRange, y: AxisRange) -> Self {
        Self { area, x, y }
    }

    /// The plot area in pixels: the x range spans its columns left to right, the y range its
    /// rows bottom to top.
    pub fn area(&self) -> Rect {
        self.area
    }

    /// The x range shown.
    pub fn x_range(&self) -> AxisRange {
        self.x
    }

    /// The y range shown.
    pub fn y_range(&self) -> AxisRange {
        self.y
    }

    /// The pixel at which the data point `(x, y)` is drawn. Points outside the ranges map
    /// outside the plot area (saturating at the ends of `i32`).
    pub fn to_pixel(&self, x: f64, y: f64) -> Point {
        let last = |start: i32, size: u32| {
            i32::try_from(i64::from(start) + i64::from(size) - 1).unwrap_or(i32::MAX).max(start)
        };
        let (left, right) = (self.area.x, last(self.area.x, self.area.width));
        let (top, bottom) = (self.area.y, last(self.area.y, self.area.height));
        Point::new(map(x, self.x, left, right), map(y, self.y, bottom, top))
    }
}
