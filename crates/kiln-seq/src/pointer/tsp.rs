//! The planar symmetric TSP target: exact tours by Held–Karp for up to [`EXACT_MAX`] cities,
//! the best of several seeded 2-opt runs beyond (not proven optimal).
//!
//! Held–Karp (Held & Karp 1962; Bellman 1962): with `C(S, j)` the shortest path from city 0
//! through the set `S` ending at `j ∈ S`, `C({j}, j) = d(0, j)` and
//! `C(S, j) = min_{k ∈ S∖{j}} C(S∖{j}, k) + d(k, j)`; the tour length is
//! `min_j C({1..n−1}, j) + d(j, 0)`, in `O(2ⁿ n²)`. Tours are written starting at city 0 with
//! the second city's index below the last's, which fixes the direction (the Pointer Networks
//! targets).

use kiln_core::seed::{derive_seed, permutation};

/// The largest `n` solved exactly by [`tsp_target`].
pub const EXACT_MAX: usize = 10;

/// A tour and its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Tour {
    /// The cities in visiting order, from city 0, second index below the last.
    pub order: Vec<usize>,
    /// The closed tour's Euclidean length.
    pub length: f64,
    /// `true` for Held–Karp's exact tours, `false` for 2-opt's ("not proven optimal").
    pub proven_optimal: bool,
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f64 {
    (f64::from(a[0]) - f64::from(b[0])).hypot(f64::from(a[1]) - f64::from(b[1]))
}

/// Length of the closed tour `order` (`Σ d(order[k], order[k+1])` including the return).
pub fn tour_length(points: &[[f32; 2]], order: &[usize]) -> f64 {
    let n = order.len();
    (0..n).map(|k| dist(points[order[k]], points[order[(k + 1) % n]])).sum()
}

/// Whether `order` visits each of the `n` cities exactly once.
pub fn is_permutation(order: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    order.len() == n && order.iter().all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
}

/// `order` rotated to start at city 0 and reversed, if needed, so that `order[1] < order[n−1]`.
pub fn canonical(order: &[usize]) -> Vec<usize> {
    let mut out = order.to_vec();
    if let Some(k) = out.iter().position(|&i| i == 0) {
        out.rotate_left(k);
    }
    if out.len() > 2 && out[1] > out[out.len() - 1] {
        out[1..].reverse();
    }
    out
}

/// The exact shortest tour by Held–Karp (any `n`; memory and time grow as `2ⁿ`).
pub fn held_karp(points: &[[f32; 2]]) -> Tour {
    let n = points.len();
    if n <= 3 {
        let order: Vec<usize> = (0..n).collect();
        let length = tour_length(points, &order);
        return Tour { order, length, proven_optimal: true };
    }
    let m = n - 1; // cities 1..n, bit k for city k + 1
    let full = 1usize << m;
    let mut cost = vec![f64::INFINITY; full * m];
    let mut parent = vec![usize::MAX; full * m];
    for j in 0..m {
        cost[(1 << j) * m + j] = dist(points[0], points[j + 1]);
    }
    for set in 1..full {
        for j in 0..m {
            let here = cost[set * m + j];
            if set & (1 << j) == 0 || !here.is_finite() {
                continue;
            }
            for k in 0..m {
                if set & (1 << k) != 0 {
                    continue;
                }
                let next = set | (1 << k);
                let c = here + dist(points[j + 1], points[k + 1]);
                if c < cost[next * m + k] {
                    cost[next * m + k] = c;
                    parent[next * m + k] = j;
                }
            }
        }
    }
    let all = full - 1;
    let (mut last, mut best) = (0, f64::INFINITY);
    for j in 0..m {
        let c = cost[all * m + j] + dist(points[j + 1], points[0]);
        if c < best {
            (last, best) = (j, c);
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut set = all;
    let mut j = last;
    while j != usize::MAX {
        order.push(j + 1);
        let p = parent[set * m + j];
        set &= !(1 << j);
        j = p;
    }
    order.push(0);
    order.reverse();
    let order = canonical(&order);
    Tour { length: tour_length(points, &order), order, proven_optimal: true }
}

/// 2-opt local search from `start`: reverse `order[i+1..=j]` while that shortens the tour.
pub fn two_opt(points: &[[f32; 2]], start: Vec<usize>) -> Vec<usize> {
    let n = start.len();
    let mut order = start;
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..n.saturating_sub(1) {
            for j in i + 2..n {
                let (a, b) = (points[order[i]], points[order[i + 1]]);
                let (c, d) = (points[order[j]], points[order[(j + 1) % n]]);
                if i == 0 && j == n - 1 {
                    continue;
                }
                if dist(a, c) + dist(b, d) < dist(a, b) + dist(c, d) - 1e-12 {
                    order[i + 1..=j].reverse();
                    improved = true;
                }
            }
        }
    }
    order
}

/// The best of `restarts` 2-opt runs from seeded random tours (not proven optimal).
pub fn two_opt_best(points: &[[f32; 2]], restarts: usize, seed: u64) -> Tour {
    let n = points.len();
    let mut best: Option<Tour> = None;
    for r in 0..restarts.max(1) {
        let order = canonical(&two_opt(points, permutation(n, derive_seed(seed, r as u64))));
        let length = tour_length(points, &order);
        if best.as_ref().is_none_or(|b| length < b.length) {
            best = Some(Tour { order, length, proven_optimal: false });
        }
    }
    best.unwrap_or(Tour { order: Vec::new(), length: 0.0, proven_optimal: false })
}

/// The TSP target: Held–Karp for `n ≤ EXACT_MAX`, else the best of 10 seeded 2-opt runs.
pub fn tsp_target(points: &[[f32; 2]], seed: u64) -> Tour {
    if points.len() <= EXACT_MAX { held_karp(points) } else { two_opt_best(points, 10, seed) }
}
