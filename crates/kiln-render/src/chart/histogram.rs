//! [`Histogram`]: counts of values in equal-width bins.

use crate::RenderError;

/// Counts of values in `bins` equal-width bins over `[min, max]`. Bin `i` holds the values in
/// `[edges[i], edges[i + 1])`, the last bin also its upper edge (as `numpy.histogram`).
///
/// ```
/// use kiln_render::Histogram;
///
/// let h = Histogram::new(&[0.0, 0.1, 0.5, 0.9, 1.0], 2).unwrap();
/// assert_eq!(h.counts(), &[2, 3]);
/// assert_eq!(h.edges(), &[0.0, 0.5, 1.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    edges: Vec<f64>,
    counts: Vec<usize>,
    skipped: usize,
}

impl Histogram {
    /// A histogram over the extent of the finite `values` (a single distinct value `v` gets
    /// the range `[v - 0.5, v + 0.5]`). Non-finite values are skipped (see
    /// [`skipped`](Self::skipped)).
    ///
    /// # Errors
    ///
    /// [`RenderError::NoBins`] for `bins == 0`, [`RenderError::EmptyData`] when no value is
    /// finite.
    pub fn new(values: &[f64], bins: usize) -> Result<Self, RenderError> {
        let finite = || values.iter().copied().filter(|v| v.is_finite());
        let lo = finite().fold(f64::INFINITY, f64::min);
        let hi = finite().fold(f64::NEG_INFINITY, f64::max);
        if bins == 0 {
            return Err(RenderError::NoBins);
        }
        if !lo.is_finite() {
            return Err(RenderError::EmptyData { what: "histogram" });
        }
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) };
        Self::with_range(values, bins, lo, hi)
    }

    /// A histogram over the fixed range `[min, max]`; values outside it, and non-finite ones,
    /// are skipped (see [`skipped`](Self::skipped)). No values give all-zero counts.
    ///
    /// # Errors
    ///
    /// [`RenderError::NoBins`] for `bins == 0`, [`RenderError::InvalidRange`] unless
    /// `min < max` are finite.
    pub fn with_range(values: &[f64], bins: usize, min: f64, max: f64) -> Result<Self, RenderError> {
        if bins == 0 {
            return Err(RenderError::NoBins);
        }
        if !(min.is_finite() && max.is_finite() && min < max) {
            return Err(RenderError::InvalidRange { axis: "histogram", min, max });
        }
        let width = (max - min) / bins as f64;
        let edges: Vec<f64> = (0..=bins).map(|i| if i == bins { max } else { min + i as f64 * width }).collect();
        let mut counts = vec![0; bins];
        let mut skipped = 0;
        for &v in values {
            if !(v.is_finite() && (min..=max).contains(&v)) {
                skipped += 1;
                continue;
            }
            // In [0, bins] by the range check; the maximum belongs to the last bin.
            let bin = (((v - min) / (max - min) * bins as f64).floor() as usize).min(bins - 1);
            counts[bin] += 1;
        }
        Ok(Self { edges, counts, skipped })
    }

    /// The `bins + 1` bin edges, increasing.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The count of each bin.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// The number of values counted.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The number of values left out: non-finite, or outside a fixed range.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Each bin as `(lower edge, upper edge, count)`.
    pub fn bins(&self) -> impl Iterator<Item = (f64, f64, usize)> + '_ {
        self.edges.windows(2).zip(&self.counts).map(|(e, &c)| (e[0], e[1], c))
    }
}
