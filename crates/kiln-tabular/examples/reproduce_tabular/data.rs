//! The small real tables of the experiment (as shipped by smartcore) and their seeded splits.

/// A classification table.
pub struct RealTable {
    /// Name.
    pub name: &'static str,
    /// Rows of features.
    pub x: Vec<Vec<f32>>,
    /// Class of each row.
    pub y: Vec<usize>,
    /// Number of classes.
    pub classes: usize,
}

/// Test rows at most.
pub const MAX_TEST: usize = 500;

/// Iris, breast cancer and digits.
pub fn tables() -> Vec<RealTable> {
    let convert = |name, d: smartcore::dataset::Dataset<f32, f32>| {
        let x: Vec<Vec<f32>> = d.data.chunks(d.num_features).map(<[f32]>::to_vec).collect();
        let y: Vec<usize> = d.target.iter().map(|&t| t as usize).collect();
        let classes = y.iter().max().map_or(0, |m| m + 1);
        RealTable { name, x, y, classes }
    };
    let ints = |d: smartcore::dataset::Dataset<f32, u32>| smartcore::dataset::Dataset {
        target: d.target.iter().map(|&t| t as f32).collect(),
        data: d.data,
        num_samples: d.num_samples,
        num_features: d.num_features,
        feature_names: d.feature_names,
        target_names: d.target_names,
        description: d.description,
    };
    vec![
        convert("iris", ints(smartcore::dataset::iris::load_dataset())),
        convert("breast cancer", ints(smartcore::dataset::breast_cancer::load_dataset())),
        convert("digits", smartcore::dataset::digits::load_dataset()),
    ]
}

/// A random split that puts one row of every class first into the training set (so no class is
/// unseen), then fills both sets from one seeded order; at most [`MAX_TEST`] test rows.
pub fn split(t: &RealTable, n_train: usize, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let order = kiln_core::seed::permutation(t.x.len(), seed);
    let mut train = Vec::with_capacity(n_train);
    for c in 0..t.classes {
        if let Some(&i) = order.iter().find(|&&i| t.y[i] == c) {
            train.push(i);
        }
    }
    let mut rest: Vec<usize> = order.into_iter().filter(|i| !train.contains(i)).collect();
    let take = n_train.saturating_sub(train.len()).min(rest.len());
    train.extend(rest.drain(..take));
    rest.truncate(MAX_TEST);
    (train, rest)
}

/// The rows `rows` of the table: features and classes.
pub fn rows(t: &RealTable, rows: &[usize]) -> (Vec<Vec<f32>>, Vec<usize>) {
    (rows.iter().map(|&i| t.x[i].clone()).collect(), rows.iter().map(|&i| t.y[i]).collect())
}
