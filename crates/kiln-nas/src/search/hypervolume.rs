//! The hypervolume indicator (exact), direction-aware.
//!
//! In minimisation form (maximised objectives negated, reference included), the hypervolume of a
//! set `S` with respect to the reference point `r` is the Lebesgue measure of the region it
//! dominates and that dominates `r`:
//!
//! `HV(S) = λ( ⋃_{s ∈ S, s < r} [s_1, r_1] × … × [s_M, r_M] )`.
//!
//! **Reference convention.** The reference point is given in the objectives' own units: for a
//! *minimised* objective it is an upper bound (e.g. the largest latency of interest), for a
//! *maximised* objective a lower bound (e.g. accuracy 0). A point adds volume only if it is
//! strictly better than the reference in every objective; other points are ignored.
//!
//! **Algorithms.** One objective: `r − min s`. Two objectives: sort by `f_1` and sweep, keeping
//! the running minimum of `f_2`, `HV = Σ_i (x_{i+1} − x_i)(r_2 − min_{j≤i} y_j)` with
//! `x_{n+1} = r_1`. Three or more: exact slicing along the last objective (HSO, While et al.
//! 2006): between consecutive values `z_i < z_{i+1}` the slab has the `(M−1)`-dimensional
//! hypervolume of the points with `f_M ≤ z_i`, times `z_{i+1} − z_i`. Cost `O(n² log n)` for 3-D.

use super::pareto::dominates;
use super::{Direction, SearchError};

/// Exact hypervolume of `points` (one value per objective each) with respect to `reference`,
/// under `directions` (see the module documentation for the reference convention).
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64], directions: &[Direction]) -> Result<f64, SearchError> {
    let r = check_reference(reference, directions)?;
    let mut min_form = Vec::with_capacity(points.len());
    for p in points {
        if p.len() != directions.len() {
            return Err(SearchError::ObjectiveCount { expected: directions.len(), got: p.len() });
        }
        if p.iter().any(|v| !v.is_finite()) {
            return Err(SearchError::NonFinite);
        }
        let q: Vec<f64> = p.iter().zip(directions).map(|(&v, d)| d.to_min(v)).collect();
        if q.iter().zip(&r).all(|(a, b)| a < b) {
            min_form.push(q);
        }
    }
    Ok(hv_min(prune(min_form), &r))
}

fn check_reference(reference: &[f64], directions: &[Direction]) -> Result<Vec<f64>, SearchError> {
    if directions.is_empty() {
        return Err(SearchError::NoObjectives);
    }
    if reference.len() != directions.len() {
        return Err(SearchError::ObjectiveCount { expected: directions.len(), got: reference.len() });
    }
    if reference.iter().any(|v| !v.is_finite()) {
        return Err(SearchError::NonFinite);
    }
    Ok(reference.iter().zip(directions).map(|(&v, d)| d.to_min(v)).collect())
}

/// Keeps the non-dominated points (minimisation form), one copy of each.
fn prune(mut points: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    points.sort_by(|a, b| {
        a.iter().zip(b).map(|(x, y)| x.total_cmp(y)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
    });
    points.dedup();
    let dirs = vec![Direction::Minimize; points.first().map_or(0, Vec::len)];
    let keep: Vec<bool> = points.iter().map(|p| !points.iter().any(|q| dominates(q, p, &dirs))).collect();
    points.into_iter().zip(keep).filter_map(|(p, k)| k.then_some(p)).collect()
}

/// Hypervolume of points in minimisation form, all strictly below `r`.
fn hv_min(mut points: Vec<Vec<f64>>, r: &[f64]) -> f64 {
    let d = r.len();
    if points.is_empty() {
        return 0.0;
    }
    match d {
        1 => r[0] - points.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min),
        2 => {
            points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
            let mut area = 0.0;
            let mut min_y = f64::INFINITY;
            for (i, p) in points.iter().enumerate() {
                min_y = min_y.min(p[1]);
                let next_x = points.get(i + 1).map_or(r[0], |q| q[0]);
                area += (next_x - p[0]) * (r[1] - min_y);
            }
            area
        }
        _ => {
            points.sort_by(|a, b| a[d - 1].total_cmp(&b[d - 1]));
            let mut volume = 0.0;
            for i in 0..points.len() {
                let z = points[i][d - 1];
                let next_z = points.get(i + 1).map_or(r[d - 1], |q| q[d - 1]);
                if next_z > z {
                    let slice: Vec<Vec<f64>> = points[..=i].iter().map(|p| p[..d - 1].to_vec()).collect();
                    volume += hv_min(prune(slice), &r[..d - 1]) * (next_z - z);
                }
            }
            volume
        }
    }
}

/// Incremental hypervolume of a growing set of evaluations, for search traces.
///
/// Keeps the non-dominated archive in minimisation form and recomputes the exact hypervolume
/// only when a new point enters it.
#[derive(Debug, Clone)]
pub struct HypervolumeTracker {
    reference: Vec<f64>,
    directions: Vec<Direction>,
    archive: Vec<Vec<f64>>,
    value: f64,
}

impl HypervolumeTracker {
    /// A tracker for `directions` with the given reference point (objectives' own units).
    pub fn new(reference: &[f64], directions: &[Direction]) -> Result<Self, SearchError> {
        let reference = check_reference(reference, directions)?;
        Ok(Self { reference, directions: directions.to_vec(), archive: Vec::new(), value: 0.0 })
    }

    /// Adds one evaluation and returns the hypervolume of everything added so far.
    pub fn push(&mut self, values: &[f64]) -> Result<f64, SearchError> {
        if values.len() != self.directions.len() {
            return Err(SearchError::ObjectiveCount { expected: self.directions.len(), got: values.len() });
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(SearchError::NonFinite);
        }
        let q: Vec<f64> = values.iter().zip(&self.directions).map(|(&v, d)| d.to_min(v)).collect();
        let min_dirs = vec![Direction::Minimize; q.len()];
        let inside = q.iter().zip(&self.reference).all(|(a, b)| a < b);
        let covered = self.archive.iter().any(|a| *a == q || dominates(a, &q, &min_dirs));
        if inside && !covered {
            self.archive.retain(|a| !dominates(&q, a, &min_dirs));
            self.archive.push(q);
            self.value = hv_min(self.archive.clone(), &self.reference);
        }
        Ok(self.value)
    }

    /// The current hypervolume.
    pub fn value(&self) -> f64 {
        self.value
    }
}
