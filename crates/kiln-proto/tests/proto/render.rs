//! Rendering utilities: upsampling, colour map, activation boxes, drawing, text, layout, PNG.

use image::{Rgb, RgbImage};
use kiln_data::Image;
use kiln_proto::render::{
    BLACK, Canvas, RED, WHITE, colormap_jet, crop, draw_bar, draw_rect_outline, draw_text, fill_rect, grid,
    heatmap_overlay, high_activation_box, normalize_min_max, paste, save_png, scale_nearest, text_size, to_rgb,
    upsample_bilinear,
};

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 1e-5, "index {i}: got {g}, want {w} (all: {got:?})");
    }
}

/// Number of pixels that differ from `background`.
fn changed(img: &RgbImage, background: Rgb<u8>) -> usize {
    img.pixels().filter(|&&p| p != background).count()
}

#[test]
fn bilinear_2x2_to_4x4_matches_pytorch() {
    // torch.nn.functional.interpolate(torch.arange(4.).view(1, 1, 2, 2), size=(4, 4),
    //                                 mode="bilinear", align_corners=False)
    let got = upsample_bilinear(&[0.0, 1.0, 2.0, 3.0], 2, 2, 4, 4);
    #[rustfmt::skip]
    let want = [
        0.0, 0.25, 0.75, 1.0,
        0.5, 0.75, 1.25, 1.5,
        1.5, 1.75, 2.25, 2.5,
        2.0, 2.25, 2.75, 3.0,
    ];
    assert_close(&got, &want);
}

#[test]
fn bilinear_non_square_and_downsampling() {
    // 1×2 → 1×3: source x = (d + 0.5) * 2/3 - 0.5 = [0 (clamped), 0.5, 1.1667 → last].
    assert_close(&upsample_bilinear(&[0.0, 6.0], 1, 2, 1, 3), &[0.0, 3.0, 6.0]);
    // 1×4 → 1×2: source x = (d + 0.5) * 2 - 0.5 = [0.5, 2.5].
    assert_close(&upsample_bilinear(&[0.0, 2.0, 4.0, 6.0], 1, 4, 1, 2), &[1.0, 5.0]);
    // Same size is the identity.
    let map = [1.0, -2.0, 3.5, 4.0, 0.0, 7.0];
    assert_close(&upsample_bilinear(&map, 2, 3, 2, 3), &map);
}

#[test]
fn bilinear_1x1_is_constant_and_edges_do_not_panic() {
    let got = upsample_bilinear(&[2.5], 1, 1, 7, 5);
    assert_close(&got, &[2.5; 35]);
    assert!(upsample_bilinear(&[1.0], 1, 1, 0, 4).is_empty());
    assert_close(&upsample_bilinear(&[], 0, 0, 2, 2), &[0.0; 4]);
    // A short map reads missing values as 0.
    assert_close(&upsample_bilinear(&[4.0], 1, 2, 1, 2), &[4.0, 0.0]);
}

#[test]
fn jet_endpoints_and_clamping() {
    assert_eq!(colormap_jet(0.0), [0, 0, 128], "0 is dark blue");
    assert_eq!(colormap_jet(1.0), [128, 0, 0], "1 is dark red");
    assert_eq!(colormap_jet(-3.0), colormap_jet(0.0));
    assert_eq!(colormap_jet(9.0), colormap_jet(1.0));
    assert_eq!(colormap_jet(f32::NAN), colormap_jet(0.0));
    let [r, g, b] = colormap_jet(0.5);
    assert!(g == 255 && r > 100 && b > 50, "middle is green-ish: {:?}", [r, g, b]);
}

#[test]
fn min_max_normalisation() {
    assert_close(&normalize_min_max(&[2.0, 4.0, 3.0]), &[0.0, 1.0, 0.5]);
    assert_close(&normalize_min_max(&[5.0; 4]), &[0.0; 4]);
    assert!(normalize_min_max(&[]).is_empty());
}

#[test]
fn overlay_blends_jet_over_grey_image() {
    let mut image = Image::zeros(1, 2, 2);
    *image.at_mut(0, 1, 1) = 1.0;
    let heat = [0.0, 0.0, 0.0, 10.0];
    let full = heatmap_overlay(&image, &heat, 1.0);
    assert_eq!(full.dimensions(), (2, 2));
    assert_eq!(full.get_pixel(0, 0).0, [0, 0, 128], "coldest pixel is dark blue");
    assert_eq!(full.get_pixel(1, 1).0, [128, 0, 0], "hottest pixel is dark red");

    let none = heatmap_overlay(&image, &heat, 0.0);
    assert_eq!(none, to_rgb(&image), "alpha 0 keeps the image");
    assert_eq!(none.get_pixel(1, 1).0, [255, 255, 255], "grey is replicated to RGB");

    let half = heatmap_overlay(&image, &heat, 0.5);
    assert_eq!(half.get_pixel(1, 1).0, [192, 128, 128]);
    // Constant heat normalises to zeros, i.e. dark blue everywhere.
    let flat = heatmap_overlay(&image, &[3.0; 4], 1.0);
    assert!(flat.pixels().all(|p| p.0 == [0, 0, 128]));
}

#[test]
fn percentile_box_on_known_map() {
    // 5×6 map with a hot 2×3 block at rows 1..=2, columns 2..=4 (6 of 30 pixels = top 20%).
    let (h, w) = (5, 6);
    let mut heat = vec![0.0f32; h * w];
    for y in 1..=2 {
        for x in 2..=4 {
            heat[y * w + x] = 5.0 + (y * w + x) as f32 * 0.01;
        }
    }
    assert_eq!(high_activation_box(&heat, h, w, 80.0), (1, 2, 2, 4));
    // numpy.percentile(heat, 95): rank 0.95 * 29 = 27.55 lies between the third- and
    // second-hottest values (5.14 and 5.15), so only the two hottest pixels, (2, 3) and (2, 4),
    // pass.
    assert_eq!(high_activation_box(&heat, h, w, 95.0), (2, 3, 2, 4));
    // The 100th percentile keeps just the maximum.
    assert_eq!(high_activation_box(&heat, h, w, 100.0), (2, 4, 2, 4));
    // The 0th percentile keeps everything.
    assert_eq!(high_activation_box(&heat, h, w, 0.0), (0, 0, 4, 5));
    // A constant map keeps everything at any percentile.
    assert_eq!(high_activation_box(&[1.0; 12], 3, 4, 95.0), (0, 0, 2, 3));
    // Edge inputs do not panic.
    assert_eq!(high_activation_box(&[], 0, 0, 95.0), (0, 0, 0, 0));
    assert_eq!(high_activation_box(&[f32::NAN; 4], 2, 2, 95.0), (0, 0, 0, 0));
    assert_eq!(high_activation_box(&[0.0, 9.0], 2, 2, f32::NAN), (0, 1, 0, 1));
}

#[test]
fn to_rgb_crop_and_scale() {
    let mut image = Image::zeros(3, 3, 4);
    *image.at_mut(0, 0, 0) = 1.0;
    *image.at_mut(1, 2, 3) = 0.5;
    *image.at_mut(2, 1, 2) = 2.0; // clamped
    let rgb = to_rgb(&image);
    assert_eq!(rgb.dimensions(), (4, 3));
    assert_eq!(rgb.get_pixel(0, 0).0, [255, 0, 0]);
    assert_eq!(rgb.get_pixel(3, 2).0, [0, 128, 0]);
    assert_eq!(rgb.get_pixel(2, 1).0, [0, 0, 255]);

    let cropped = crop(&image, 1, 2, 2, 3);
    assert_eq!(cropped.shape(), [3, 2, 2]);
    assert_eq!(cropped.at(2, 0, 0), 2.0);
    assert_eq!(cropped.at(1, 1, 1), 0.5);
    // Clipped to the image; wholly outside gives an empty image.
    assert_eq!(crop(&image, 1, 1, 100, 100).shape(), [3, 2, 3]);
    assert_eq!(crop(&image, 10, 0, 12, 2).shape(), [3, 0, 0]);

    let scaled = scale_nearest(&rgb, 3);
    assert_eq!(scaled.dimensions(), (12, 9));
    assert_eq!(scaled.get_pixel(2, 2).0, [255, 0, 0]);
    assert_eq!(scaled.get_pixel(3, 0).0, [0, 0, 0]);
    assert_eq!(scaled.get_pixel(11, 8).0, [0, 128, 0]);
    assert_eq!(scale_nearest(&rgb, 0), rgb);
    assert_eq!(scale_nearest(&RgbImage::new(0, 0), 4).dimensions(), (0, 0));
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
