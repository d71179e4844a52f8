//! Charts on plotters: size, where series land, SVG text, clipping to fixed ranges, errors.

use kiln_render::chart::format_tick;
use kiln_render::{
    Chart, ErrorBar, Histogram, Legend, Marker, PALETTE, RED, RenderError, Rgb, RgbImage, Series, WHITE,
};

use crate::{changed, scratch};

/// Whether `color` occurs within `radius` pixels of `(x, y)`.
fn near(img: &RgbImage, (x, y): (i32, i32), radius: i32, color: Rgb<u8>) -> bool {
    (-radius..=radius).flat_map(|dy| (-radius..=radius).map(move |dx| (x + dx, y + dy))).any(|(px, py)| {
        u32::try_from(px).ok().zip(u32::try_from(py).ok()).and_then(|(px, py)| img.get_pixel_checked(px, py))
            == Some(&color)
    })
}

fn two_series() -> Chart {
    Chart::new("accuracy over epochs")
        .x_label("epoch")
        .y_label("accuracy")
        .size(640, 400)
        .series(Series::values("train", 1.0, &[0.5, 0.7, 0.8, 0.85, 0.9]))
        .series(Series::scatter("valid", [(1.0, 0.45), (3.0, 0.7), (5.0, 0.8)]).with_marker(Marker::Square))
}

#[test]
fn png_has_the_size_and_series_inside_the_plot_area() {
    let chart = two_series();
    let (img, frame) = chart.render_with_frame().unwrap();
    assert_eq!(img.dimensions(), (640, 400));
    let area = frame.area();
    assert!(area.width > 400 && area.height > 250 && area.x > 0 && area.y > 0, "{area:?}");
    assert!(area.right() < 640 && area.bottom() < 400);
    // Fitted ranges pad the data by 5%.
    let (x, y) = chart.ranges().unwrap();
    assert!((x.min - 0.8).abs() < 1e-12 && (x.max - 5.2).abs() < 1e-12, "{x:?}");
    assert!((y.min - 0.4275).abs() < 1e-12 && (y.max - 0.9225).abs() < 1e-12, "{y:?}");
    assert_eq!(frame.x_range(), x);
    // The corners of the data ranges are the corners of the plot area.
    let corner = frame.to_pixel(x.min, y.max);
    assert_eq!((corner.x, corner.y), (area.x, area.y));
    let corner = frame.to_pixel(x.max, y.min);
    assert_eq!((i64::from(corner.x), i64::from(corner.y)), (area.right() - 1, area.bottom() - 1));

    // Inside the plot area: the first series' line and the second's square markers, each in
    // its palette colour at the pixel the frame gives.
    let inner = image::imageops::crop_imm(&img, area.x as u32, area.y as u32, area.width, area.height).to_image();
    assert!(changed(&inner, WHITE) > 500, "the plot area is drawn on");
    let mid = frame.to_pixel(2.5, 0.75);
    assert!(near(&img, (mid.x, mid.y), 1, PALETTE[0]), "the line passes between its points");
    for (vx, vy) in [(1.0, 0.45), (3.0, 0.7), (5.0, 0.8)] {
        let p = frame.to_pixel(vx, vy);
        assert_eq!(*img.get_pixel(p.x as u32, p.y as u32), PALETTE[1], "marker at ({vx}, {vy})");
        assert_eq!(*img.get_pixel(p.x as u32 + 3, p.y as u32 + 3), PALETTE[1], "a square of radius 4");
    }

    let path = scratch("chart").join("nested").join("chart.png");
    chart.save_png(&path).unwrap();
    assert_eq!(image::open(&path).unwrap().to_rgb8(), img, "the PNG holds the rendered image");
    let _ = std::fs::remove_dir_all(scratch("chart"));
}

#[test]
fn svg_holds_the_text_and_the_lines() {
    let chart = two_series().series(Series::line("a < b & c", [(1.0, 0.6), (5.0, 0.6)]));
    let svg = chart.to_svg().unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"), "an SVG document");
    let texts: Vec<&str> =
        svg.split("<text").skip(1).filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim())).collect();
    for text in ["accuracy over epochs", "epoch", "accuracy", "train", "valid", "a &lt; b &amp; c", "0.8"] {
        assert!(texts.contains(&text), "{text:?} is a text element (escaped) of {texts:?}");
    }
    assert!(svg.contains("<polyline") || svg.contains("<path"), "the lines");
    let path = scratch("svg").join("chart.svg");
    chart.save_svg(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
    let _ = std::fs::remove_dir_all(scratch("svg"));
}

#[test]
fn fixed_ranges_cut_lines_and_drop_points() {
    let chart = Chart::new("")
        .x_range(0.0, 10.0)
        .y_range(0.0, 1.0)
        .legend(Legend::Hidden)
        .series(Series::line("", [(5.0, 0.5), (15.0, 0.5)]).with_color(RED))
        .series(Series::scatter("", [(2.0, 1.5), (f64::NAN, 0.5)]).with_color(Rgb([0, 200, 0])));
    let (img, frame) = chart.render_with_frame().unwrap();
    let end = frame.to_pixel(10.0, 0.5);
    assert!(near(&img, (end.x - 2, end.y), 1, RED), "the line runs up to the right border");
    let outside = frame.to_pixel(12.0, 0.5);
    assert!(!near(&img, (outside.x, outside.y), 2, RED), "but not beyond it");
    assert_eq!(img.pixels().filter(|p| **p == Rgb([0, 200, 0])).count(), 0, "points outside are not drawn");
}

#[test]
fn error_bars_and_histograms_draw() {
    let bars = [ErrorBar::new(1.0, 0.5, 0.1), ErrorBar::new(2.0, 0.7, 0.05), ErrorBar::new(3.0, f64::NAN, 0.1)];
    let chart = Chart::new("seeds").series(Series::error_bars("mean ± std", bars));
    let (y0, y1) = (chart.ranges().unwrap().1.min, chart.ranges().unwrap().1.max);
    assert!(y0 < 0.4 && y1 > 0.75, "the fitted range holds the whiskers: {y0}..{y1}");
    let (img, frame) = chart.render_with_frame().unwrap();
    let whisker = frame.to_pixel(1.0, 0.42);
    assert!(near(&img, (whisker.x, whisker.y), 1, PALETTE[0]), "the whisker spans mean - std");

    let hist = Histogram::with_range(&[0.1, 0.2, 0.3, 0.8], 2, 0.0, 1.0).unwrap();
    let chart = Chart::new("scores").series(Series::histogram("", hist).with_color(RED));
    let (x, y) = chart.ranges().unwrap();
    assert_eq!(y.min, 0.0, "the bars stand on the x axis");
    assert!(x.min < 0.0 && x.max > 1.0 && y.max > 3.0);
    let (img, frame) = chart.render_with_frame().unwrap();
    let inside_tall_bar = frame.to_pixel(0.25, 2.3);
    let above_short_bar = frame.to_pixel(0.75, 2.3);
    let fill = *img.get_pixel(inside_tall_bar.x as u32, inside_tall_bar.y as u32);
    assert!(fill != WHITE && fill.0[0] > fill.0[1], "inside the 3-count bar: {fill:?}");
    assert_eq!(*img.get_pixel(above_short_bar.x as u32, above_short_bar.y as u32), WHITE, "above the 1-count bar");
}

#[test]
fn bad_charts_are_errors() {
    assert!(matches!(Chart::new("empty").render(), Err(RenderError::EmptyChart)));
    assert!(matches!(
        Chart::new("nan").series(Series::line("x", [(f64::NAN, 1.0), (2.0, f64::INFINITY)])).render(),
        Err(RenderError::EmptyChart)
    ));
    let one = || Chart::new("").series(Series::scatter("", [(0.0, 0.0)]));
    assert!(matches!(one().x_range(1.0, 0.0).render(), Err(RenderError::InvalidRange { axis: "x", .. })));
    assert!(matches!(one().y_range(0.0, f64::NAN).to_svg(), Err(RenderError::InvalidRange { axis: "y", .. })));
    assert!(matches!(one().size(0, 300).render(), Err(RenderError::ChartSize { width: 0, .. })));
    assert!(matches!(one().size(10, 10).save_svg("unused.svg"), Err(RenderError::ChartSize { .. })));
    // A single point and an empty series next to data render (the range is padded around it).
    let img = one().series(Series::line("nothing", [])).size(160, 120).render().unwrap();
    assert_eq!(img.dimensions(), (160, 120));
    let err = one().size(0, 0).save_png("unused.png").unwrap_err();
    assert!(err.to_string().contains("0x0"), "{err}");
}

#[test]
fn extreme_data_render_or_fail_cleanly() {
    let tiny = Chart::new("tiny span").series(Series::line("", [(0.0, 1.0), (1e-12, 1.0 + 1e-15)]));
    assert_eq!(tiny.render().unwrap().dimensions(), (720, 480));
    let huge = Chart::new("huge").series(Series::scatter("", [(-1e300, 0.0), (1e300, 1.0)]));
    assert_eq!(huge.render().unwrap().dimensions(), (720, 480));
    let overflow = Chart::new("overflow").series(Series::scatter("", [(-f64::MAX, 0.0), (f64::MAX, 1.0)]));
    assert!(matches!(overflow.render(), Err(RenderError::InvalidRange { axis: "x", .. })));
    let wide = Chart::new("wide").size(Chart::MAX_SIDE + 1, 200).series(Series::scatter("", [(0.0, 0.0)]));
    assert!(matches!(wide.render(), Err(RenderError::ChartSize { .. })));
}

#[test]
fn ticks_are_short_and_round() {
    assert_eq!(format_tick(2.5e6, 1e6, 5e6), "2.5M");
    assert_eq!(format_tick(0.76, 0.0, 1.0), "0.8", "one decimal for steps of 0.2");
    assert_eq!(format_tick(40.0, 0.0, 100.0), "40");
    assert_eq!(format_tick(-1e-17, -1.0, 1.0), "0.0");
    assert_eq!(format_tick(12_000.0, 0.0, 50_000.0), "12k");
    assert_eq!(format_tick(1.0, 1.0, 1.0), "1", "an empty span does not panic");
}
