//! The ensemble's members in v1's order: shuffled (class shift, feature shift) pairs, each
//! crossed with [none, power].

use kiln_tabular::EnsembleConfig;
use kiln_tabular::tabpfn::ensemble::members;

#[test]
fn members_are_none_power_pairs_of_shuffled_shifts() {
    // 3 classes × 4 features = 12 pairs, 24 members.
    let all = members(&EnsembleConfig::with_members(100), 3, 4);
    assert_eq!(all.len(), 24);
    for (i, pair) in all.chunks(2).enumerate() {
        assert_eq!(pair[0].class_shift, pair[1].class_shift, "pair {i}");
        assert_eq!(pair[0].preprocess.feature_shift, pair[1].preprocess.feature_shift, "pair {i}");
        assert!(!pair[0].preprocess.power && pair[1].preprocess.power, "pair {i}: none, then power");
    }
    let mut shifts: Vec<(usize, usize)> =
        all.iter().step_by(2).map(|m| (m.class_shift, m.preprocess.feature_shift)).collect();
    shifts.sort_unstable();
    let product: Vec<(usize, usize)> = (0..3).flat_map(|c| (0..4).map(move |f| (c, f))).collect();
    assert_eq!(shifts, product, "every (class shift, feature shift) pair once");
    // No feature shift beyond the features, no class shift beyond the classes.
    assert!(all.iter().all(|m| m.class_shift < 3 && m.preprocess.feature_shift < 4));
    // Truncation keeps the order: 3 members are pair 0 (none, power) and pair 1 (none).
    let three = members(&EnsembleConfig::with_members(3), 3, 4);
    assert_eq!(three, all[..3]);
    // Without the power transform the same pairs come in the same order.
    let plain = members(&EnsembleConfig { power: false, ..EnsembleConfig::with_members(100) }, 3, 4);
    assert_eq!(plain, all.iter().step_by(2).copied().collect::<Vec<_>>());
}

#[test]
fn members_are_truncated_and_at_least_one() {
    // 2 classes × 1 feature × 2 preprocessings: only 4 distinct members exist.
    assert_eq!(members(&EnsembleConfig::with_members(32), 2, 1).len(), 4);
    assert_eq!(members(&EnsembleConfig::with_members(0), 2, 1).len(), 1);
    let a = members(&EnsembleConfig::with_members(8), 3, 4);
    let b = members(&EnsembleConfig { seed: 1, ..EnsembleConfig::with_members(8) }, 3, 4);
    assert_ne!(a, b, "the seed shuffles the pairs");
}
