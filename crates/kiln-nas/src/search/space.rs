//! Categorical search spaces: gene `i` takes a value in `0..choices[i]`.
//!
//! This is the flat integer encoding of DyNAS-T (Cummings et al. 2022): one gene per elastic
//! parameter per layer (OFA-MobileNetV3: 20 kernel sizes, 20 expand ratios, 5 depths). Predictors
//! see the one-hot expansion `φ(x) = [e_{x_0}; e_{x_1}; …]` of length `Σ_i choices[i]`.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::SearchError;

/// A product of categorical dimensions; an encoding is a `Vec<usize>` with one value per gene.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<usize>", into = "Vec<usize>")]
pub struct SearchSpace {
    choices: Vec<usize>,
    offsets: Vec<usize>,
}

impl TryFrom<Vec<usize>> for SearchSpace {
    type Error = SearchError;

    fn try_from(choices: Vec<usize>) -> Result<Self, SearchError> {
        SearchSpace::new(choices)
    }
}

impl From<SearchSpace> for Vec<usize> {
    fn from(space: SearchSpace) -> Self {
        space.choices
    }
}

impl SearchSpace {
    /// A space with `choices[i]` options for gene `i`; errors on no genes or a gene with zero
    /// choices.
    pub fn new(choices: Vec<usize>) -> Result<Self, SearchError> {
        if choices.is_empty() {
            return Err(SearchError::EmptySpace);
        }
        if let Some(gene) = choices.iter().position(|&c| c == 0) {
            return Err(SearchError::ZeroChoices { gene });
        }
        let mut offsets = Vec::with_capacity(choices.len());
        let mut acc = 0usize;
        for &c in &choices {
            offsets.push(acc);
            acc += c;
        }
        Ok(Self { choices, offsets })
    }

    /// Number of choices per gene.
    pub fn choices(&self) -> &[usize] {
        &self.choices
    }

    /// Number of genes.
    pub fn len(&self) -> usize {
        self.choices.len()
    }

    /// Always `false`: a space has at least one gene.
    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
    }

    /// Number of distinct encodings, or `None` if it overflows `u128`.
    pub fn cardinality(&self) -> Option<u128> {
        self.choices.iter().try_fold(1u128, |acc, &c| acc.checked_mul(c as u128))
    }

    /// Whether `distinct` distinct encodings already cover the whole space.
    pub fn exhausted_by(&self, distinct: usize) -> bool {
        self.cardinality().is_some_and(|c| distinct as u128 >= c)
    }

    /// Length of the one-hot feature vector, `Σ_i choices[i]`.
    pub fn feature_len(&self) -> usize {
        self.choices.iter().sum()
    }

    /// Position of gene `gene`'s first one-hot feature.
    pub fn offset(&self, gene: usize) -> Option<usize> {
        self.offsets.get(gene).copied()
    }

    /// Checks the length of `enc` and that every gene is in range.
    pub fn validate(&self, enc: &[usize]) -> Result<(), SearchError> {
        if enc.len() != self.choices.len() {
            return Err(SearchError::EncodingLength { expected: self.choices.len(), got: enc.len() });
        }
        for (gene, (&value, &choices)) in enc.iter().zip(&self.choices).enumerate() {
            if value >= choices {
                return Err(SearchError::ChoiceOutOfRange { gene, value, choices });
            }
        }
        Ok(())
    }

    /// A uniformly random encoding.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<usize> {
        self.choices.iter().map(|&c| rng.random_range(0..c)).collect()
    }

    /// The encoding with every gene at its first choice.
    pub fn smallest(&self) -> Vec<usize> {
        vec![0; self.choices.len()]
    }

    /// The encoding with every gene at its last choice.
    pub fn largest(&self) -> Vec<usize> {
        self.choices.iter().map(|&c| c - 1).collect()
    }

    /// One-hot features of `enc` (length [`feature_len`](Self::feature_len)).
    ///
    /// Lenient: genes beyond the space are ignored, and an out-of-range gene contributes all
    /// zeros; use [`validate`](Self::validate) first to reject such encodings.
    pub fn one_hot(&self, enc: &[usize]) -> Vec<f32> {
        let mut features = vec![0.0f32; self.feature_len()];
        for (gene, (&value, &choices)) in enc.iter().zip(&self.choices).enumerate() {
            if value < choices {
                features[self.offsets[gene] + value] = 1.0;
            }
        }
        features
    }

    /// Indices of the active one-hot features of a valid `enc` (one per gene).
    pub(crate) fn active_features<'a>(&'a self, enc: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
        enc.iter().zip(&self.offsets).map(|(&value, &offset)| offset + value)
    }

    /// Per-gene mutation: each gene, with probability `prob`, moves to a uniformly random
    /// *different* choice (genes with a single choice never change).
    pub fn mutate<R: Rng + ?Sized>(&self, enc: &mut [usize], prob: f64, rng: &mut R) {
        for (value, &choices) in enc.iter_mut().zip(&self.choices) {
            if choices > 1 && rng.random::<f64>() < prob {
                let other = rng.random_range(0..choices - 1);
                *value = if other >= *value { other + 1 } else { other };
            }
        }
    }
}
