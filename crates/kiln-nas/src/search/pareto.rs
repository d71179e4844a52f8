//! Pareto dominance, fast non-dominated sorting and crowding distance (Deb et al. 2002, NSGA-II).
//!
//! All functions are direction-aware: a maximised objective is compared as its negation, so in
//! minimisation form `a ≺ b` (a dominates b) iff `∀m: a_m ≤ b_m` and `∃m: a_m < b_m`.
//!
//! **Fast non-dominated sort.** For each point `p` count `n_p`, the number of points dominating
//! it, and collect `S_p`, the points it dominates. Front 1 holds the points with `n_p = 0`; the
//! next front is obtained by decrementing `n_q` for every `q ∈ S_p` of the current front and
//! keeping those reaching zero. Cost `O(M N²)`.
//!
//! **Crowding distance.** Within one front, for each objective `m` sort the points by `f_m`; the
//! two boundary points get `∞`, and an interior point `i` adds
//! `(f_m(i+1) − f_m(i−1)) / (f_m^max − f_m^min)`. An objective with zero range over the front
//! adds nothing (and marks no boundary).

use super::{Direction, SearchError};

/// Whether `a` Pareto-dominates `b` under `directions`: no worse in every objective and strictly
/// better in at least one. Returns `false` when the lengths differ.
pub fn dominates(a: &[f64], b: &[f64], directions: &[Direction]) -> bool {
    if a.len() != directions.len() || b.len() != directions.len() {
        return false;
    }
    let mut strictly_better = false;
    for ((&x, &y), &d) in a.iter().zip(b).zip(directions) {
        let (x, y) = (d.to_min(x), d.to_min(y));
        if x > y {
            return false;
        }
        if x < y {
            strictly_better = true;
        }
    }
    strictly_better
}

fn check_lengths(points: &[Vec<f64>], objectives: usize) -> Result<(), SearchError> {
    if objectives == 0 {
        return Err(SearchError::NoObjectives);
    }
    for p in points {
        if p.len() != objectives {
            return Err(SearchError::ObjectiveCount { expected: objectives, got: p.len() });
        }
        if p.iter().any(|v| v.is_nan()) {
            return Err(SearchError::NonFinite);
        }
    }
    Ok(())
}

/// Fast non-dominated sorting: the fronts as lists of indices into `points`, best front first,
/// each front in increasing index order. Every index appears in exactly one front.
pub fn non_dominated_sort(points: &[Vec<f64>], directions: &[Direction]) -> Result<Vec<Vec<usize>>, SearchError> {
    check_lengths(points, directions.len())?;
    let n = points.len();
    let mut dominated_by_count = vec![0usize; n];
    let mut dominates_list: Vec<Vec<usize>> = vec![Vec::new(); n];
    for p in 0..n {
        for q in (p + 1)..n {
            if dominates(&points[p], &points[q], directions) {
                dominates_list[p].push(q);
                dominated_by_count[q] += 1;
            } else if dominates(&points[q], &points[p], directions) {
                dominates_list[q].push(p);
                dominated_by_count[p] += 1;
            }
        }
    }
    let mut fronts = Vec::new();
    let mut current: Vec<usize> = (0..n).filter(|&p| dominated_by_count[p] == 0).collect();
    while !current.is_empty() {
        let mut next = Vec::new();
        for &p in &current {
            for &q in &dominates_list[p] {
                dominated_by_count[q] -= 1;
                if dominated_by_count[q] == 0 {
                    next.push(q);
                }
            }
        }
        next.sort_unstable();
        fronts.push(current);
        current = next;
    }
    Ok(fronts)
}

/// Indices of the non-dominated points of `points` (the first front), in increasing order.
pub fn non_dominated_front(points: &[Vec<f64>], directions: &[Direction]) -> Result<Vec<usize>, SearchError> {
    check_lengths(points, directions.len())?;
    Ok((0..points.len()).filter(|&i| !points.iter().any(|q| dominates(q, &points[i], directions))).collect())
}

/// Crowding distance of each point of one front (`front[i]` are its objective values), in the
/// same order. Boundary points (and every point of a front of at most two) get `f64::INFINITY`;
/// each objective's contribution is normalised by its range over the front.
pub fn crowding_distance(front: &[Vec<f64>]) -> Result<Vec<f64>, SearchError> {
    let n = front.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let m = front[0].len();
    check_lengths(front, m)?;
    if n <= 2 {
        return Ok(vec![f64::INFINITY; n]);
    }
    let mut distance = vec![0.0f64; n];
    let mut order: Vec<usize> = (0..n).collect();
    for obj in 0..m {
        let column: Vec<f64> = front.iter().map(|p| p[obj]).collect();
        order.sort_by(|&a, &b| column[a].total_cmp(&column[b]).then(a.cmp(&b)));
        let range = column[order[n - 1]] - column[order[0]];
        if range <= 0.0 || !range.is_finite() {
            continue;
        }
        distance[order[0]] = f64::INFINITY;
        distance[order[n - 1]] = f64::INFINITY;
        for window in order.windows(3) {
            let (prev, i, next) = (window[0], window[1], window[2]);
            if distance[i].is_finite() {
                distance[i] += (column[next] - column[prev]) / range;
            }
        }
    }
    Ok(distance)
}
