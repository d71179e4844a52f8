//! TabPFN v1's input preprocessing (Hollmann et al. 2023, §5 and Appendix E;
//! `transformer_predict`/`preprocess_input` and `utils.normalize_data`/`remove_outliers` in
//! automl/TabPFN v1), shared by training on the prior and inference so that the model always
//! sees the same input distribution.
//!
//! For each feature, with statistics from the *training* rows only (missing values ignored):
//! 1. z-score `(x − μ) / (s + 10⁻⁶)` with the sample standard deviation
//!    `s = √(Σ(x − μ)² / (n − 1))` (v1's `torch_nanstd` plus `.000001`), clipped to `±100`;
//! 2. features with fewer than two distinct training values are dropped;
//! 3. optionally the Yeo-Johnson power transform with `λ` fitted by maximum likelihood, then a
//!    second z-score with population statistics (sklearn's `PowerTransformer(standardize=True)`,
//!    [`yeo_johnson`](mod@yeo_johnson)); when the fit fails the feature is left untransformed, as v1's
//!    `try/except` does;
//! 4. outliers beyond `l, u = μ ± 4s` are squashed logarithmically:
//!    `x ↦ min(x, u + ln(1 + |x|))` and `x ↦ max(x, l − ln(1 + |x|))`, with `μ, s` (sample
//!    standard deviation) of the training values inside the first `μ ± 4s` (v1's
//!    `remove_outliers`);
//! 5. values are scaled by `max_features / used_features` (v1's `normalize_by_used_features_f`);
//! 6. the used features are rotated left by the ensemble member's feature shift `s` when
//!    `s < used` (v1's `cat([x[..., s:], x[..., :s]])`, which rotates nothing when the shift is
//!    past the features left after step 2), missing values set to 0 and the row zero-padded to
//!    `max_features`.
//!
//! Deviations from v1: missing values are ignored by the test for constant features (v1's
//! `torch.unique` counts every NaN as distinct, so a column with one value and gaps is kept);
//! arithmetic is in `f64` (v1: `float32`); when squashing finds fewer than two training values
//! it leaves the column as it is (v1's bounds would be NaN).

pub mod brent;
pub mod yeo_johnson;

pub use yeo_johnson::{PowerFitError, fit_yeo_johnson, power_transform, yeo_johnson};

/// Added to the standard deviation of the first z-score (v1's `normalize_data`).
const STD_EPS: f64 = 1e-6;
/// The first z-score is clipped to `±CLIP` (v1's `normalize_data`).
const CLIP: f64 = 100.0;
/// Outliers lie beyond `μ ± N_SIGMA · s` (v1's `remove_outliers(n_sigma=4)`).
const N_SIGMA: f64 = 4.0;

/// How one ensemble member preprocesses its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preprocess {
    /// Apply the Yeo-Johnson power transform (v1's `power_all`).
    pub power: bool,
    /// Rotate the used features left by this many positions (none when it is not below the
    /// number of used features).
    pub feature_shift: usize,
}

/// Mean and standard deviation `√(Σ(x − μ)² / (n − ddof))` of `values` (two passes, as numpy and
/// torch); `None` when there are no more than `ddof` values.
pub(crate) fn mean_std(values: &[f64], ddof: usize) -> Option<(f64, f64)> {
    if values.len() <= ddof {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    Some((mean, (squares / (values.len() - ddof) as f64).sqrt()))
}

/// The non-missing values of `column` as `f64`.
fn present(column: &[f32]) -> Vec<f64> {
    column.iter().filter(|v| !v.is_nan()).map(|&v| f64::from(v)).collect()
}

/// Preprocesses a dataset as described in the module docs.
///
/// `train` is row-major `[n_train, features]`, `test` `[n_test, features]` (NaN = missing).
/// Returns `(train, test, used)`: row-major `[n, max_features]` arrays without NaN, and the
/// number of features kept (non-constant on the training rows, at most `max_features`).
pub fn preprocess(
    train: &[f32],
    test: &[f32],
    features: usize,
    max_features: usize,
    member: Preprocess,
) -> (Vec<f32>, Vec<f32>, usize) {
    let features = features.max(1);
    let n_train = train.len() / features;
    let n_test = test.len() / features;
    let mut columns_train: Vec<Vec<f32>> = Vec::new();
    let mut columns_test: Vec<Vec<f32>> = Vec::new();
    for f in 0..features {
        let col_tr: Vec<f32> = (0..n_train).map(|i| train[i * features + f]).collect();
        let values = present(&col_tr);
        if values.iter().all(|&v| v == values[0]) {
            continue;
        }
        let Some((mean, std)) = mean_std(&values, 1) else { continue };
        let std = std + STD_EPS;
        let z = |v: f32| if v.is_nan() { v } else { ((f64::from(v) - mean) / std).clamp(-CLIP, CLIP) as f32 };
        let mut tr: Vec<f32> = col_tr.iter().map(|&v| z(v)).collect();
        let mut te: Vec<f32> = (0..n_test).map(|i| z(test[i * features + f])).collect();
        if member.power {
            // v1's fallback: a failed fit leaves the column as it is (`power_transform` changes
            // nothing then), so the error needs no handling here.
            let _ = power_transform(&mut tr, &mut te);
        }
        squash_outliers(&mut tr, &mut te);
        columns_train.push(tr);
        columns_test.push(te);
        if columns_train.len() == max_features {
            break;
        }
    }
    let used = columns_train.len();
    if member.feature_shift < used {
        columns_train.rotate_left(member.feature_shift);
        columns_test.rotate_left(member.feature_shift);
    }
    let scale = if used > 0 { max_features as f32 / used as f32 } else { 1.0 };
    let pack = |columns: &[Vec<f32>], rows: usize| {
        let mut out = vec![0.0f32; rows * max_features];
        for (f, column) in columns.iter().enumerate() {
            for (i, &v) in column.iter().enumerate() {
                out[i * max_features + f] = if v.is_nan() { 0.0 } else { v * scale };
            }
        }
        out
    };
    (pack(&columns_train, n_train), pack(&columns_test, n_test), used)
}

/// v1's `remove_outliers` with `n_sigma = 4`: statistics of the training values within `±4s`,
/// then logarithmic squashing beyond `μ ± 4s` of those (`s` with `n − 1`).
fn squash_outliers(train: &mut [f32], test: &mut [f32]) {
    let values = present(train);
    let Some((mean, std)) = mean_std(&values, 1) else { return };
    let (lo, hi) = (mean - N_SIGMA * std, mean + N_SIGMA * std);
    let inside: Vec<f64> = values.into_iter().filter(|&v| v >= lo && v <= hi).collect();
    let Some((mean, std)) = mean_std(&inside, 1) else { return };
    let (lo, hi) = ((mean - N_SIGMA * std) as f32, (mean + N_SIGMA * std) as f32);
    let squash = |v: &mut f32| {
        if v.is_nan() {
            return;
        }
        *v = v.max(lo - v.abs().ln_1p()).min(hi + v.abs().ln_1p());
    };
    train.iter_mut().for_each(squash);
    test.iter_mut().for_each(squash);
}
