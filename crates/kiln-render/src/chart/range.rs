//! [`AxisRange`]: the data interval an axis shows, fixed by the caller or fitted to the data.

use crate::RenderError;

/// A closed interval `[min, max]` of data values shown along one axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisRange {
    /// The value at the left or bottom end.
    pub min: f64,
    /// The value at the right or top end.
    pub max: f64,
}

impl AxisRange {
    /// The interval `[min, max]`, checked.
    ///
    /// # Errors
    ///
    /// [`RenderError::InvalidRange`] unless both ends are finite and `min < max`; `axis` names
    /// the axis in the error.
    pub fn new(axis: &'static str, min: f64, max: f64) -> Result<Self, RenderError> {
        if min.is_finite() && max.is_finite() && min < max {
            Ok(Self { min, max })
        } else {
            Err(RenderError::InvalidRange { axis, min, max })
        }
    }

    /// The extent of the finite `values` padded by 5% of their spread on both sides (a single
    /// value gets half its magnitude, at least ±0.5); `None` without a finite value.
    pub fn fit(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let (lo, hi) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if !lo.is_finite() {
            return None;
        }
        let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 * lo.abs().max(1.0) };
        Some(Self { min: lo - pad, max: hi + pad })
    }

    /// Whether `v` lies in `[min, max]` (NaN does not).
    pub fn contains(&self, v: f64) -> bool {
        (self.min..=self.max).contains(&v)
    }

    /// `v` clamped into the interval (NaN stays NaN).
    pub fn clamp(&self, v: f64) -> f64 {
        v.clamp(self.min, self.max)
    }
}
