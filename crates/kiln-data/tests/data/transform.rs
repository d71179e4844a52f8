//! Converting an image to another input shape: area-averaging resize and greyscale.

use kiln_data::Image;

use crate::image;
use kiln_data::transform::{greyscale, resize_area, to_shape};

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
}

#[test]
fn resize_area_averages_whole_blocks_for_integer_factors() {
    let source = image(2, 4, 6, |c, y, x| (c * 100 + y * 6 + x) as f32);
    let out = resize_area(&source, 2, 3).unwrap();
    assert_eq!(out.shape(), [2, 2, 3]);
    // Output (c, y, x) is the mean of source rows 2y..2y+2 and columns 2x..2x+2.
    let expected: Vec<f32> = (0..2)
        .flat_map(|c| {
            (0..2).flat_map(move |y| {
                (0..3).map(move |x| {
                    let block = [(0, 0), (0, 1), (1, 0), (1, 1)];
                    block.iter().map(|(dy, dx)| (c * 100 + (2 * y + dy) * 6 + 2 * x + dx) as f32).sum::<f32>() / 4.0
                })
            })
        })
        .collect();
    assert!(close(&out.pixels, &expected), "{:?} vs {expected:?}", out.pixels);
}

#[test]
fn resize_area_weights_partly_covered_pixels_and_keeps_the_mean() {
    // 3 → 2 along one axis: cell 0 covers pixel 0 and half of pixel 1, cell 1 the other half and
    // pixel 2.
    let source = image(1, 1, 3, |_, _, x| [0.0, 0.3, 0.9][x]);
    let out = resize_area(&source, 1, 2).unwrap();
    assert!(close(&out.pixels, &[0.1, 0.7]), "{:?}", out.pixels);
    // Any shrink keeps the image mean (every source pixel's weight sums to one cell's area).
    let source = image(1, 7, 5, |_, y, x| ((y * 13 + x * 7) % 11) as f32 / 10.0);
    let out = resize_area(&source, 3, 2).unwrap();
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!((mean(&out.pixels) - mean(&source.pixels)).abs() < 1e-5);
    // Same size: the identity.
    assert_eq!(resize_area(&source, 7, 5).unwrap(), source);
    // A zero side is refused, not an empty image.
    assert!(resize_area(&source, 0, 2).is_err());
    assert!(resize_area(&Image::zeros(1, 0, 3), 2, 2).is_err());
}

#[test]
fn greyscale_is_rec601_luminance_and_to_shape_combines_both() {
    let rgb = image(3, 2, 2, |c, y, x| [0.2, 0.5, 1.0][c] * (1 + y + x) as f32 / 3.0);
    let grey = greyscale(&rgb);
    assert_eq!(grey.shape(), [1, 2, 2]);
    let expected: Vec<f32> =
        (0..4).map(|i| (0.299 * 0.2 + 0.587 * 0.5 + 0.114 * 1.0) * (1 + i / 2 + i % 2) as f32 / 3.0).collect();
    assert!(close(&grey.pixels, &expected), "{:?}", grey.pixels);
    // A grey image (and the grey plane of grey + alpha) is kept as it is.
    let two = image(2, 2, 2, |c, y, x| if c == 0 { (y * 2 + x) as f32 / 4.0 } else { 1.0 });
    assert_eq!(greyscale(&two).pixels, vec![0.0, 0.25, 0.5, 0.75]);
    // to_shape: resize and greyscale commute, and three channels stay three.
    let big = image(3, 32, 32, |c, y, x| ((c + 1) * (y + 2 * x) % 17) as f32 / 16.0);
    let converted = to_shape(&big, [1, 8, 8]).unwrap();
    let other_order = resize_area(&greyscale(&big), 8, 8).unwrap();
    assert_eq!(converted.shape(), [1, 8, 8]);
    assert!(close(&converted.pixels, &other_order.pixels));
    assert_eq!(to_shape(&big, [3, 8, 8]).unwrap().shape(), [3, 8, 8]);
    let err = to_shape(&big, [2, 8, 8]).unwrap_err().to_string();
    assert!(err.contains("3 channels to 2 channels"), "{err}");
}
