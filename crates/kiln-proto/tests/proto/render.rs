//! Explanation rendering: heat-map overlays, activation boxes, image helpers (the drawing
//! primitives, upsampling and the colour map are tested in kiln-render).

use image::RgbImage;
use kiln_data::Image;
use kiln_proto::render::{crop, heatmap_overlay, high_activation_box, scale_nearest, to_rgb};

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
