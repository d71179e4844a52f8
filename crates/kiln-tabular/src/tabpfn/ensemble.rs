//! TabPFN's inference ensemble (Hollmann et al. 2023, §5 "Ensembling"; v1's
//! `transformer_predict`).
//!
//! A member is a triple (class shift `s_y`, feature shift `s_x`, preprocessing ∈ {none,
//! Yeo-Johnson}). The candidate members are the product of all class shifts `0..K`, all feature
//! shifts `0..F` and both preprocessings, shuffled with a seed and truncated to `members`. A member
//! relabels the training classes `y ↦ (y + s_y) mod K`, rotates the features by `s_x`, runs the
//! network, and undoes the relabelling on the logits (`p(c) = logit[(c + s_y) mod K]`). The
//! logits, divided by the temperature 0.8, are averaged over members and then soft-maxed.

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

/// The members for `classes` classes and `features` features: the product of shifts and
/// preprocessings, shuffled by the seed, the first `members` (at least one).
pub fn members(cfg: &EnsembleConfig, classes: usize, features: usize) -> Vec<Member> {
    let mut r = rng(cfg.seed, 0);
    let class_shifts = permutation(&mut r, classes.max(1));
    let feature_shifts = permutation(&mut r, features.max(1));
    let powers: &[bool] = if cfg.power { &[false, true] } else { &[false] };
    let mut all = Vec::with_capacity(class_shifts.len() * feature_shifts.len() * powers.len());
    for &class_shift in &class_shifts {
        for &feature_shift in &feature_shifts {
            for &power in powers {
                all.push(Member { class_shift, preprocess: Preprocess { power, feature_shift } });
            }
        }
    }
    let order = permutation(&mut r, all.len());
    order.into_iter().take(cfg.members.max(1)).map(|i| all[i]).collect()
}
