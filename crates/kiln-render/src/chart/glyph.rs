//! The shapes charts draw at points and in the legend: markers as polygons, legend samples.

use plotters::backend::DrawingBackend;
use plotters::chart::SeriesAnno;
use plotters::element::{EmptyElement, Polygon};
use plotters::style::{Color, RGBColor};

use crate::Marker;

/// Marker radius in pixels.
const MARKER: i32 = 4;

/// The outline of `marker` around the origin, in pixels: every marker is a filled polygon, so
/// markers of all shapes are one element type.
pub(crate) fn marker_vertices(marker: Marker) -> Vec<(i32, i32)> {
    let (r, w) = (MARKER, 1);
    match marker {
        Marker::Circle => (0..16)
            .map(|k| {
                let angle = f64::from(k) * std::f64::consts::TAU / 16.0;
                let r = f64::from(r) + 0.5;
                ((r * angle.cos()).round() as i32, (r * angle.sin()).round() as i32)
            })
            .collect(),
        Marker::Square => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        Marker::Triangle => vec![(0, -r - 1), (r + 1, r), (-r - 1, r)],
        Marker::Cross => vec![
            (0, -w),
            (r - w, -r),
            (r, -r + w),
            (w, 0),
            (r, r - w),
            (r - w, r),
            (0, w),
            (-r + w, r),
            (-r, r - w),
            (-w, 0),
            (-r, -r + w),
            (-r + w, -r),
        ],
    }
}

/// The pixel rectangle from `(x0, y0)` to `(x1, y1)` as polygon vertices.
fn box_vertices((x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> Vec<(i32, i32)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// What the legend shows for a series.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sample {
    /// A short line, with a marker on it if any.
    Line(Option<Marker>),
    /// A marker alone.
    Marker(Marker),
    /// A filled box, for bars.
    Box,
}

/// Labels the series drawn as `anno` and gives it its legend sample (nothing for an empty
/// label, which keeps the series out of the legend).
pub(crate) fn legend_sample<'a, DB: DrawingBackend + 'a>(
    anno: &mut SeriesAnno<'a, DB>,
    label: &str,
    sample: Sample,
    color: RGBColor,
) {
    if label.is_empty() {
        return;
    }
    let line = box_vertices((0, -1), (16, 1));
    let shift = |v: Vec<(i32, i32)>| v.into_iter().map(|(x, y)| (x + 8, y)).collect::<Vec<_>>();
    // Two shapes each, drawn over each other: a line and a marker, or one shape twice.
    let (first, second, fill) = match sample {
        Sample::Line(Some(m)) => (line, shift(marker_vertices(m)), color.filled()),
        Sample::Line(None) => (line.clone(), line, color.filled()),
        Sample::Marker(m) => (shift(marker_vertices(m)), shift(marker_vertices(m)), color.filled()),
        Sample::Box => (box_vertices((0, -5), (16, 5)), box_vertices((0, -5), (16, 5)), color.mix(0.6).filled()),
    };
    anno.label(label).legend(move |at| {
        EmptyElement::at(at) + Polygon::new(first.clone(), fill) + Polygon::new(second.clone(), fill)
    });
}
