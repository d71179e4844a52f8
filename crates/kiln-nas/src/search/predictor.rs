//! Objective predictors on one-hot encodings, and rank correlations to judge them.
//!
//! **Ridge regression.** With `φ(x)` the one-hot expansion of an encoding and a leading `1` for
//! the intercept, the weights minimise `‖y − Φw‖² + α‖w_{1:}‖²` (the intercept is not
//! penalised), i.e. they solve the normal equations `(ΦᵀΦ + αD) w = Φᵀy` with
//! `D = diag(0, 1, …, 1)`. For `α > 0` the matrix is symmetric positive definite even though
//! each gene's one-hot block sums to the intercept column, so it is factored by Cholesky
//! (falling back to Gaussian elimination with partial pivoting if rounding breaks positivity).
//! DyNAS-T (Cummings et al. 2022) tunes `α ∈ [0.1, 10]` by 5-fold grid search and scales labels
//! by `10^(⌊log₁₀ max|y|⌋ − 1)`; ridge predictions are linear in `y`, so that scaling changes
//! nothing here and is omitted. The default `α = 1` is the middle of DyNAS-T's grid.
//!
//! **Rank correlations.** Spearman's `ρ` is Pearson's correlation of the ranks (ties get the
//! average of the ranks they span); Kendall's `τ_b = (n_c − n_d) / √((n_0 − n_1)(n_0 − n_2))`
//! with `n_0 = n(n−1)/2` and `n_1`, `n_2` the tied pairs in each variable.

use serde::{Deserialize, Serialize};

use super::{Evaluator, SearchError, SearchSpace};
use crate::linalg::{cholesky_solve, gauss_solve};

/// A regression model from encodings to one objective.
pub trait Predictor {
    /// Fits the model to encodings and their measured values.
    fn fit(&mut self, encodings: &[Vec<usize>], targets: &[f64]) -> Result<(), SearchError>;
    /// Predicts the value of one encoding.
    fn predict(&self, encoding: &[usize]) -> Result<f64, SearchError>;
}

/// Ridge regression on the one-hot encoding, with an unpenalised intercept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ridge {
    space: SearchSpace,
    alpha: f64,
    /// `[intercept, one-hot weights…]` once fitted.
    weights: Option<Vec<f64>>,
}

impl Ridge {
    /// Default penalty `α = 1`.
    pub const DEFAULT_ALPHA: f64 = 1.0;

    /// An unfitted model over `space` with penalty `alpha` (finite and `> 0`).
    pub fn new(space: SearchSpace, alpha: f64) -> Result<Self, SearchError> {
        if !(alpha.is_finite() && alpha > 0.0) {
            return Err(SearchError::InvalidConfig(format!("ridge alpha must be finite and > 0, got {alpha}")));
        }
        Ok(Self { space, alpha, weights: None })
    }

    /// The penalty `α`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// `[intercept, one-hot weights…]`, or `None` before fitting.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }
}

impl Predictor for Ridge {
    fn fit(&mut self, encodings: &[Vec<usize>], targets: &[f64]) -> Result<(), SearchError> {
        if encodings.len() != targets.len() {
            return Err(SearchError::TrainingData(format!(
                "{} encodings but {} targets",
                encodings.len(),
                targets.len()
            )));
        }
        if encodings.is_empty() {
            return Err(SearchError::TrainingData("no training examples".into()));
        }
        if targets.iter().any(|t| !t.is_finite()) {
            return Err(SearchError::NonFinite);
        }
        for enc in encodings {
            self.space.validate(enc)?;
        }
        let dim = self.space.feature_len() + 1;
        let mut a = vec![0.0f64; dim * dim];
        let mut b = vec![0.0f64; dim];
        let mut active = Vec::with_capacity(self.space.len() + 1);
        for (enc, &y) in encodings.iter().zip(targets) {
            active.clear();
            active.push(0);
            active.extend(self.space.active_features(enc).map(|f| f + 1));
            for &i in &active {
                b[i] += y;
                for &j in &active {
                    a[i * dim + j] += 1.0;
                }
            }
        }
        for k in 1..dim {
            a[k * dim + k] += self.alpha;
        }
        let w = cholesky_solve(&a, &b, dim, 1).or_else(|| gauss_solve(a, b, dim)).ok_or(SearchError::Singular)?;
        self.weights = Some(w);
        Ok(())
    }

    fn predict(&self, encoding: &[usize]) -> Result<f64, SearchError> {
        let w = self.weights.as_ref().ok_or(SearchError::NotFitted)?;
        self.space.validate(encoding)?;
        Ok(w[0] + self.space.active_features(encoding).map(|f| w[f + 1]).sum::<f64>())
    }
}

/// An [`Evaluator`] that answers with one fitted predictor per objective (the cheap surrogate
/// NSGA-II searches inside LINAS). An encoding a predictor rejects yields `NaN`, which the
/// searches report as [`SearchError::NonFinite`].
#[derive(Debug, Clone)]
pub struct SurrogateEvaluator<P: Predictor> {
    /// One predictor per objective, in the problem's objective order.
    pub predictors: Vec<P>,
}

impl<P: Predictor> Evaluator for SurrogateEvaluator<P> {
    fn evaluate(&mut self, enc: &[usize]) -> Result<Vec<f64>, SearchError> {
        self.predictors.iter().map(|p| p.predict(enc)).collect()
    }
}

fn check_pair(a: &[f64], b: &[f64]) -> Result<(), SearchError> {
    if a.len() != b.len() {
        return Err(SearchError::TrainingData(format!("samples of lengths {} and {}", a.len(), b.len())));
    }
    if a.len() < 2 {
        return Err(SearchError::TrainingData("a correlation needs at least two samples".into()));
    }
    if a.iter().chain(b).any(|v| v.is_nan()) {
        return Err(SearchError::NonFinite);
    }
    Ok(())
}

/// Ranks starting at 1, ties receiving the average of the ranks they span.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        cov += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    if va <= 0.0 || vb <= 0.0 { 0.0 } else { cov / (va * vb).sqrt() }
}

/// Spearman's rank correlation `ρ` (average ranks for ties); `0` when either sample is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Result<f64, SearchError> {
    check_pair(a, b)?;
    Ok(pearson(&average_ranks(a), &average_ranks(b)))
}

/// Kendall's `τ_b` (tie-corrected); `0` when either sample is constant.
pub fn kendall_tau(a: &[f64], b: &[f64]) -> Result<f64, SearchError> {
    check_pair(a, b)?;
    let n = a.len();
    let (mut concordant, mut discordant, mut ties_a, mut ties_b) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in (i + 1)..n {
            let (da, db) = (a[i] - a[j], b[i] - b[j]);
            if da == 0.0 {
                ties_a += 1;
            }
            if db == 0.0 {
                ties_b += 1;
            }
            if da * db > 0.0 {
                concordant += 1;
            } else if da * db < 0.0 {
                discordant += 1;
            }
        }
    }
    let n0 = (n * (n - 1) / 2) as i64;
    let denom = (((n0 - ties_a) * (n0 - ties_b)) as f64).sqrt();
    Ok(if denom > 0.0 { (concordant - discordant) as f64 / denom } else { 0.0 })
}
