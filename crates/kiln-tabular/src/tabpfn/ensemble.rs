//! TabPFN's inference ensemble (Hollmann et al. 2023, §5 "Ensembling"; v1's
//! `transformer_predict`).
//!
//! A member is a triple (class shift `s_y`, feature shift `s_x`, preprocessing ∈ {none,
//! Yeo-Johnson}). As in v1, the class shifts are a random permutation of `0..K` (`K` training
//! classes), the feature shifts one of `0..F` (`F` input features, before constant ones are
//! dropped); their product of pairs `(s_y, s_x)` is shuffled, and each pair is crossed with
//! `[none, power]`, so members `2i` and `2i + 1` are the none/power versions of pair `i`; the
//! first `members` are kept. A member relabels the training classes `y ↦ (y + s_y) mod K`,
//! rotates the features by `s_x` (not at all when `s_x` is past the features left, see
//! [`crate::preprocess`]), runs the network, and undoes the relabelling on the logits
//! (`p(c) = logit[(c + s_y) mod K]`). The logits, divided by the temperature 0.8, are averaged
//! over members and then soft-maxed.
//!
//! Deviation: v1 draws the shift permutations from torch's global generator and shuffles the
//! pairs with `random.Random(0)`; here all three come from one generator seeded by
//! [`EnsembleConfig::seed`].

use kiln_core::seed::rng;

use crate::preprocess::Preprocess;
use crate::prior::sample::permutation;

/// The ensemble's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnsembleConfig {
    /// Number of members (v1's package: 3; the paper: 32). Default 8.
    pub members: usize,
    /// Softmax temperature the logits are divided by. Default 0.8 (v1's `exp(log 0.8)`).
    pub temperature: f32,
    /// Whether members may use the Yeo-Johnson power transform. Default `true`.
    pub power: bool,
    /// Seed of the member shuffle. Default 0.
    pub seed: u64,
}

impl Default for EnsembleConfig {
    fn default() -> Self {
        Self { members: 8, temperature: 0.8, power: true, seed: 0 }
    }
}

impl EnsembleConfig {
    /// The defaults with `members` members.
    pub fn with_members(members: usize) -> Self {
        Self { members, ..Self::default() }
    }
}

/// One ensemble member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// Class shift `s_y`.
    pub class_shift: usize,
    /// Preprocessing and feature shift.
    pub preprocess: Preprocess,
}

/// The members for `classes` classes and `features` features (module docs): shuffled
/// `(class shift, feature shift)` pairs, each crossed with `[none, power]` (only `none` without
/// `cfg.power`), the first `members` (at least one).
pub fn members(cfg: &EnsembleConfig, classes: usize, features: usize) -> Vec<Member> {
    let mut r = rng(cfg.seed, 0);
    let class_shifts = permutation(&mut r, classes.max(1));
    let feature_shifts = permutation(&mut r, features.max(1));
    let pairs: Vec<(usize, usize)> =
        class_shifts.iter().flat_map(|&c| feature_shifts.iter().map(move |&f| (c, f))).collect();
    let powers: &[bool] = if cfg.power { &[false, true] } else { &[false] };
    permutation(&mut r, pairs.len())
        .into_iter()
        .flat_map(|i| {
            let (class_shift, feature_shift) = pairs[i];
            powers.iter().map(move |&power| Member { class_shift, preprocess: Preprocess { power, feature_shift } })
        })
        .take(cfg.members.max(1))
        .collect()
}
