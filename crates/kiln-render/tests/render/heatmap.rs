//! Heat-map panels: bilinear upsampling (against PyTorch), the jet colour map, min-max
//! normalisation, heat maps as images and blended over images.

use kiln_render::{
    RgbImage, WHITE, blend_heatmap, colormap_jet, heatmap_rgb, normalize_min_max, upsample_bicubic, upsample_bilinear,
};

fn assert_close(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 1e-5, "index {i}: got {g}, want {w} (all: {got:?})");
    }
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

/// OpenCV's `INTER_CUBIC` on `[[0, 1]]` to 1×4: half-pixel sources `−0.25, 0.25, 0.75, 1.25`,
/// Keys' kernel with `A = −0.75` and replicated borders overshoot at both ends:
/// `w₃(0.75) = −0.10546875`, `1 − w₀(0.25) − w₁(0.25) = 1 + 0.10546875 − 0.87890625`.
#[test]
fn bicubic_matches_opencv_by_hand_and_keeps_constants() {
    assert_close(
        &upsample_bicubic(&[0.0, 1.0], 1, 2, 1, 4),
        &[-0.105_468_75, 0.226_562_5, 0.773_437_5, 1.0 + 0.105_468_75],
    );
    assert_close(&upsample_bicubic(&[2.5; 6], 2, 3, 5, 7), &[2.5; 35]);
    let map = [1.0, -2.0, 3.5, 4.0, 0.0, 7.0];
    assert_close(&upsample_bicubic(&map, 2, 3, 2, 3), &map);
    assert!(upsample_bicubic(&map, 2, 3, 0, 3).is_empty());
    assert_eq!(upsample_bicubic(&[], 0, 0, 2, 2), vec![0.0; 4]);
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
fn heatmap_image_and_blend() {
    let heat = [0.0, 0.0, 0.0, 10.0];
    let img = heatmap_rgb(&heat, 2, 2);
    assert_eq!(img.dimensions(), (2, 2));
    assert_eq!(img.get_pixel(0, 0).0, [0, 0, 128], "coldest pixel is dark blue");
    assert_eq!(img.get_pixel(1, 1).0, [128, 0, 0], "hottest pixel (x 1, y 1) is dark red");

    let white = RgbImage::from_pixel(2, 2, WHITE);
    assert_eq!(blend_heatmap(&white, &heat, 1.0), img, "alpha 1 is the heat map");
    assert_eq!(blend_heatmap(&white, &heat, 0.0), white, "alpha 0 keeps the image");
    assert_eq!(blend_heatmap(&white, &heat, 0.5).get_pixel(1, 1).0, [192, 128, 128]);
    assert_eq!(blend_heatmap(&white, &heat, f32::NAN), white, "NaN alpha counts as 0");
    // A short map reads as 0 beyond its end; a constant map is uniformly dark blue.
    assert_eq!(blend_heatmap(&white, &[3.0], 1.0).get_pixel(1, 1).0, [0, 0, 128]);
}
