use kiln_core::seed;
use kiln_nas::search::{Direction, HypervolumeTracker, SearchError, hypervolume};
use rand::Rng;

#[test]
fn two_d_known_front() {
    let pts = vec![vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]];
    let dirs = [Direction::Minimize; 2];
    assert_eq!(hypervolume(&pts, &[4.0, 4.0], &dirs).unwrap(), 6.0);
    // Dominated, duplicate and out-of-reference points change nothing.
    let mut more = pts.clone();
    more.extend([vec![3.0, 3.0], vec![2.0, 2.0], vec![0.5, 5.0], vec![4.0, 0.0]]);
    assert_eq!(hypervolume(&more, &[4.0, 4.0], &dirs).unwrap(), 6.0);
    assert_eq!(hypervolume(&[], &[4.0, 4.0], &dirs).unwrap(), 0.0);
}

#[test]
fn two_d_mixed_directions() {
    // Accuracy (max, reference 0 is a lower bound) vs latency (min, reference 10).
    let pts = vec![vec![0.5, 2.0], vec![0.8, 6.0]];
    let dirs = [Direction::Maximize, Direction::Minimize];
    // 0.5 × 8 + (0.8 − 0.5) × 4 = 5.2
    let hv = hypervolume(&pts, &[0.0, 10.0], &dirs).unwrap();
    assert!((hv - 5.2).abs() < 1e-12, "{hv}");
}

#[test]
fn three_d_known_case() {
    // Three boxes of volume 3, pairwise and triple intersections of volume 1: 9 − 3 + 1 = 7.
    let pts = vec![vec![1.0, 3.0, 3.0], vec![3.0, 1.0, 3.0], vec![3.0, 3.0, 1.0]];
    let dirs = [Direction::Minimize; 3];
    assert_eq!(hypervolume(&pts, &[4.0, 4.0, 4.0], &dirs).unwrap(), 7.0);
    // The same set with every objective maximised (negated points and reference).
    let neg: Vec<Vec<f64>> = pts.iter().map(|p| p.iter().map(|v| -v).collect()).collect();
    assert_eq!(hypervolume(&neg, &[-4.0, -4.0, -4.0], &[Direction::Maximize; 3]).unwrap(), 7.0);
    assert_eq!(hypervolume(&[vec![0.0, 0.0, 0.0]], &[1.0, 2.0, 3.0], &dirs).unwrap(), 6.0);
}

/// Exact volume of integer points by counting unit cells: a cell `[c, c + 1)` is covered iff
/// some point is `≤ c` in every coordinate.
fn cell_count(points: &[Vec<f64>], reference: i64, dims: usize) -> f64 {
    let mut count = 0u64;
    let cells = (reference as usize).pow(dims as u32);
    for idx in 0..cells {
        let mut c = Vec::with_capacity(dims);
        let mut rest = idx;
        for _ in 0..dims {
            c.push((rest % reference as usize) as f64);
            rest /= reference as usize;
        }
        if points.iter().any(|p| p.iter().zip(&c).all(|(a, b)| a <= b)) {
            count += 1;
        }
    }
    count as f64
}

#[test]
fn three_and_four_d_match_cell_counting() {
    let mut rng = seed::rng(11, 0);
    for dims in [2usize, 3, 4] {
        for _ in 0..20 {
            let n = rng.random_range(1..10);
            let pts: Vec<Vec<f64>> =
                (0..n).map(|_| (0..dims).map(|_| rng.random_range(0..7) as f64).collect()).collect();
            let hv = hypervolume(&pts, &vec![7.0; dims], &vec![Direction::Minimize; dims]).unwrap();
            assert_eq!(hv, cell_count(&pts, 7, dims), "dims {dims}, points {pts:?}");
        }
    }
}

#[test]
fn tracker_matches_batch_hypervolume() {
    let mut rng = seed::rng(5, 1);
    let dirs = [Direction::Maximize, Direction::Minimize, Direction::Minimize];
    let reference = [0.0, 10.0, 10.0];
    let mut tracker = HypervolumeTracker::new(&reference, &dirs).unwrap();
    let mut seen = Vec::new();
    let mut last = 0.0;
    for _ in 0..40 {
        let p: Vec<f64> = (0..3).map(|_| rng.random_range(0.0..10.0)).collect();
        seen.push(p.clone());
        let hv = tracker.push(&p).unwrap();
        let batch = hypervolume(&seen, &reference, &dirs).unwrap();
        assert!((hv - batch).abs() < 1e-9 * batch.max(1.0), "{hv} vs {batch}");
        assert!(hv >= last);
        last = hv;
    }
}

#[test]
fn hypervolume_rejects_bad_input() {
    let dirs = [Direction::Minimize; 2];
    assert_eq!(hypervolume(&[vec![1.0, 1.0]], &[2.0], &dirs), Err(SearchError::ObjectiveCount { expected: 2, got: 1 }));
    assert_eq!(hypervolume(&[vec![1.0]], &[2.0, 2.0], &dirs), Err(SearchError::ObjectiveCount { expected: 2, got: 1 }));
    assert_eq!(hypervolume(&[vec![1.0, 1.0]], &[f64::NAN, 2.0], &dirs), Err(SearchError::NonFinite));
    assert_eq!(hypervolume(&[], &[], &[]), Err(SearchError::NoObjectives));
}
