//! TabPFN v1's input preprocessing (Hollmann et al. 2023, §5 and Appendix E;
//! `transformer_predict`/`preprocess_input` in automl/TabPFN v1), shared by training on the prior
//! and inference so that the model always sees the same input distribution.
//!
//! For each feature, with statistics from the *training* rows only (missing values ignored):
//! 1. features constant on the training rows are dropped;
//! 2. z-score `(x − μ)/σ`, clipped to `±100`;
//! 3. optionally the Yeo-Johnson power transform with `λ` fitted by maximum likelihood, then a
//!    second z-score (sklearn's `PowerTransformer(standardize=True)`);
//! 4. outliers beyond `l, u = μ ± 4σ` are squashed logarithmically:
//!    `x ↦ min(x, u + ln(1 + |x|))` and `x ↦ max(x, l − ln(1 + |x|))`;
//! 5. values are scaled by `max_features / used_features` (v1's `normalize_by_used_features_f`);
//! 6. the used features are rotated by the ensemble member's feature shift, missing values set
//!    to 0 and the row zero-padded to `max_features`.

/// How one ensemble member preprocesses its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preprocess {
    /// Apply the Yeo-Johnson power transform (v1's `power_all`).
    pub power: bool,
    /// Rotate the used features left by this many positions.
    pub feature_shift: usize,
}

/// Mean and standard deviation of the finite values (`(0, 0)` when there are none).
fn moments(values: impl Iterator<Item = f32>) -> (f64, f64) {
    let (mut n, mut s, mut s2) = (0.0f64, 0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        n += 1.0;
        s += v as f64;
        s2 += (v as f64) * (v as f64);
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = s / n;
    (mean, (s2 / n - mean * mean).max(0.0).sqrt())
}

/// The Yeo-Johnson transform `ψ(x, λ)`.
pub fn yeo_johnson(x: f64, lambda: f64) -> f64 {
    if x >= 0.0 {
        if lambda.abs() < 1e-8 { x.ln_1p() } else { ((x + 1.0).powf(lambda) - 1.0) / lambda }
    } else if (lambda - 2.0).abs() < 1e-8 {
        -(-x).ln_1p()
    } else {
        -((1.0 - x).powf(2.0 - lambda) - 1.0) / (2.0 - lambda)
    }
}

/// The maximum-likelihood `λ` of the Yeo-Johnson transform for `values` (golden-section search on
/// `[−3, 3]` of `ℓ(λ) = −n/2 · ln σ²(ψ(x, λ)) + (λ − 1) Σ sign(x) ln(1 + |x|)`).
pub fn fit_yeo_johnson(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if values.len() < 2 {
        return 1.0;
    }
    let log_term: f64 = values.iter().map(|&x| x.signum() * x.abs().ln_1p()).sum();
    let ll = |lambda: f64| {
        let t: Vec<f64> = values.iter().map(|&x| yeo_johnson(x, lambda)).collect();
        let mean = t.iter().sum::<f64>() / n;
        let var = t.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        if !var.is_finite() || var <= 0.0 { f64::NEG_INFINITY } else { -0.5 * n * var.ln() + (lambda - 1.0) * log_term }
    };
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut a, mut b) = (-3.0f64, 3.0f64);
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (ll(c), ll(d));
    for _ in 0..50 {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = ll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = ll(d);
        }
    }
    0.5 * (a + b)
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
        let (mean, std) = moments(col_tr.iter().copied());
        if std <= 1e-8 * mean.abs().max(1.0) {
            continue;
        }
        let z = |v: f32| if v.is_nan() { v } else { (((v as f64 - mean) / std).clamp(-100.0, 100.0)) as f32 };
        let mut tr: Vec<f32> = col_tr.iter().map(|&v| z(v)).collect();
        let mut te: Vec<f32> = (0..n_test).map(|i| z(test[i * features + f])).collect();
        if member.power {
            let finite: Vec<f64> = tr.iter().filter(|v| v.is_finite()).map(|&v| v as f64).collect();
            let lambda = fit_yeo_johnson(&finite);
            let map = |v: f32| if v.is_nan() { v } else { yeo_johnson(v as f64, lambda) as f32 };
            tr.iter_mut().for_each(|v| *v = map(*v));
            te.iter_mut().for_each(|v| *v = map(*v));
            let (m2, s2) = moments(tr.iter().copied());
            let s2 = if s2 > 1e-8 { s2 } else { 1.0 };
            let z2 = |v: f32| if v.is_nan() { v } else { (((v as f64 - m2) / s2).clamp(-100.0, 100.0)) as f32 };
            tr.iter_mut().for_each(|v| *v = z2(*v));
            te.iter_mut().for_each(|v| *v = z2(*v));
        }
        squash_outliers(&mut tr, &mut te);
        columns_train.push(tr);
        columns_test.push(te);
        if columns_train.len() == max_features {
            break;
        }
    }
    let used = columns_train.len();
    if used > 0 {
        let shift = member.feature_shift % used;
        columns_train.rotate_left(shift);
        columns_test.rotate_left(shift);
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

/// v1's `remove_outliers` with `n_sigma = 4`: statistics of the training values within `±4σ`,
/// then logarithmic squashing beyond `μ ± 4σ` of those.
fn squash_outliers(train: &mut [f32], test: &mut [f32]) {
    let (mean, std) = moments(train.iter().copied());
    let (lo, hi) = (mean - 4.0 * std, mean + 4.0 * std);
    let (mean, std) = moments(train.iter().copied().filter(|&v| (v as f64) >= lo && (v as f64) <= hi));
    let (lo, hi) = ((mean - 4.0 * std) as f32, (mean + 4.0 * std) as f32);
    let squash = |v: &mut f32| {
        if v.is_nan() {
            return;
        }
        *v = v.max(lo - v.abs().ln_1p()).min(hi + v.abs().ln_1p());
    };
    train.iter_mut().for_each(squash);
    test.iter_mut().for_each(squash);
}
