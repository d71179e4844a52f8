//! The labelled subset of semi-supervised learning: a fraction of each class, sampled with a
//! seed (the paper's 1% and 10% ImageNet subsets are class-balanced in the same way).

use std::collections::BTreeMap;

use kiln_core::seed::{derive_seed, permutation};
use kiln_data::ImageExample;

use crate::error::{Result, SemiError};

/// Which examples keep their label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSplit {
    /// Indices of the labelled examples, ascending.
    pub labelled: Vec<usize>,
    /// Indices of the other examples, ascending.
    pub unlabelled: Vec<usize>,
}

/// Keeps `round(fraction · n_c)` examples of each class `c` (with `n_c` examples), drawn per
/// class by a permutation seeded with `derive_seed(seed, c)`.
///
/// The classes are the distinct values of `labels`.
///
/// # Errors
/// [`SemiError::LabelFraction`] when `fraction` is outside `(0, 1]` (or not a number), when the
/// subset would hold fewer examples than there are classes, or when a class would keep none.
pub fn label_subset(labels: &[usize], fraction: f64, seed: u64) -> Result<LabelSplit> {
    let mut by_class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &label) in labels.iter().enumerate() {
        by_class.entry(label).or_default().push(i);
    }
    let classes = by_class.len();
    let error = |labelled: usize, reason: String| SemiError::LabelFraction { fraction, labelled, classes, reason };
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(error(0, "the fraction must lie in (0, 1]".into()));
    }
    let counts: Vec<(usize, usize)> =
        by_class.iter().map(|(&c, members)| (c, (fraction * members.len() as f64).round() as usize)).collect();
    let total: usize = counts.iter().map(|&(_, k)| k).sum();
    // A class that keeps none is also what leaves fewer labelled examples than classes.
    if let Some(&(class, _)) = counts.iter().find(|&&(_, k)| k == 0) {
        let n = by_class.get(&class).map_or(0, Vec::len);
        let fewer = if total < classes { "; fewer labelled examples than classes" } else { "" };
        return Err(error(total, format!("class {class} ({n} examples) keeps no labelled example{fewer}")));
    }
    let mut keep = vec![false; labels.len()];
    for ((&class, members), &(_, k)) in by_class.iter().zip(&counts) {
        for j in permutation(members.len(), derive_seed(seed, class as u64)).into_iter().take(k) {
            keep[members[j]] = true;
        }
    }
    let (labelled, unlabelled): (Vec<usize>, Vec<usize>) = (0..labels.len()).partition(|&i| keep[i]);
    Ok(LabelSplit { labelled, unlabelled })
}

/// [`label_subset`] applied to examples: `(labelled, unlabelled)` copies, in their order.
///
/// # Errors
/// As [`label_subset`].
pub fn split_labelled(
    examples: &[ImageExample],
    fraction: f64,
    seed: u64,
) -> Result<(Vec<ImageExample>, Vec<ImageExample>)> {
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    let split = label_subset(&labels, fraction, seed)?;
    let pick = |indices: &[usize]| indices.iter().map(|&i| examples[i].clone()).collect();
    Ok((pick(&split.labelled), pick(&split.unlabelled)))
}
