//! Drawing on the canvas: primitives, text, layout, PNG, lines and markers, all in `(x, y)`.

use kiln_render::{
    BLACK, BLUE, Canvas, Marker, Point, RED, Rect, Rgb, RgbImage, WHITE, draw_bar, draw_line, draw_marker,
    draw_rect_outline, draw_text, fill_rect, grid, paste, save_png, text_size,
};

use crate::changed;

#[test]
fn text_changes_pixels_and_stays_inside() {
    let label = "proto 12 (class 3) sim 2.31 × w 1.00 = 2.31";
    let (tw, th) = text_size(label, 2);
    assert_eq!((tw, th), ((43 * 6 - 1) * 2, 7 * 2), "43 characters, 6 px advance, scale 2");
    let mut canvas = Canvas::new(tw + 20, th + 20);
    canvas.text(Point::new(10, 10), label, BLACK, 2);
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
        draw_text(&mut c, Point::new(1, 0), s, BLACK, 1);
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
        draw_text(&mut small, Point::new(x, y), "Hello\nworld", RED, 3);
    }
    assert!(changed(&small, WHITE) > 0);
}

#[test]
fn rectangles_bars_and_paste_clip() {
    let mut img = RgbImage::from_pixel(10, 8, WHITE);
    // Columns 1..=8, rows 1..=6: (x, y) = (1, 1), 8 wide, 6 tall.
    draw_rect_outline(&mut img, Rect::new(1, 1, 8, 6), RED, 1);
    assert_eq!(*img.get_pixel(1, 1), RED);
    assert_eq!(*img.get_pixel(8, 6), RED);
    assert_eq!(*img.get_pixel(4, 3), WHITE, "outline leaves the inside alone");
    assert_eq!(changed(&img, WHITE), 2 * 8 + 2 * 4);

    // Partly and wholly outside the canvas: clipped, no panic.
    let mut img = RgbImage::from_pixel(10, 8, WHITE);
    draw_rect_outline(&mut img, Rect::from_corners(Point::new(-5, -5), Point::new(3, 3)), RED, 2);
    assert_eq!(*img.get_pixel(3, 0), RED);
    assert_eq!(*img.get_pixel(0, 0), WHITE);
    draw_rect_outline(&mut img, Rect::new(100, 100, 101, 101), RED, 3);
    draw_rect_outline(&mut img, Rect::new(2, 2, 0, 5), RED, 3);
    fill_rect(&mut img, Rect::from_corners(Point::new(i32::MIN, i32::MIN), Point::new(i32::MAX, i32::MAX)), BLACK);
    assert_eq!(changed(&img, BLACK), 0);

    let mut img = RgbImage::from_pixel(20, 4, WHITE);
    draw_bar(&mut img, Point::new(10, 1), 5, 2, RED);
    draw_bar(&mut img, Point::new(10, 1), -3, 2, BLACK);
    draw_bar(&mut img, Point::new(18, 0), 50, 1, RED);
    assert_eq!((10..15).map(|x| *img.get_pixel(x, 1)).collect::<Vec<_>>(), vec![RED; 5]);
    assert_eq!((7..10).map(|x| *img.get_pixel(x, 2)).collect::<Vec<_>>(), vec![BLACK; 3]);
    assert_eq!(*img.get_pixel(6, 1), WHITE);
    assert_eq!(changed(&img, WHITE), 5 * 2 + 3 * 2 + 2);

    let tile = RgbImage::from_pixel(4, 4, RED);
    let mut img = RgbImage::from_pixel(6, 6, WHITE);
    paste(&mut img, &tile, Point::new(4, -2));
    assert_eq!(changed(&img, WHITE), 2 * 2);
    assert_eq!(*img.get_pixel(5, 1), RED);
    paste(&mut img, &tile, Point::new(-10, 50));
    paste(&mut img, &RgbImage::new(0, 0), Point::new(1, 1));
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
    let bounds = canvas.bounds();
    canvas.text(Point::new(2, 2), "sim 2.31", BLACK, 1).rect_outline(bounds, RED, 1).bar(Point::new(2, 14), 30, 6, RED);
    assert_eq!(*canvas.image().get_pixel(63, 23), RED, "the outline of the bounds reaches the last pixel");
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
    draw_line(&mut img, Point::new(1, 1), Point::new(8, 4), RED, 1);
    assert_eq!(*img.get_pixel(1, 1), RED);
    assert_eq!(*img.get_pixel(8, 4), RED);
    assert_eq!(changed(&img, WHITE), 8, "a Bresenham line has one pixel per step of its long axis");
    let mut img = RgbImage::from_pixel(10, 10, WHITE);
    draw_line(&mut img, Point::new(5, 0), Point::new(5, 9), BLACK, 3);
    assert_eq!(changed(&img, WHITE), 3 * 10, "a thickness-3 vertical line is 3 px wide");
    draw_line(&mut img, Point::new(-100, -100), Point::new(200, 300), RED, 2);
    draw_line(&mut img, Point::new(0, 0), Point::new(0, 0), RED, 0);
    for marker in [Marker::Circle, Marker::Square, Marker::Cross, Marker::Triangle] {
        let mut img = RgbImage::from_pixel(9, 9, WHITE);
        draw_marker(&mut img, Point::new(4, 4), marker, 3, BLUE);
        assert_eq!(*img.get_pixel(4, 4), BLUE, "{marker:?} covers its centre");
        draw_marker(&mut img, Point::new(-50, 60), marker, 3, BLUE);
    }
}
