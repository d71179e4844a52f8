use kiln_nas::search::{Direction, SearchError, crowding_distance, dominates, non_dominated_front, non_dominated_sort};

const MIN2: [Direction; 2] = [Direction::Minimize, Direction::Minimize];

fn points(raw: &[(f64, f64)]) -> Vec<Vec<f64>> {
    raw.iter().map(|&(a, b)| vec![a, b]).collect()
}

#[test]
fn non_dominated_sort_gives_exact_fronts() {
    let pts = points(&[(1.0, 5.0), (2.0, 3.0), (3.0, 4.0), (4.0, 1.0), (5.0, 5.0), (2.0, 6.0), (3.0, 3.0)]);
    let fronts = non_dominated_sort(&pts, &MIN2).unwrap();
    assert_eq!(fronts, vec![vec![0, 1, 3], vec![5, 6], vec![2], vec![4]]);
    assert_eq!(non_dominated_front(&pts, &MIN2).unwrap(), vec![0, 1, 3]);
}

#[test]
fn non_dominated_sort_respects_directions() {
    // Same points, first objective maximised: (4,1) and (5,5) are now the front.
    let pts = points(&[(1.0, 5.0), (2.0, 3.0), (3.0, 4.0), (4.0, 1.0), (5.0, 5.0), (2.0, 6.0), (3.0, 3.0)]);
    let dirs = [Direction::Maximize, Direction::Minimize];
    let fronts = non_dominated_sort(&pts, &dirs).unwrap();
    assert_eq!(fronts, vec![vec![3, 4], vec![6], vec![1, 2], vec![0, 5]]);
}

#[test]
fn duplicates_share_a_front_and_empty_input_is_fine() {
    let pts = points(&[(1.0, 1.0), (1.0, 1.0), (2.0, 2.0)]);
    assert_eq!(non_dominated_sort(&pts, &MIN2).unwrap(), vec![vec![0, 1], vec![2]]);
    assert!(non_dominated_sort(&[], &MIN2).unwrap().is_empty());
}

#[test]
fn dominance_with_mixed_directions() {
    let dirs = [Direction::Maximize, Direction::Minimize]; // accuracy, latency
    let a = [0.9, 10.0];
    assert!(dominates(&a, &[0.8, 12.0], &dirs));
    assert!(dominates(&a, &[0.9, 12.0], &dirs), "equal accuracy, lower latency");
    assert!(!dominates(&[0.9, 12.0], &a, &dirs));
    assert!(!dominates(&a, &[0.95, 15.0], &dirs) && !dominates(&[0.95, 15.0], &a, &dirs));
    assert!(!dominates(&a, &a, &dirs), "a point does not dominate itself");
    assert!(!dominates(&[0.8, 12.0], &a, &dirs));
    assert!(!dominates(&a, &[0.8], &dirs), "length mismatch is never dominance");
}

#[test]
fn crowding_distance_hand_computed() {
    // Minimise both; f1 range 4, f2 range 5.
    // B: (3 − 0)/4 + (5 − 1)/5 = 0.75 + 0.8 = 1.55; C: (4 − 1)/4 + (2 − 0)/5 = 0.75 + 0.4 = 1.15.
    let front = points(&[(0.0, 5.0), (1.0, 2.0), (3.0, 1.0), (4.0, 0.0)]);
    let d = crowding_distance(&front).unwrap();
    assert!(d[0].is_infinite() && d[3].is_infinite());
    assert!((d[1] - 1.55).abs() < 1e-12, "{d:?}");
    assert!((d[2] - 1.15).abs() < 1e-12, "{d:?}");
    // Order of the input does not matter.
    let shuffled = points(&[(3.0, 1.0), (4.0, 0.0), (0.0, 5.0), (1.0, 2.0)]);
    let e = crowding_distance(&shuffled).unwrap();
    assert!((e[0] - 1.15).abs() < 1e-12 && (e[3] - 1.55).abs() < 1e-12);
    assert!(crowding_distance(&points(&[(0.0, 1.0), (1.0, 0.0)])).unwrap().iter().all(|v| v.is_infinite()));
}

#[test]
fn pareto_rejects_bad_input() {
    let bad = vec![vec![1.0, 2.0], vec![1.0]];
    assert_eq!(non_dominated_sort(&bad, &MIN2), Err(SearchError::ObjectiveCount { expected: 2, got: 1 }));
    assert_eq!(crowding_distance(&bad), Err(SearchError::ObjectiveCount { expected: 2, got: 1 }));
    assert_eq!(non_dominated_sort(&[vec![f64::NAN, 1.0]], &MIN2), Err(SearchError::NonFinite));
    assert_eq!(non_dominated_sort(&[], &[]), Err(SearchError::NoObjectives));
}
