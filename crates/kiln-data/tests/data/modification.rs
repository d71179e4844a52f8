//! Nauta et al.'s six image modifications against hand values.

use kiln_data::transform::{
    Modification, NlMeans, lab8_to_rgb, nl_means, rgb_to_hsv, rgb_to_lab8, sinusoidal_warp, warp_shift,
};
use kiln_data::{DataError, Image};

use crate::image;

/// A colourful RGB image with values in `[0.05, 0.95]`.
fn colourful(size: usize) -> Image {
    image(3, size, size, |c, y, x| 0.05 + 0.9 * (((c * 31 + y * 17 + x * 7) * 2654435761usize) % 1000) as f32 / 1000.0)
}

fn pixel(image: &Image, y: usize, x: usize) -> [f32; 3] {
    [image.at(0, y, x), image.at(1, y, x), image.at(2, y, x)]
}

fn close(a: &[f32], b: &[f32], tolerance: f32) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
}

#[test]
fn pure_red_shifted_by_a_tenth_of_the_hue_circle_is_orange() {
    let red = image(3, 2, 2, |c, _, _| if c == 0 { 1.0 } else { 0.0 });
    let out = Modification::HUE.apply(&red).unwrap();
    for (y, x) in [(0, 0), (1, 1)] {
        assert!(close(&pixel(&out, y, x), &[1.0, 0.6, 0.0], 1e-6), "{:?}", pixel(&out, y, x));
    }
    // Hue is the only thing that moves: saturation and value stay.
    let before = rgb_to_hsv([0.2, 0.5, 0.8]);
    let shifted = Modification::Hue { shift: 0.1 }.apply(&image(3, 1, 1, |c, _, _| [0.2, 0.5, 0.8][c])).unwrap();
    let after = rgb_to_hsv(pixel(&shifted, 0, 0));
    assert!((after[0] - (before[0] + 0.1)).abs() < 1e-5 && (after[1] - before[1]).abs() < 1e-5, "{after:?}");
    assert!((after[2] - before[2]).abs() < 1e-6);
}

#[test]
fn factor_one_and_zero_shift_are_identities() {
    let img = colourful(12);
    for m in [
        Modification::Contrast { factor: 1.0 },
        Modification::Saturation { factor: 1.0 },
        Modification::Brightness { factor: 1.0 },
        Modification::Hue { shift: 0.0 },
        Modification::Shape { amplitude: 0.0, frequency: 0.05 },
    ] {
        let out = m.apply(&img).unwrap();
        assert!(close(&out.pixels, &img.pixels, 1e-6), "{} changed the image", m.name());
    }
}

#[test]
fn colour_adjustments_match_torchvision_formulas() {
    // Two pixels: (0.2, 0.4, 0.6) and (1, 1, 1). Grey levels 0.2989·r + 0.587·g + 0.114·b.
    let img = image(3, 1, 2, |c, _, x| if x == 0 { [0.2, 0.4, 0.6][c] } else { 1.0 });
    let grey0 = 0.2989 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6;
    let mean = (grey0 + (0.2989 + 0.587 + 0.114)) / 2.0;
    let bright = Modification::BRIGHTNESS.apply(&img).unwrap();
    assert!(close(&pixel(&bright, 0, 0), &[0.16, 0.32, 0.48], 1e-6));
    let contrast = Modification::CONTRAST.apply(&img).unwrap();
    let expected: Vec<f32> = [0.2f32, 0.4, 0.6].iter().map(|v| 0.45 * v + 0.55 * mean).collect();
    assert!(close(&pixel(&contrast, 0, 0), &expected, 1e-6), "{:?} vs {expected:?}", pixel(&contrast, 0, 0));
    let saturation = Modification::SATURATION.apply(&img).unwrap();
    let expected: Vec<f32> = [0.2f32, 0.4, 0.6].iter().map(|v| 0.7 * v + 0.3 * grey0).collect();
    assert!(close(&pixel(&saturation, 0, 0), &expected, 1e-6));
    // A grey image has no hue or saturation to change.
    let grey = image(1, 3, 3, |_, y, x| (y * 3 + x) as f32 / 9.0);
    assert_eq!(Modification::HUE.apply(&grey).unwrap(), grey);
    assert_eq!(Modification::SATURATION.apply(&grey).unwrap(), grey);
    let two = Image::zeros(2, 3, 3);
    assert!(matches!(Modification::HUE.apply(&two), Err(DataError::InvalidConfig(_))));
}

#[test]
fn warp_shifts_follow_the_official_truncation() {
    // A = 4, w = 0.05: sin(π/2) = 1 at row 10, sin(3π/2) = −1 at 30, sin(π) and sin(2π) round
    // to tiny values that truncate to 0 (Python's int(), not a floor).
    let s = |i| warp_shift(4.0, 0.05, i);
    assert_eq!((s(0), s(5), s(10), s(20), s(30), s(35), s(40)), (0, 2, 4, 0, -4, -2, 0));
    // 4 · sin(π/4) = 2.83 → 2; 4 · sin(7π/4) = −2.83 → −2.
    assert_eq!(Modification::shape_for_size(224), Modification::SHAPE);
    assert_eq!(Modification::shape_for_size(112), Modification::Shape { amplitude: 2.0, frequency: 0.05 });
    assert_eq!(Modification::shape_for_size(32), Modification::Shape { amplitude: 1.0, frequency: 0.05 });
}

#[test]
fn a_warped_one_pixel_line_lands_where_the_formula_says() {
    let (size, column) = (64, 5);
    let line = image(1, size, size, |_, _, x| if x == column { 1.0 } else { 0.0 });
    let warped = sinusoidal_warp(&line, 4.0, 0.05);
    // Row i moves right by s(i): the line's pixel goes to column (5 + s(i)) mod 64; then that
    // column moves down by s(column).
    let s = |i: usize| warp_shift(4.0, 0.05, i);
    let mut expected = vec![0.0; size * size];
    for y in 0..size {
        let x = (column as i64 + s(y)).rem_euclid(size as i64) as usize;
        let to = (y as i64 + s(x)).rem_euclid(size as i64) as usize;
        expected[to * size + x] = 1.0;
    }
    assert_eq!(warped.pixels, expected);
    // Row 10 (s = 4) lands in column 9, which moves down by s(9) = trunc(4 sin(0.45π)) = 3.
    assert_eq!(warped.at(0, 13, 9), 1.0);
    // Rows 20 and 40 (s = 0) stay in column 5, which moves down by s(5) = 2.
    assert_eq!((warped.at(0, 22, 5), warped.at(0, 42, 5)), (1.0, 1.0));
    assert_eq!(warped.pixels.iter().sum::<f32>(), size as f32, "pixels are moved, never lost");
}

#[test]
fn lab_conversion_round_trips_and_puts_white_at_the_top() {
    let white = rgb_to_lab8([1.0, 1.0, 1.0]);
    assert!(close(&white, &[255.0, 128.0, 128.0], 0.05), "{white:?}");
    let black = rgb_to_lab8([0.0, 0.0, 0.0]);
    assert!(close(&black, &[0.0, 128.0, 128.0], 1e-4), "{black:?}");
    for rgb in [[0.2f32, 0.4, 0.6], [0.9, 0.1, 0.1], [0.01, 0.02, 0.005], [0.5, 0.5, 0.5]] {
        let back = lab8_to_rgb(rgb_to_lab8(rgb));
        assert!(close(&back, &rgb, 1e-4), "{rgb:?} → {back:?}");
    }
}

#[test]
fn texture_removes_noise_and_keeps_flat_colour() {
    let flat = image(3, 24, 24, |c, _, _| [0.3, 0.5, 0.7][c]);
    let out = Modification::TEXTURE.apply(&flat).unwrap();
    assert!(close(&out.pixels, &flat.pixels, 1e-4));
    // Grey level 128 with uniform ±2 grey-level noise: below h = 4, so it is averaged away.
    let noise = |y: usize, x: usize| ((((y * 32 + x) * 2654435761usize) >> 7) % 1000) as f32 / 250.0 - 2.0;
    let noisy = image(1, 32, 32, |_, y, x| (128.0 + noise(y, x)) / 255.0);
    let denoised = nl_means(&noisy, &NlMeans::PAPER).unwrap();
    let spread = |img: &Image| {
        let mean = img.pixels.iter().sum::<f32>() / img.pixels.len() as f32;
        img.pixels.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / img.pixels.len() as f32
    };
    assert!(spread(&denoised) < 0.1 * spread(&noisy), "{} vs {}", spread(&denoised), spread(&noisy));
    // A strong edge (black | white, 255 levels ≫ h) survives.
    let edge = image(1, 24, 24, |_, _, x| if x < 12 { 0.0 } else { 1.0 });
    let kept = nl_means(&edge, &NlMeans::PAPER).unwrap();
    assert!(close(&kept.pixels, &edge.pixels, 1e-3));
}

#[test]
fn texture_on_an_image_smaller_than_the_search_window_is_a_typed_error() {
    let err = Modification::TEXTURE.apply(&colourful(20)).unwrap_err();
    assert!(
        matches!(err, DataError::ImageTooSmall { height: 20, width: 20, minimum: 21, .. }),
        "unexpected error {err:?}"
    );
    assert!(err.to_string().contains("20×20"), "{err}");
    assert!(Modification::TEXTURE.apply(&colourful(21)).is_ok());
    let even = NlMeans { template: 6, ..NlMeans::PAPER };
    assert!(matches!(nl_means(&colourful(32), &even), Err(DataError::InvalidConfig(_))));
}

#[test]
fn the_paper_set_has_the_official_levels_and_order() {
    let names: Vec<&str> = Modification::paper().iter().map(Modification::name).collect();
    assert_eq!(names, ["contrast", "saturation", "hue", "shape", "texture", "brightness"]);
    assert_eq!(Modification::paper()[0], Modification::Contrast { factor: 0.45 });
    assert_eq!(
        Modification::paper()[4],
        Modification::Texture(NlMeans { template: 7, search: 21, h: 4.0, h_colour: 4.0 })
    );
}
