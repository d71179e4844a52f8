//! The baselines (smartcore): logistic regression, k-NN and a random forest, on z-scored
//! features.

use smartcore::ensemble::random_forest_classifier::{RandomForestClassifier, RandomForestClassifierParameters};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};

/// Class probabilities, one row per test row.
pub type Proba = Vec<Vec<f32>>;

/// What a baseline returns.
pub type Fitted = Result<Proba, smartcore::error::Failed>;

/// Standardised f64 matrices for the baselines (statistics of the training rows).
pub fn standardise(
    train: &[Vec<f32>],
    test: &[Vec<f32>],
) -> Result<(DenseMatrix<f64>, DenseMatrix<f64>), smartcore::error::Failed> {
    let f = train.first().map_or(0, Vec::len);
    let n = train.len() as f64;
    let mean: Vec<f64> = (0..f).map(|j| train.iter().map(|r| r[j] as f64).sum::<f64>() / n).collect();
    let std: Vec<f64> = (0..f)
        .map(|j| (train.iter().map(|r| (r[j] as f64 - mean[j]).powi(2)).sum::<f64>() / n).sqrt().max(1e-8))
        .collect();
    let map = |rows: &[Vec<f32>]| {
        let v: Vec<Vec<f64>> =
            rows.iter().map(|r| r.iter().enumerate().map(|(j, &x)| (x as f64 - mean[j]) / std[j]).collect()).collect();
        DenseMatrix::from_2d_vec(&v)
    };
    Ok((map(train)?, map(test)?))
}

/// L2-regularised logistic regression (α = 1), probabilities from its coefficients.
pub fn logistic(x: &DenseMatrix<f64>, y: &[i32], xt: &DenseMatrix<f64>, k: usize) -> Fitted {
    let params = LogisticRegressionParameters::default().with_alpha(1.0);
    let model = LogisticRegression::fit(x, &y.to_vec(), params)?;
    let (w, b) = (model.coefficients(), model.intercept());
    let (n, f) = xt.shape();
    Ok((0..n)
        .map(|i| {
            let dot = |c: usize| (0..f).map(|j| xt.get((i, j)) * w.get((c, j))).sum::<f64>() + b.get((c, 0));
            if k == 2 {
                let p = 1.0 / (1.0 + (-dot(0)).exp());
                vec![(1.0 - p) as f32, p as f32]
            } else {
                let z: Vec<f64> = (0..k).map(dot).collect();
                let m = z.iter().copied().fold(f64::MIN, f64::max);
                let s: f64 = z.iter().map(|v| (v - m).exp()).sum();
                z.iter().map(|v| ((v - m).exp() / s) as f32).collect()
            }
        })
        .collect())
}

/// k-NN with k = 5.
pub fn knn(x: &DenseMatrix<f64>, y: &[i32], xt: &DenseMatrix<f64>) -> Fitted {
    let model = KNNClassifier::fit(x, &y.to_vec(), KNNClassifierParameters::default().with_k(5))?;
    let p = model.predict_proba(xt)?;
    Ok(p.into_iter().map(|r| r.into_iter().map(|v| v as f32).collect()).collect())
}

/// A 100-tree random forest's soft vote: 100 single-tree forests (bootstrap + √F features per
/// split, seeds 0..100), since smartcore's forest exposes only hard votes.
pub fn forest(x: &DenseMatrix<f64>, y: &[i32], xt: &DenseMatrix<f64>, k: usize, seed: u64) -> Fitted {
    let n = xt.shape().0;
    let mut votes = vec![vec![0.0f32; k]; n];
    for t in 0..100u64 {
        let params = RandomForestClassifierParameters::default().with_n_trees(1).with_seed(seed * 1000 + t);
        let model = RandomForestClassifier::fit(x, &y.to_vec(), params)?;
        let pred: Vec<i32> = model.predict(xt)?;
        for (i, &c) in pred.iter().enumerate() {
            if let Some(v) = usize::try_from(c).ok().and_then(|c| votes[i].get_mut(c)) {
                *v += 0.01;
            }
        }
    }
    Ok(votes)
}
