//! [`ErrorBar`]: a mean with a spread, e.g. over seeds.

/// One `mean ± std` at position `x`, e.g. an accuracy over several seeds at one cost. Bars with
/// a non-finite field are skipped when drawn; a negative `std` counts as its magnitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorBar {
    /// Position along the x axis.
    pub x: f64,
    /// Centre of the bar.
    pub mean: f64,
    /// Half the bar's length: it spans `mean - std ..= mean + std`.
    pub std: f64,
}

impl ErrorBar {
    /// The bar `mean ± std` at `x`.
    pub const fn new(x: f64, mean: f64, std: f64) -> Self {
        Self { x, mean, std }
    }

    /// Whether every field is finite (only such bars are drawn).
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.mean.is_finite() && self.std.is_finite()
    }

    /// The lower and upper ends, `mean ∓ |std|`.
    pub fn span(&self) -> (f64, f64) {
        (self.mean - self.std.abs(), self.mean + self.std.abs())
    }
}
