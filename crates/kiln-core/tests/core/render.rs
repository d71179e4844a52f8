//! Rendering: drawing primitives, text, layout, PNG, lines, markers and scatter plots.

use image::{Rgb, RgbImage};
use kiln_core::render::{
    BLACK, BLUE, Canvas, Marker, PlotError, RED, ScatterPlot, Series, WHITE, draw_bar, draw_line, draw_marker,
    draw_rect_outline, draw_text, fill_rect, format_tick, grid, nice_ticks, paste, save_png, text_size,
};

/// Number of pixels that differ from `background`.
fn changed(img: &RgbImage, background: Rgb<u8>) -> usize {
    img.pixels().filter(|&&p| p != background).count()
}

#[test]
fn text_changes_pixels_and_stays_inside() {
    let label = "proto 12 (class 3) sim 2.31 × w 1.00 = 2.31";
    let (tw, th) = text_size(label, 2);
    assert_eq!((tw, th), ((43 * 6 - 1) * 2, 7 * 2), "43 characters, 6 px advance, scale 2");
    let mut canvas = Canvas::new(tw + 20, th + 20);
    canvas.text(10, 10, label, BLACK, 2);
    let img = canvas.image();
    assert!(changed(img, WHITE) > 100, "text drew pixels");
    for (x, y, p) in img.enumerate_pixels() {
        if *p != WHITE {
            assert!((10..10 + tw).contains(&x) && (10..10 + th).contains(&y), "pixel ({x}, {y}) outside the text box");
        }
    }
    // Different strings draw differently; every printable ASCII character draws something
    // except space.
    let render = |s: &str| {
        let mut c = RgbImage::from_pixel(8, 8, WHITE);
        draw_text(&mut c, 1, 0, s, BLACK, 1);
        c
    };
    assert_ne!(render("1"), render("7"));
    for c in '!'..='~' {
        assert!(changed(&render(&c.to_string()), WHITE) > 0, "glyph {c:?} is blank");
    }
    assert_eq!(changed(&render(" "), WHITE), 0);
    // Multi-line size, and text hanging off every edge does not panic.
    assert_eq!(text_size("ab\nc", 1), (11, 16));
    let mut small = RgbImage::from_pixel(10, 10, WHITE);
    for (x, y) in [(-20, -3), (7, 7), (-2, 5), (3, -5), (i32::MIN, i32::MAX), (i32::MAX, i32::MIN)] {
        draw_text(&mut small, x, y, "Hello\nworld", RED, 3);
    }
    assert!(changed(&small, WHITE) > 0);
}

#[test]
fn rectangles_bars_and_paste_clip() {
    let mut img = RgbImage::from_pixel(10, 8, WHITE);
    draw_rect_outline(&mut img, 1, 1, 6, 8, RED, 1);
    assert_eq!(*img.get_pixel(1, 1), RED);
    assert_eq!(*img.get_pixel(8, 6), RED);
    assert_eq!(*img.get_pixel(4, 3), WHITE, "outline leaves the inside alone");
    assert_eq!(changed(&img, WHITE), 2 * 8 + 2 * 4);

    // Partly and wholly outside the canvas: clipped, no panic.
    let mut img = RgbImage::from_pixel(10, 8, WHITE);
    draw_rect_outline(&mut img, -5, -5, 3, 3, RED, 2);
    assert_eq!(*img.get_pixel(3, 0), RED);
    assert_eq!(*img.get_pixel(0, 0), WHITE);
    draw_rect_outline(&mut img, 100, 100, 200, 200, RED, 3);
    fill_rect(&mut img, i32::MIN, i32::MIN, i32::MAX, i32::MAX, BLACK);
    assert_eq!(changed(&img, BLACK), 0);

    let mut img = RgbImage::from_pixel(20, 4, WHITE);
    draw_bar(&mut img, 10, 1, 5, 2, RED);
    draw_bar(&mut img, 10, 1, -3, 2, BLACK);
    draw_bar(&mut img, 18, 0, 50, 1, RED);
    assert_eq!((10..15).map(|x| *img.get_pixel(x, 1)).collect::<Vec<_>>(), vec![RED; 5]);
    assert_eq!((7..10).map(|x| *img.get_pixel(x, 2)).collect::<Vec<_>>(), vec![BLACK; 3]);
    assert_eq!(*img.get_pixel(6, 1), WHITE);
    assert_eq!(changed(&img, WHITE), 5 * 2 + 3 * 2 + 2);

    let tile = RgbImage::from_pixel(4, 4, RED);
    let mut img = RgbImage::from_pixel(6, 6, WHITE);
    paste(&mut img, &tile, 4, -2);
    assert_eq!(changed(&img, WHITE), 2 * 2);
    assert_eq!(*img.get_pixel(5, 1), RED);
    paste(&mut img, &tile, -10, 50);
    paste(&mut img, &RgbImage::new(0, 0), 1, 1);
    assert_eq!(changed(&img, WHITE), 4);
}

#[test]
fn grid_size_arithmetic() {
    let tiles: Vec<RgbImage> = (0..5).map(|i| RgbImage::from_pixel(10 + i % 2, 8, Rgb([i as u8 * 40, 0, 0]))).collect();
    // Cells are 11×8; 3 columns, 2 rows, 2 px padding.
    let g = grid(&tiles, 3, 2, WHITE);
    assert_eq!(g.dimensions(), (3 * 11 + 4 * 2, 2 * 8 + 3 * 2));
    // The second tile (11 wide) fills cell (0, 1) starting at x = 2 + 11 + 2.
    assert_eq!(*g.get_pixel(15, 2), Rgb([40, 0, 0]));
    assert_eq!(*g.get_pixel(14, 2), WHITE);
    // The fourth tile starts the second row at y = 2 + 8 + 2; the unused sixth cell is blank.
    assert_eq!(*g.get_pixel(2, 12), Rgb([120, 0, 0]));
    assert_eq!(*g.get_pixel(2 + 2 * 13 + 5, 12 + 4), WHITE);

    assert_eq!(grid(&tiles, 0, 1, WHITE).dimensions(), (11 + 2, 5 * 8 + 6), "0 columns means 1");
    assert_eq!(grid(&tiles, 99, 0, WHITE).dimensions(), (5 * 11, 8), "columns clamp to the count");
    assert_eq!(grid(&[], 4, 3, WHITE).dimensions(), (3, 3));
}

#[test]
fn saved_png_round_trips() {
    let mut canvas = Canvas::new(64, 24);
    canvas.text(2, 2, "sim 2.31", BLACK, 1).rect_outline(0, 0, 23, 63, RED, 1).bar(2, 14, 30, 6, RED);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("render-{}", std::process::id()));
    let path = dir.join("nested").join("canvas.png");
    canvas.save_png(&path).expect("save");
    let loaded = image::open(&path).expect("open").to_rgb8();
    assert_eq!(loaded.dimensions(), (64, 24));
    assert_eq!(&loaded, canvas.image());
    assert!(changed(&loaded, WHITE) > 0, "not blank");
    let _ = std::fs::remove_dir_all(&dir);

    let err = save_png(&RgbImage::new(0, 5), dir.join("empty.png")).expect_err("empty image");
    assert!(err.to_string().contains("empty.png"), "error names the path: {err}");
}

#[test]
fn lines_cover_their_end_points_and_clip() {
    let mut img = RgbImage::from_pixel(10, 10, WHITE);
    draw_line(&mut img, 1, 1, 8, 4, RED, 1);
    assert_eq!(*img.get_pixel(1, 1), RED);
    assert_eq!(*img.get_pixel(8, 4), RED);
    assert_eq!(changed(&img, WHITE), 8, "a Bresenham line has one pixel per step of its long axis");
    let mut img = RgbImage::from_pixel(10, 10, WHITE);
    draw_line(&mut img, 5, 0, 5, 9, BLACK, 3);
    assert_eq!(changed(&img, WHITE), 3 * 10, "a thickness-3 vertical line is 3 px wide");
    draw_line(&mut img, -100, -100, 200, 300, RED, 2);
    draw_line(&mut img, 0, 0, 0, 0, RED, 0);
    for marker in [Marker::Circle, Marker::Square, Marker::Cross, Marker::Triangle] {
        let mut img = RgbImage::from_pixel(9, 9, WHITE);
        draw_marker(&mut img, 4, 4, marker, 3, BLUE);
        assert_eq!(*img.get_pixel(4, 4), BLUE, "{marker:?} covers its centre");
        draw_marker(&mut img, -50, 60, marker, 3, BLUE);
    }
}

#[test]
fn ticks_are_round_and_inside_the_range() {
    assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
    assert_eq!(nice_ticks(-3.0, 12.0, 3), vec![0.0, 5.0, 10.0]);
    let t = nice_ticks(1.3e6, 4.9e6, 6);
    assert!(t.iter().all(|v| (1.3e6..=4.9e6).contains(v)), "{t:?}");
    assert_eq!(t, vec![1.5e6, 2.0e6, 2.5e6, 3.0e6, 3.5e6, 4.0e6, 4.5e6], "steps of 0.5M");
    assert!(nice_ticks(1.0, 1.0, 4).is_empty());
    assert!(nice_ticks(f64::NAN, 1.0, 4).is_empty());
    assert_eq!(format_tick(2.5e6, 1e6, 5e6), "2.5M");
    assert_eq!(format_tick(0.76, 0.0, 1.0), "0.8", "one decimal for steps of 0.2");
    assert_eq!(format_tick(40.0, 0.0, 100.0), "40");
    assert_eq!(format_tick(-1e-17, -1.0, 1.0), "0.0");
}

#[test]
fn scatter_plot_puts_points_where_the_axes_say() {
    let plot = ScatterPlot::new("front")
        .x_label("MACs")
        .y_label("accuracy")
        .x_range(0.0, 10.0)
        .y_range(0.0, 1.0)
        .series(Series::new("", vec![(2.5, 0.25), (f64::NAN, 0.5), (1.0, 1.05)], RED).with_marker(Marker::Square));
    let (left, top, right, bottom) = plot.plot_area();
    assert_eq!(plot.to_pixel(0.0, 0.0).unwrap(), (left, bottom));
    assert_eq!(plot.to_pixel(10.0, 1.0).unwrap(), (right, top));
    let (px, py) = plot.to_pixel(2.5, 0.25).unwrap();
    let img = plot.render().unwrap();
    assert_eq!(*img.get_pixel(px as u32, py as u32), RED, "the point is drawn at its pixel");
    assert_eq!(*img.get_pixel(px as u32 + 3, py as u32 + 3), RED, "a square marker of radius 3");
    let (ox, oy) = plot.to_pixel(1.0, 1.05).unwrap();
    assert!(oy > 0 && oy < top, "the outside point would land in the top margin");
    assert_eq!(*img.get_pixel(ox as u32, oy as u32), WHITE, "points outside a fixed range are not drawn");

    // Fitted ranges pad the data by 5%; a connected series draws its segments.
    let fitted =
        ScatterPlot::new("").series(Series::new("a", vec![(0.0, 0.0), (10.0, 20.0)], BLUE).connected()).size(400, 300);
    let ((x0, x1), (y0, y1)) = fitted.ranges().unwrap();
    assert!(
        (x0 + 0.5).abs() < 1e-12 && (x1 - 10.5).abs() < 1e-12 && (y0 + 1.0).abs() < 1e-12 && (y1 - 21.0).abs() < 1e-12
    );
    let img = fitted.render().unwrap();
    let (mx, my) = fitted.to_pixel(5.0, 10.0).unwrap();
    let near_mid = (-1..=1).flat_map(|dy| (-1..=1).map(move |dx| (mx + dx, my + dy)));
    assert!(
        near_mid.into_iter().any(|(x, y)| *img.get_pixel(x as u32, y as u32) == BLUE),
        "the segment passes through its midpoint"
    );
    assert_eq!(img.dimensions(), (400, 300));

    assert!(matches!(ScatterPlot::new("empty").render(), Err(PlotError::Empty)));
    assert!(matches!(
        ScatterPlot::new("bad").x_range(1.0, 0.0).series(Series::new("", vec![(0.0, 0.0)], RED)).render(),
        Err(PlotError::InvalidRange { axis: "x", .. })
    ));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("plot-{}", std::process::id()));
    fitted.save_png(dir.join("plot.png")).expect("save");
    assert_eq!(image::open(dir.join("plot.png")).expect("open").to_rgb8(), img);
    let _ = std::fs::remove_dir_all(&dir);
}
