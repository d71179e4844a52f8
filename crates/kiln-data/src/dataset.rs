//! The [`Dataset`] trait, in-memory datasets and seeded train/valid/test splits.

use kiln_core::seed::permutation;

/// Random access to items.
pub trait Dataset<I>: Send + Sync {
    /// Number of items.
    fn len(&self) -> usize;

    /// Item `index`, `None` past the end.
    fn get(&self, index: usize) -> Option<I>;

    /// Whether the dataset has no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<I: Clone + Send + Sync> Dataset<I> for Vec<I> {
    fn len(&self) -> usize {
        <[I]>::len(self)
    }

    fn get(&self, index: usize) -> Option<I> {
        <[I]>::get(self, index).cloned()
    }
}

/// A dataset split three ways.
#[derive(Debug, Clone, PartialEq)]
pub struct Splits<I> {
    /// Training items.
    pub train: Vec<I>,
    /// Validation items.
    pub valid: Vec<I>,
    /// Held-out test items.
    pub test: Vec<I>,
}

/// Shuffles `items` with `seed` and splits off `valid_fraction` and `test_fraction` of them
/// (rounded down); the rest is the training set. The same seed gives the same split.
pub fn split<I>(items: Vec<I>, valid_fraction: f64, test_fraction: f64, seed: u64) -> Splits<I> {
    let n = items.len();
    // Rounded to 1e-9 before flooring, so that 100 × 0.29 is 29 and not 28.999… → 28.
    let count = |fraction: f64| ((n as f64 * fraction.clamp(0.0, 1.0) * 1e9).round() / 1e9).floor() as usize;
    let n_valid = count(valid_fraction);
    let n_test = count(test_fraction).min(n - n_valid);
    let mut slots: Vec<Option<I>> = items.into_iter().map(Some).collect();
    let mut take = |indices: &[usize]| indices.iter().filter_map(|&i| slots[i].take()).collect::<Vec<_>>();
    let order = permutation(n, seed);
    let test = take(&order[..n_test]);
    let valid = take(&order[n_test..n_test + n_valid]);
    let train = take(&order[n_test + n_valid..]);
    Splits { train, valid, test }
}
