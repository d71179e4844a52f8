//! Graphons as `r × r` step functions and bilinear resizing; the SAS estimate and its TV
//! denoising live in [`super::estimate::sas`] and are re-exported here.

use super::estimate::aligned::{degree_order, permuted};
pub use super::estimate::sas::{sas, tv_denoise};
use crate::error::{GraphError, Result};

/// A graphon sampled on an `r × r` grid: `values[i * r + j] = W((i + ½)/r, (j + ½)/r)`,
/// symmetric, in `[0, 1]`. As a function it is the step function of these cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Graphon {
    /// `r × r` values, row-major.
    pub values: Vec<f64>,
    /// Resolution.
    pub r: usize,
}

impl Graphon {
    /// A graphon from row-major values; errors unless there are `r²` finite values in `[0, 1]`
    /// and the matrix is symmetric (to 1e-9).
    pub fn new(values: Vec<f64>, r: usize) -> Result<Self> {
        if r == 0 || values.len() != r * r {
            return Err(GraphError::LengthMismatch { what: "graphon values", found: values.len(), expected: r * r });
        }
        if values.iter().any(|v| !(0.0..=1.0).contains(v)) {
            return Err(GraphError::Invalid("graphon values must lie in [0, 1]".into()));
        }
        for i in 0..r {
            for j in 0..i {
                if (values[i * r + j] - values[j * r + i]).abs() > 1e-9 {
                    return Err(GraphError::Invalid(format!("graphon is not symmetric at ({i}, {j})")));
                }
            }
        }
        Ok(Self { values, r })
    }

    /// `W(x, y)` of the step function (cell `⌊x r⌋, ⌊y r⌋`, clamped).
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let cell = |v: f64| ((v * self.r as f64) as usize).min(self.r - 1);
        self.values[cell(x) * self.r + cell(y)]
    }

    /// Bilinear resize to `r × r` with OpenCV's `INTER_LINEAR` convention (half-pixel
    /// centres, `src = (dst + ½)·s − ½`, clamped at the border).
    pub fn resize(&self, r: usize) -> Result<Self> {
        Ok(Self { values: resize_bilinear(&self.values, self.r, r)?, r })
    }

    /// The graphon rearranged so that its degree `d_i = mean_j W_ij` decreases (stable), the
    /// canonical form SAS estimates.
    pub fn degree_sorted(&self) -> Self {
        let order = degree_order(&self.values, self.r);
        Self { values: permuted(&self.values, self.r, &order), r: self.r }
    }

    /// `‖W − V‖_{L²} = (mean (W_ij − V_ij)²)^½` on a common grid; errors on a size mismatch.
    pub fn l2_distance(&self, other: &Self) -> Result<f64> {
        if self.r != other.r {
            return Err(GraphError::LengthMismatch { what: "graphon resolution", found: other.r, expected: self.r });
        }
        let sq: f64 = self.values.iter().zip(&other.values).map(|(a, b)| (a - b) * (a - b)).sum();
        Ok((sq / (self.r * self.r) as f64).sqrt())
    }

    /// The convex mixture `Σ α_i W_i`; errors on mismatched sizes or weights that are not a
    /// distribution.
    pub fn mixture(parts: &[Graphon], alpha: &[f64]) -> Result<Self> {
        let first = parts.first().ok_or_else(|| GraphError::Invalid("mixture of no graphons".into()))?;
        if alpha.len() != parts.len() {
            return Err(GraphError::LengthMismatch { what: "alpha", found: alpha.len(), expected: parts.len() });
        }
        if alpha.iter().any(|a| a.is_nan() || *a < 0.0) || (alpha.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            return Err(GraphError::Invalid("mixture weights must be non-negative and sum to 1".into()));
        }
        let mut values = vec![0.0; first.values.len()];
        for (part, &a) in parts.iter().zip(alpha) {
            if part.r != first.r {
                return Err(GraphError::LengthMismatch {
                    what: "graphon resolution",
                    found: part.r,
                    expected: first.r,
                });
            }
            values.iter_mut().zip(&part.values).for_each(|(v, p)| *v += a * p);
        }
        Ok(Self { values: values.into_iter().map(|v| v.clamp(0.0, 1.0)).collect(), r: first.r })
    }
}

/// Bilinear resize of a square `n × n` matrix to `m × m` (OpenCV `INTER_LINEAR` convention).
pub fn resize_bilinear(src: &[f64], n: usize, m: usize) -> Result<Vec<f64>> {
    if n == 0 || m == 0 || src.len() != n * n {
        return Err(GraphError::Invalid(format!("cannot resize {} values as {n}×{n} to {m}×{m}", src.len())));
    }
    let scale = n as f64 / m as f64;
    let taps: Vec<(usize, usize, f64)> = (0..m)
        .map(|d| {
            let s = ((d as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
            let lo = s.floor() as usize;
            (lo, (lo + 1).min(n - 1), s - lo as f64)
        })
        .collect();
    let mut out = Vec::with_capacity(m * m);
    for &(i0, i1, fi) in &taps {
        for &(j0, j1, fj) in &taps {
            let top = src[i0 * n + j0] * (1.0 - fj) + src[i0 * n + j1] * fj;
            let bottom = src[i1 * n + j0] * (1.0 - fj) + src[i1 * n + j1] * fj;
            out.push(top * (1.0 - fi) + bottom * fi);
        }
    }
    Ok(out)
}
