//! The Pareto plot of one or several searches: every evaluated subnet as a small cross, each
//! search's non-dominated front as a connected line, on two chosen objectives.

use kiln_core::render::{Marker, Rgb, ScatterPlot, Series};

use super::{SearchError, SearchTrace};

/// Series colours, one per trace (cycled).
pub const PALETTE: [Rgb<u8>; 5] =
    [Rgb([31, 119, 180]), Rgb([214, 39, 40]), Rgb([44, 160, 44]), Rgb([148, 103, 189]), Rgb([255, 127, 14])];

/// A lighter shade of `c` for the dominated points.
fn faded(c: Rgb<u8>) -> Rgb<u8> {
    Rgb(c.0.map(|v| v + (255 - v) / 2))
}

/// Plots objective `x` against objective `y` for each `(name, trace)`: all evaluations (faded
/// crosses, not in the legend) and the non-dominated front (connected circles, sorted by `x`).
/// Axis labels are the objectives' names with their direction.
///
/// # Errors
///
/// [`SearchError::ObjectiveCount`] when a trace has no objective `x` or `y`, or when the
/// traces disagree on their objectives; errors of [`SearchTrace::front`].
pub fn pareto_plot(
    title: &str,
    traces: &[(&str, &SearchTrace)],
    x: usize,
    y: usize,
) -> Result<ScatterPlot, SearchError> {
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
    let mut plot = ScatterPlot::new(title).x_label(label(x)).y_label(label(y));
    for (k, (name, trace)) in traces.iter().enumerate() {
        if trace.objectives != *objectives {
            return Err(SearchError::ObjectiveCount { expected: objectives.len(), got: trace.objectives.len() });
        }
        let color = PALETTE[k % PALETTE.len()];
        let all: Vec<(f64, f64)> = trace.evaluations.iter().map(|(_, v)| (v[x], v[y])).collect();
        let mut front: Vec<(f64, f64)> = trace.front()?.into_iter().map(|i| all[i]).collect();
        plot = plot.series(Series::new("", all, faded(color)).with_marker(Marker::Cross));
        front.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        front.dedup();
        plot = plot.series(Series::new(format!("{name} front"), front, color).connected());
    }
    Ok(plot)
}
