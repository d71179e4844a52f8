//! Host targets: argsort, the monotone chain (collinear and duplicate points), Held–Karp
//! against brute force, 2-opt, and the metrics on hand cases.

use kiln_seq::SeqError;
use kiln_seq::pointer::Task;
use kiln_seq::pointer::hull::{convex_hull, cross, is_simple_polygon, polygon_area, same_cycle};
use kiln_seq::pointer::metrics::{hull_scores, sequence_accuracy, tsp_scores};
use kiln_seq::pointer::tsp::{held_karp, is_permutation, tour_length, tsp_target, two_opt_best};
use kiln_seq::synth::points::{as_pairs, uniform_points};

#[test]
fn sort_target_is_the_stable_argsort() {
    let t = Task::Sort.target(&[0.5, 0.1, 0.9, 0.1], 0).unwrap();
    assert_eq!(t, vec![1, 3, 0, 2]);
}

#[test]
fn empty_and_nan_inputs_are_typed_errors() {
    assert!(matches!(Task::Sort.target(&[], 0), Err(SeqError::Empty { .. })));
    assert!(matches!(Task::Hull.target(&[0.1, f32::NAN], 0), Err(SeqError::NonFinite { .. })));
    assert!(matches!(Task::Tsp.target(&[0.1, 0.2, 0.3], 0), Err(SeqError::Shape { .. })));
}

#[test]
fn monotone_chain_skips_collinear_and_duplicate_points() {
    // The unit square, its centre, a point in the middle of the bottom edge, and duplicates of
    // two corners (the lower index of each is kept).
    let pts = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.5, 0.5], [0.5, 0.0], [1.0, 1.0], [0.0, 0.0]];
    assert_eq!(convex_hull(&pts), vec![0, 1, 2, 3]);
    // Counter-clockwise from the lowest index, whichever corner it is.
    let pts = [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    assert_eq!(convex_hull(&pts), vec![0, 3, 1, 2]);
    // Degenerate sets: all collinear (the two ends), all identical (one point).
    assert_eq!(convex_hull(&[[0.0, 0.0], [2.0, 2.0], [1.0, 1.0]]), vec![0, 1]);
    assert_eq!(convex_hull(&[[0.3, 0.3], [0.3, 0.3]]), vec![0]);
}

#[test]
fn hull_of_random_points_contains_them_all_counter_clockwise() {
    for seed in 0..20 {
        let pts = as_pairs(&uniform_points(5 + seed as usize, seed));
        let hull = convex_hull(&pts);
        assert!(is_simple_polygon(&pts, &hull), "seed {seed}");
        assert_eq!(hull[0], *hull.iter().min().unwrap());
        for k in 0..hull.len() {
            let (a, b) = (pts[hull[k]], pts[hull[(k + 1) % hull.len()]]);
            for p in &pts {
                assert!(cross(a, b, *p) >= -1e-9, "seed {seed}: a point right of an edge");
            }
        }
    }
}

fn brute_force(points: &[[f32; 2]]) -> f64 {
    fn permute(rest: &mut Vec<usize>, k: usize, points: &[[f32; 2]], best: &mut f64) {
        if k == rest.len() {
            let mut order = vec![0];
            order.extend_from_slice(rest);
            *best = best.min(tour_length(points, &order));
            return;
        }
        for i in k..rest.len() {
            rest.swap(k, i);
            permute(rest, k + 1, points, best);
            rest.swap(k, i);
        }
    }
    let mut rest: Vec<usize> = (1..points.len()).collect();
    let mut best = f64::INFINITY;
    permute(&mut rest, 0, points, &mut best);
    best
}

#[test]
fn held_karp_matches_brute_force_up_to_seven_cities() {
    for n in 2..=7 {
        for seed in 0..6 {
            let pts = as_pairs(&uniform_points(n, 100 * n as u64 + seed));
            let tour = held_karp(&pts);
            assert!(tour.proven_optimal && is_permutation(&tour.order, n));
            assert!((tour.length - brute_force(&pts)).abs() < 1e-9, "n {n} seed {seed}");
            assert!((tour.length - tour_length(&pts, &tour.order)).abs() < 1e-12);
            assert_eq!(tour.order[0], 0);
            if n > 2 {
                assert!(tour.order[1] < tour.order[n - 1], "direction fixed: {:?}", tour.order);
            }
        }
    }
}

#[test]
fn two_opt_is_never_shorter_than_the_optimum_and_marks_itself() {
    for seed in 0..5 {
        let pts = as_pairs(&uniform_points(9, seed));
        let (exact, heuristic) = (held_karp(&pts), two_opt_best(&pts, 5, seed));
        assert!(heuristic.length >= exact.length - 1e-9);
        assert!(heuristic.length <= exact.length * 1.2, "2-opt is close on 9 cities");
    }
    let pts = as_pairs(&uniform_points(14, 1));
    let tour = tsp_target(&pts, 1);
    assert!(!tour.proven_optimal && is_permutation(&tour.order, 14));
}

#[test]
fn metrics_on_hand_cases() {
    assert_eq!(sequence_accuracy(&[vec![0, 1], vec![1, 0]], &[vec![0, 1], vec![0, 1]]), 0.5);
    let square = vec![0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.5];
    let inputs = vec![square.clone(), square.clone(), square.clone()];
    // Exact (another start), a triangle (half the area), a repeat (failure).
    let outputs = vec![vec![2, 3, 0, 1], vec![0, 1, 2], vec![0, 1, 1, 2]];
    assert!(same_cycle(&outputs[0], &[0, 1, 2, 3]));
    let s = hull_scores(&inputs, &outputs);
    assert!((s.accuracy - 1.0 / 3.0).abs() < 1e-12);
    assert!((s.failures - 1.0 / 3.0).abs() < 1e-12);
    assert!((s.area_coverage - 1.5 / 2.0).abs() < 1e-9, "{s:?}");
    assert!((polygon_area(&as_pairs(&square), &[0, 1, 2, 3]) - 1.0).abs() < 1e-12);
    // A crossing "bow tie" is a failure.
    assert!(!is_simple_polygon(&as_pairs(&square), &[0, 2, 1, 3]));
    let t = tsp_scores(&inputs[..1], &[vec![0, 2, 1, 3, 4]], &[vec![0, 1, 4, 2, 3]]);
    assert!(t.gap > 0.0 && t.failures == 0.0);
    let t = tsp_scores(&inputs[..1], &[vec![0, 1, 4, 2, 3]], &[vec![0, 1, 4, 2, 3]]);
    assert_eq!(t.gap, 0.0);
}
