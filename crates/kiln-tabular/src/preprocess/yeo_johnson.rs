//! The Yeo-Johnson power transform (Yeo & Johnson, "A new family of power transformations to
//! improve normality or symmetry", Biometrika 2000) with `λ` fitted by maximum likelihood and
//! the result standardised: sklearn's `PowerTransformer(method="yeo-johnson",
//! standardize=True)`, which TabPFN v1's `preprocess_input` fits on each column's training
//! rows (`'power_all'`) and applies to all rows.
//!
//! ```text
//! ψ(x, λ) = ((1 + x)^λ − 1) / λ              x ≥ 0, λ ≠ 0
//!         = ln(1 + x)                         x ≥ 0, λ = 0
//!         = −((1 − x)^(2−λ) − 1) / (2 − λ)    x < 0, λ ≠ 2
//!         = −ln(1 − x)                        x < 0, λ = 2
//! ℓ(λ)    = −n/2 · ln σ̂²(ψ(x, λ)) + (λ − 1) Σ sign(x) ln(1 + |x|)
//! ```
//! with `σ̂²` the population variance (`ℓ = −∞` when `σ̂²` is below the smallest positive
//! normal `f64`, sklearn's `x_tiny`). `λ̂ = argmax ℓ` by Brent's method bracketed from
//! `(−2, 2)` and **unbounded** ([`super::brent`]). The transformed column is then z-scored with
//! the population mean and standard deviation of its training values (sklearn's
//! `StandardScaler`; a numerically constant column is only centred).
//!
//! **When the fit fails** ([`PowerFitError`]) the caller leaves the column untransformed: v1
//! wraps the fit in `try: … except: pass` under `warnings.simplefilter('error')`, so any
//! exception or numpy warning keeps the column as it was. The failures reproduced here: fewer
//! than two values; no bracket within the step limit; an overflow. v1 hands sklearn `float32`
//! columns, so a transformed value beyond `f32::MAX`, or a sum of squared deviations beyond it
//! (numpy's `var`), raises numpy's overflow warning, during the `λ` search or when the training
//! or test rows are transformed.
//!
//! Deviation: `ψ` and `ℓ` are evaluated in `f64` (v1: `float32`, whose rounding makes its `λ̂`
//! noisy in the fourth digit); only the overflow threshold is `float32`'s.

use super::brent::{MinimizeError, minimize};
use super::mean_std;

/// Where sklearn starts the bracket search for `λ`.
const START: (f64, f64) = (-2.0, 2.0);

/// Why a Yeo-Johnson fit failed (the column is then left untransformed).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PowerFitError {
    /// Fewer than two non-missing training values.
    #[error("{found} non-missing values, the Yeo-Johnson fit needs at least 2")]
    TooFew {
        /// Values given.
        found: usize,
    },
    /// The transform at `lambda` overflows `float32` (v1's numpy overflow warning, an error
    /// there).
    #[error("the Yeo-Johnson transform overflows float32 at λ = {lambda}")]
    Overflow {
        /// The `λ` at which it overflowed.
        lambda: f64,
    },
    /// The likelihood kept increasing: no bracket of its maximum (scipy's `bracket` error).
    #[error("no bracket of the likelihood's maximum after {steps} steps")]
    NoBracket {
        /// Bracketing steps taken.
        steps: usize,
    },
}

impl From<MinimizeError> for PowerFitError {
    fn from(e: MinimizeError) -> Self {
        match e {
            MinimizeError::Evaluation { at } => Self::Overflow { lambda: at },
            MinimizeError::NoBracket { steps } => Self::NoBracket { steps },
        }
    }
}

/// The Yeo-Johnson transform `ψ(x, λ)` (the branches at `λ = 0` and `λ = 2` are taken within
/// one `f64` ulp of 1, as sklearn's `np.spacing(1.)`).
pub fn yeo_johnson(x: f64, lambda: f64) -> f64 {
    if x >= 0.0 {
        if lambda.abs() < f64::EPSILON { x.ln_1p() } else { ((x + 1.0).powf(lambda) - 1.0) / lambda }
    } else if (lambda - 2.0).abs() > f64::EPSILON {
        -((1.0 - x).powf(2.0 - lambda) - 1.0) / (2.0 - lambda)
    } else {
        -(-x).ln_1p()
    }
}

/// Whether `v` overflows `float32`.
fn overflows_f32(v: f64) -> bool {
    !v.is_finite() || v.abs() > f64::from(f32::MAX)
}

/// `−ℓ(λ)` (module docs), `None` on a `float32` overflow; `log_term = Σ sign(x) ln(1 + |x|)`.
fn neg_log_likelihood(values: &[f64], log_term: f64, lambda: f64) -> Option<f64> {
    let t: Vec<f64> = values.iter().map(|&x| yeo_johnson(x, lambda)).collect();
    if t.iter().any(|&v| overflows_f32(v)) {
        return None;
    }
    let n = t.len() as f64;
    let mean = t.iter().sum::<f64>() / n;
    let squares: f64 = t.iter().map(|v| (v - mean) * (v - mean)).sum();
    if overflows_f32(squares) {
        return None;
    }
    let var = squares / n;
    if var < f64::MIN_POSITIVE {
        return Some(f64::INFINITY);
    }
    Some(0.5 * n * var.ln() - (lambda - 1.0) * log_term)
}

/// The maximum-likelihood `λ` of the Yeo-Johnson transform for `values` (NaN = missing, ignored):
/// Brent's method on `−ℓ`, bracketed from `(−2, 2)`, unbounded.
///
/// # Errors
/// [`PowerFitError`] when the fit fails (module docs).
pub fn fit_yeo_johnson(values: &[f64]) -> Result<f64, PowerFitError> {
    let values: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if values.len() < 2 {
        return Err(PowerFitError::TooFew { found: values.len() });
    }
    let log_term: f64 = values.iter().map(|&x| x.signum() * x.abs().ln_1p()).sum();
    Ok(minimize(|lambda| neg_log_likelihood(&values, log_term, lambda), START.0, START.1)?)
}

/// Fits `λ̂` on the training values of a column, transforms the training and test values and
/// z-scores them with the transformed training values' population statistics (NaN stays NaN).
/// Returns `λ̂`. On failure nothing is changed.
///
/// # Errors
/// [`PowerFitError`] when the fit fails or a transformed value overflows `float32`.
pub fn power_transform(train: &mut [f32], test: &mut [f32]) -> Result<f64, PowerFitError> {
    let values: Vec<f64> = train.iter().map(|&v| f64::from(v)).collect();
    let lambda = fit_yeo_johnson(&values)?;
    let transform = |column: &[f32]| -> Result<Vec<f64>, PowerFitError> {
        column
            .iter()
            .map(|&v| {
                let t = yeo_johnson(f64::from(v), lambda);
                if !v.is_nan() && overflows_f32(t) { Err(PowerFitError::Overflow { lambda }) } else { Ok(t) }
            })
            .collect()
    };
    let (tr, te) = (transform(train)?, transform(test)?);
    let present: Vec<f64> = tr.iter().copied().filter(|v| !v.is_nan()).collect();
    let (mean, std) = mean_std(&present, 0).ok_or(PowerFitError::TooFew { found: present.len() })?;
    // sklearn's test for a constant feature: σ² ≤ n ε σ² + (n μ ε)².
    let n = present.len() as f64;
    let var = std * std;
    let constant = var <= n * f64::EPSILON * var + (n * mean * f64::EPSILON).powi(2);
    let scale = if constant { 1.0 } else { std };
    let standardise = |out: &mut [f32], t: &[f64]| {
        out.iter_mut().zip(t).for_each(|(o, &v)| *o = ((v - mean) / scale) as f32);
    };
    standardise(train, &tr);
    standardise(test, &te);
    Ok(lambda)
}
