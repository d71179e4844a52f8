//! The paper's metrics (§4): exact-sequence accuracy (sorting, convex hull), the convex hull's
//! area coverage and failures, and the TSP's mean tour length and gap to the optimum.

use super::hull::{convex_hull, is_simple_polygon, polygon_area, same_cycle};
use super::tsp::{is_permutation, tour_length};
use crate::synth::points::as_pairs;

/// Fraction of outputs equal to their targets, element for element (0 for no outputs).
pub fn sequence_accuracy(outputs: &[Vec<usize>], targets: &[Vec<usize>]) -> f64 {
    if outputs.is_empty() {
        return 0.0;
    }
    outputs.iter().zip(targets).filter(|(o, t)| o == t).count() as f64 / outputs.len() as f64
}

/// Convex-hull scores over a test set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HullScores {
    /// Fraction of outputs that are the true hull (the same counter-clockwise cycle, any start).
    pub accuracy: f64,
    /// `Σ area(output) / Σ area(hull)` over the outputs that are valid polygons (the paper's
    /// "area coverage"); 0 when none is.
    pub area_coverage: f64,
    /// Fraction of outputs that are not a simple polygon (a repeat, fewer than 3 vertices, a
    /// self-crossing): the paper's "failures".
    pub failures: f64,
}

/// Scores decoded hulls `outputs` of the point sets `inputs` (flat `[x₀, y₀, ...]`).
pub fn hull_scores(inputs: &[Vec<f32>], outputs: &[Vec<usize>]) -> HullScores {
    let n = inputs.len().max(1) as f64;
    let (mut exact, mut failures, mut area_out, mut area_true) = (0usize, 0usize, 0.0, 0.0);
    for (input, out) in inputs.iter().zip(outputs) {
        let points = as_pairs(input);
        let hull = convex_hull(&points);
        if same_cycle(out, &hull) {
            exact += 1;
        }
        if is_simple_polygon(&points, out) {
            area_out += polygon_area(&points, out);
            area_true += polygon_area(&points, &hull);
        } else {
            failures += 1;
        }
    }
    HullScores {
        accuracy: exact as f64 / n,
        area_coverage: if area_true > 0.0 { area_out / area_true } else { 0.0 },
        failures: failures as f64 / n,
    }
}

/// TSP scores over a test set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TspScores {
    /// Mean length of the valid output tours.
    pub mean_length: f64,
    /// Mean length of the reference tours of the same (validly decoded) inputs.
    pub mean_optimal: f64,
    /// `mean_length / mean_optimal − 1`.
    pub gap: f64,
    /// Fraction of outputs that are not a permutation of the cities.
    pub failures: f64,
}

/// Scores decoded tours `outputs` against reference tours `optimal` of the cities `inputs`.
pub fn tsp_scores(inputs: &[Vec<f32>], outputs: &[Vec<usize>], optimal: &[Vec<usize>]) -> TspScores {
    let (mut sum, mut sum_opt, mut valid, mut failures) = (0.0, 0.0, 0usize, 0usize);
    for ((input, out), opt) in inputs.iter().zip(outputs).zip(optimal) {
        let points = as_pairs(input);
        if is_permutation(out, points.len()) {
            sum += tour_length(&points, out);
            sum_opt += tour_length(&points, opt);
            valid += 1;
        } else {
            failures += 1;
        }
    }
    let v = valid.max(1) as f64;
    let (mean_length, mean_optimal) = (sum / v, sum_opt / v);
    TspScores {
        mean_length,
        mean_optimal,
        gap: if mean_optimal > 0.0 { mean_length / mean_optimal - 1.0 } else { 0.0 },
        failures: failures as f64 / inputs.len().max(1) as f64,
    }
}
