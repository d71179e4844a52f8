//! Drawing a [`Chart`] with plotters on any of its backends (bitmap or SVG).

use plotters::backend::DrawingBackend;
use plotters::chart::{ChartBuilder, ChartContext, SeriesAnno};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::element::{EmptyElement, PathElement, Polygon, Rectangle};
use plotters::style::{Color, RGBColor, ShapeStyle};

use super::clip::{clip_polyline, inside};
use super::font::FAMILY;
use super::glyph::{Sample, legend_sample, marker_vertices};
use super::{AxisRange, Chart, ErrorBar, Histogram, PlotFrame, Series, SeriesKind, format_tick};
use crate::{Marker, PALETTE, Rect, RenderError};

/// The chart drawn on, in data coordinates.
type Ctx<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Line width in pixels.
pub(crate) const LINE: u32 = 2;
/// Width of an error bar's caps in pixels.
const CAP: u32 = 8;

/// A plotters error as ours.
fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> RenderError {
    RenderError::Draw(e.to_string())
}

/// plotters' colour of an image pixel.
fn rgb(c: image::Rgb<u8>) -> RGBColor {
    RGBColor(c.0[0], c.0[1], c.0[2])
}

/// Draws `marker` at each of `points` (data coordinates); returns the series' legend entry.
fn draw_markers<'a, 'c, DB: DrawingBackend + 'a>(
    ctx: &'c mut Ctx<'a, DB>,
    points: Vec<(f64, f64)>,
    marker: Marker,
    color: RGBColor,
) -> Result<&'c mut SeriesAnno<'a, DB>, RenderError> {
    let vertices = marker_vertices(marker);
    let style = color.filled();
    ctx.draw_series(points.into_iter().map(|p| EmptyElement::at(p) + Polygon::new(vertices.clone(), style)))
        .map_err(draw_err)
}

/// Draws a polyline cut to the ranges, and markers at its points inside them. A series with
/// nothing visible is still listed in the legend.
fn draw_line<'a, DB: DrawingBackend + 'a>(
    ctx: &mut Ctx<'a, DB>,
    points: &[(f64, f64)],
    marker: Option<Marker>,
    color: RGBColor,
    label: &str,
    (x, y): (AxisRange, AxisRange),
) -> Result<(), RenderError> {
    let style: ShapeStyle = color.stroke_width(LINE);
    let runs = clip_polyline(points, x, y);
    let anno = ctx.draw_series(runs.into_iter().map(|run| PathElement::new(run, style))).map_err(draw_err)?;
    legend_sample(anno, label, Sample::Line(marker), color);
    if let Some(m) = marker {
        draw_markers(ctx, inside(points, x, y), m, color)?;
    }
    Ok(())
}

/// Draws markers at the points inside the ranges.
fn draw_scatter<'a, DB: DrawingBackend + 'a>(
    ctx: &mut Ctx<'a, DB>,
    points: &[(f64, f64)],
    marker: Marker,
    color: RGBColor,
    label: &str,
    (x, y): (AxisRange, AxisRange),
) -> Result<(), RenderError> {
    let anno = draw_markers(ctx, inside(points, x, y), marker, color)?;
    legend_sample(anno, label, Sample::Marker(marker), color);
    Ok(())
}

/// Draws `mean ± std` bars whose mean is inside the ranges, whiskers cut to the y range, and
/// the line through the means when `joined`.
fn draw_error_bars<'a, DB: DrawingBackend + 'a>(
    ctx: &mut Ctx<'a, DB>,
    bars: &[ErrorBar],
    joined: bool,
    color: RGBColor,
    label: &str,
    (x, y): (AxisRange, AxisRange),
) -> Result<(), RenderError> {
    let means: Vec<(f64, f64)> = bars.iter().filter(|b| b.is_finite()).map(|b| (b.x, b.mean)).collect();
    if joined {
        draw_line(ctx, &means, None, color, "", (x, y))?;
    }
    let visible = bars.iter().filter(|b| b.is_finite() && x.contains(b.x) && y.contains(b.mean));
    let elements = visible.map(|b| {
        let (lo, hi) = b.span();
        plotters::element::ErrorBar::new_vertical(
            b.x,
            y.clamp(lo),
            b.mean,
            y.clamp(hi),
            color.filled().stroke_width(LINE),
            CAP,
        )
    });
    let anno = ctx.draw_series(elements).map_err(draw_err)?;
    legend_sample(
        anno,
        label,
        if joined { Sample::Line(Some(Marker::Circle)) } else { Sample::Marker(Marker::Circle) },
        color,
    );
    Ok(())
}

/// Draws a histogram's bins as bars from 0, cut to the ranges.
fn draw_histogram<'a, DB: DrawingBackend + 'a>(
    ctx: &mut Ctx<'a, DB>,
    histogram: &Histogram,
    color: RGBColor,
    label: &str,
    (x, y): (AxisRange, AxisRange),
) -> Result<(), RenderError> {
    let boxes: Vec<[(f64, f64); 2]> = histogram
        .bins()
        .filter(|&(lo, hi, count)| count > 0 && hi > x.min && lo < x.max && y.max > 0.0 && y.min < count as f64)
        .map(|(lo, hi, count)| [(x.clamp(lo), y.clamp(0.0)), (x.clamp(hi), y.clamp(count as f64))])
        .collect();
    let fill = color.mix(0.6).filled();
    let anno = ctx.draw_series(boxes.iter().map(|&corners| Rectangle::new(corners, fill))).map_err(draw_err)?;
    legend_sample(anno, label, Sample::Box, color);
    ctx.draw_series(boxes.iter().map(|&corners| Rectangle::new(corners, color.stroke_width(1)))).map_err(draw_err)?;
    Ok(())
}

/// Draws one series in `color`.
fn draw_series<'a, DB: DrawingBackend + 'a>(
    ctx: &mut Ctx<'a, DB>,
    series: &Series,
    color: RGBColor,
    ranges: (AxisRange, AxisRange),
) -> Result<(), RenderError> {
    let label = series.label();
    match series.kind() {
        SeriesKind::Line { points, marker } => draw_line(ctx, points, *marker, color, label, ranges),
        SeriesKind::Scatter { points, marker } => draw_scatter(ctx, points, *marker, color, label, ranges),
        SeriesKind::ErrorBars { bars, joined } => draw_error_bars(ctx, bars, *joined, color, label, ranges),
        SeriesKind::Histogram(h) => draw_histogram(ctx, h, color, label, ranges),
    }
}

/// Draws `chart` over the whole of `root`, showing `x` × `y`.
pub(crate) fn plot<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
    (x, y): (AxisRange, AxisRange),
) -> Result<PlotFrame, RenderError> {
    root.fill(&RGBColor(255, 255, 255)).map_err(draw_err)?;
    let mut builder = ChartBuilder::on(root);
    builder.margin(14).x_label_area_size(48).y_label_area_size(72);
    if !chart.title().is_empty() {
        builder.caption(chart.title(), (FAMILY, 20));
    }
    let mut ctx = builder.build_cartesian_2d(x.min..x.max, y.min..y.max).map_err(draw_err)?;
    let (x_fmt, y_fmt) = (|v: &f64| format_tick(*v, x.min, x.max), |v: &f64| format_tick(*v, y.min, y.max));
    ctx.configure_mesh()
        .x_desc(chart.x_label_text())
        .y_desc(chart.y_label_text())
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .bold_line_style(RGBColor(215, 215, 215).stroke_width(1))
        .max_light_lines(1)
        .light_line_style(RGBColor(242, 242, 242).stroke_width(1))
        .draw()
        .map_err(draw_err)?;
    // Palette colours go to the series without their own, in order.
    let mut next = PALETTE.iter().cycle();
    for series in chart.series_list() {
        let color = series.color().or_else(|| next.next().copied()).unwrap_or(PALETTE[0]);
        draw_series(&mut ctx, series, rgb(color), (x, y))?;
    }
    let labelled = chart.series_list().iter().any(|s| !s.label().is_empty());
    if let (Some(position), true) = (chart.legend_position().position(), labelled) {
        ctx.configure_series_labels()
            .position(position)
            .label_font((FAMILY, 13))
            .background_style(RGBColor(255, 255, 255).mix(0.85))
            .border_style(RGBColor(128, 128, 128))
            .draw()
            .map_err(draw_err)?;
    }
    let (xs, ys) = ctx.plotting_area().get_pixel_range();
    let size = |r: std::ops::Range<i32>| u32::try_from(r.end.saturating_sub(r.start)).unwrap_or(0);
    let area = Rect::new(xs.start, ys.start, size(xs), size(ys));
    root.present().map_err(draw_err)?;
    Ok(PlotFrame::new(area, x, y))
}
