//! Graph-constrained R@K and mR@K on tiny hand-made scenes.

use kiln_graph::penet::{RecallAccumulator, ranked_predictions};

/// Candidate pairs, their scores `[pairs, predicates]`, the ground truth.
type TinyScene = (Vec<(usize, usize)>, Vec<f32>, Vec<(usize, usize, usize)>);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Scene A: 25 pairs, each predicting predicate 1 (background excluded) with a score falling
/// with the pair's index, so pair q ranks q-th. Truth: (pair 3, p1) is within the top 20,
/// (pair 22, p1) only within the top 50, (pair 5, p2) is never predicted.
fn scene_a() -> TinyScene {
    let pairs: Vec<(usize, usize)> = (0..25).map(|q| (q / 5, 10 + q % 5)).collect();
    let scores: Vec<f32> = (0..25).flat_map(|q| [0.9, 0.5 - 0.01 * q as f32, 0.01, 0.0]).collect();
    let truth = vec![(pairs[3].0, pairs[3].1, 1), (pairs[22].0, pairs[22].1, 1), (pairs[5].0, pairs[5].1, 2)];
    (pairs, scores, truth)
}

/// Scene B: pair 0's background score is highest but background is excluded, so it predicts
/// p2, which is true.
fn scene_b() -> TinyScene {
    (vec![(0, 1), (1, 0)], vec![0.6, 0.1, 0.3, 0.0, 0.2, 0.5, 0.1, 0.2], vec![(0, 1, 2)])
}

#[test]
fn ranking_excludes_background_and_sorts_by_score() {
    let (_, scores, _) = scene_b();
    let ranked = ranked_predictions(&scores, 4).unwrap();
    assert_eq!(ranked.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(), vec![(1, 1), (0, 2)]);
    assert!(ranked_predictions(&scores[..7], 4).is_err());
}

#[test]
fn recall_and_mean_recall_match_hand_values() {
    let mut acc = RecallAccumulator::new(4);
    for (pairs, scores, truth) in [scene_a(), scene_b()] {
        acc.add(&pairs, &scores, &truth).unwrap();
    }
    // A scene without ground truth is skipped.
    acc.add(&[(0, 1)], &[0.1, 0.2, 0.3, 0.4], &[]).unwrap();
    assert_eq!(acc.scenes(), 2);
    let r = acc.finish();
    // R@20 = (1/3 + 1)/2; R@50 = R@100 = (2/3 + 1)/2.
    assert!(close(r.recall[0], 2.0 / 3.0), "{r:?}");
    assert!(close(r.recall[1], 5.0 / 6.0) && close(r.recall[2], 5.0 / 6.0), "{r:?}");
    // Per predicate at 20: p1 = 1/2 (scene A), p2 = (0 + 1)/2, p3 never seen = 0; over 3.
    assert!(close(r.mean_recall[0], 1.0 / 3.0), "{r:?}");
    // At 50 and 100: p1 = 1, p2 = 1/2, p3 = 0.
    assert!(close(r.mean_recall[1], 0.5) && close(r.mean_recall[2], 0.5), "{r:?}");
    assert_eq!(r.recall_at(50), Some(r.recall[1]));
    assert_eq!(r.mean_recall_at(30), None);
}

#[test]
fn one_predicate_per_pair() {
    // Both predicates of pair 0 are true; the graph constraint keeps only the best one.
    let mut acc = RecallAccumulator::new(3);
    acc.add(&[(0, 1)], &[0.0, 0.6, 0.4], &[(0, 1, 1), (0, 1, 2)]).unwrap();
    let r = acc.finish();
    assert!(close(r.recall[2], 0.5) && close(r.mean_recall[2], 0.5), "{r:?}");
}

#[test]
fn bad_inputs_are_errors() {
    let mut acc = RecallAccumulator::new(3);
    assert!(acc.add(&[(0, 1)], &[0.0, 0.6], &[(0, 1, 1)]).is_err());
    assert!(acc.add(&[(0, 1)], &[0.0, 0.6, 0.4], &[(0, 1, 0)]).is_err());
    assert!(acc.add(&[(0, 1)], &[0.0, 0.6, 0.4], &[(0, 1, 3)]).is_err());
}
