//! The Pareto plot of one or several searches: every evaluated subnet as a small faded cross,
//! each search's non-dominated front as a line, on two chosen objectives, as a
//! [`kiln_render::Chart`] (PNG or SVG).

use kiln_render::{Chart, Legend, Marker, PALETTE, Series, faded};

use super::{SearchError, SearchTrace};

/// Plots objective `x` against objective `y` for each `(name, trace)`: all evaluations (faded
/// crosses, not in the legend) and the non-dominated front (circles joined by a line, sorted by
/// `x`, labelled `"{name} front"`), trace `k` in colour `PALETTE[k % PALETTE.len()]`. Axis
/// labels are the objectives' names with their direction; the legend sits in the lower right,
/// which an accuracy-vs-cost front leaves empty.
///
/// # Errors
///
/// [`SearchError::ObjectiveCount`] when a trace has no objective `x` or `y`, or when the
/// traces disagree on their objectives; errors of [`SearchTrace::front`].
pub fn pareto_plot(title: &str, traces: &[(&str, &SearchTrace)], x: usize, y: usize) -> Result<Chart, SearchError> {
    let Some((_, first)) = traces.first() else {
        return Err(SearchError::InvalidConfig("a Pareto plot needs at least one trace".into()));
    };
    let objectives = &first.objectives;
    let needed = x.max(y) + 1;
    if objectives.len() < needed {
        return Err(SearchError::ObjectiveCount { expected: needed, got: objectives.len() });
    }
    let label = |i: usize| {
        let o = &objectives[i];
        let arrow = if o.direction.to_min(1.0) > 0.0 { "(lower is better)" } else { "(higher is better)" };
        format!("{} {arrow}", o.name)
    };
    let mut chart = Chart::new(title).x_label(label(x)).y_label(label(y)).legend(Legend::LowerRight);
    for (k, (name, trace)) in traces.iter().enumerate() {
        if trace.objectives != *objectives {
            return Err(SearchError::ObjectiveCount { expected: objectives.len(), got: trace.objectives.len() });
        }
        let color = PALETTE[k % PALETTE.len()];
        let all: Vec<(f64, f64)> = trace.evaluations.iter().map(|(_, v)| (v[x], v[y])).collect();
        let front: Vec<(f64, f64)> = trace.front()?.into_iter().filter_map(|i| all.get(i).copied()).collect();
        chart = chart
            .series(Series::scatter("", all).with_marker(Marker::Cross).with_color(faded(color)))
            .series(Series::pareto_front(format!("{name} front"), front).with_color(color));
    }
    Ok(chart)
}
