//! The Pareto plot: the front series holds exactly the non-dominated points, sorted, and is
//! drawn where the axes put it.

use kiln_nas::search::{Objective, Problem, SearchError, SearchSpace, SearchTrace, pareto_plot};
use kiln_render::chart::SeriesKind;
use kiln_render::{PALETTE, WHITE};

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
    let chart = pareto_plot("fronts", &[("LINAS", &t)], 1, 0).unwrap();
    assert_eq!(chart.x_label_text(), "macs (lower is better)");
    assert_eq!(chart.y_label_text(), "accuracy (higher is better)");
    let front = &chart.series_list()[1];
    assert_eq!(front.label(), "LINAS front");
    let SeriesKind::Line { points, .. } = front.kind() else { panic!("the front is a line: {front:?}") };
    assert_eq!(points, &[(2.0, 0.5), (8.0, 0.9)], "the non-dominated points, sorted by cost");
    assert_eq!(chart.series_list()[0].label(), "", "all evaluations stay out of the legend");

    let (image, frame) = chart.render_with_frame().unwrap();
    // The front's markers are in the front colour; the dominated point is a faded cross, drawn
    // but not in the front colour.
    for (x, y) in [(2.0, 0.5), (8.0, 0.9)] {
        let p = frame.to_pixel(x, y);
        assert_eq!(*image.get_pixel(p.x as u32, p.y as u32), PALETTE[0], "front point ({x}, {y})");
    }
    let d = frame.to_pixel(5.0, 0.4);
    assert_ne!(*image.get_pixel(d.x as u32, d.y as u32), PALETTE[0]);
    assert_ne!(*image.get_pixel(d.x as u32, d.y as u32), WHITE, "dominated point drawn");
}

#[test]
fn bad_objective_indices_are_errors() {
    let t = trace();
    assert!(matches!(pareto_plot("x", &[("a", &t)], 0, 2), Err(SearchError::ObjectiveCount { expected: 3, got: 2 })));
    assert!(matches!(pareto_plot("x", &[], 0, 1), Err(SearchError::InvalidConfig(_))));
}
