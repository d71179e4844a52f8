//! The Pareto plot: the front series holds exactly the non-dominated points, sorted, and is
//! drawn where the axes put it.

use kiln_core::render::Rgb;
use kiln_nas::search::plot::PALETTE;
use kiln_nas::search::{Objective, Problem, SearchError, SearchSpace, SearchTrace, pareto_plot};

fn trace() -> SearchTrace {
    let problem = Problem::new(
        SearchSpace::new(vec![4]).unwrap(),
        vec![Objective::maximize("accuracy"), Objective::minimize("macs")],
        vec![0.0, 10.0],
    )
    .unwrap();
    // (accuracy, MACs): (0.9, 8) and (0.5, 2) are non-dominated, (0.4, 5) is dominated by (0.5, 2).
    let evals = vec![(vec![0], vec![0.4, 5.0]), (vec![1], vec![0.9, 8.0]), (vec![2], vec![0.5, 2.0])];
    SearchTrace::from_evaluations(&problem, evals).unwrap()
}

#[test]
fn front_series_is_sorted_non_dominated_set() {
    let t = trace();
    let plot = pareto_plot("fronts", &[("LINAS", &t)], 1, 0).unwrap();
    let image = plot.render().unwrap();
    // The front joins (2, 0.5) to (8, 0.9) in the front colour; the dominated point is a faded
    // cross, not the front colour.
    let (ax, ay) = plot.to_pixel(2.0, 0.5).unwrap();
    let (bx, by) = plot.to_pixel(8.0, 0.9).unwrap();
    let (dx, dy) = plot.to_pixel(5.0, 0.4).unwrap();
    assert_eq!(*image.get_pixel(ax as u32, ay as u32), PALETTE[0]);
    assert_eq!(*image.get_pixel(bx as u32, by as u32), PALETTE[0]);
    assert_ne!(*image.get_pixel(dx as u32, dy as u32), PALETTE[0]);
    assert_ne!(*image.get_pixel(dx as u32, dy as u32), Rgb([255, 255, 255]), "dominated point drawn");
}

#[test]
fn bad_objective_indices_are_errors() {
    let t = trace();
    assert!(matches!(pareto_plot("x", &[("a", &t)], 0, 2), Err(SearchError::ObjectiveCount { expected: 3, got: 2 })));
    assert!(matches!(pareto_plot("x", &[], 0, 1), Err(SearchError::InvalidConfig(_))));
}
