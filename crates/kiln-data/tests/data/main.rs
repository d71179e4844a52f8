//! Integration tests of `kiln-data`, one module per area.

/// Counts heap bytes per thread, for the allocation bounds of the robustness tests.
#[global_allocator]
static ALLOC: kiln_testkit::CountingAllocator = kiln_testkit::CountingAllocator;

use kiln_data::Image;

mod aerial;
mod class_cue;
mod coco;
mod cub;
mod fit_input;
mod formats;
mod impute;
mod layout;
mod loader;
mod memory;
mod modification;
mod procedural;
mod robust;
mod simclr_augment;
mod transform;

/// A `channels × height × width` image whose pixel values are `f(c, y, x)`.
pub fn image(channels: usize, height: usize, width: usize, f: impl Fn(usize, usize, usize) -> f32) -> Image {
    let mut out = Image::zeros(channels, height, width);
    for c in 0..channels {
        for y in 0..height {
            for x in 0..width {
                *out.at_mut(c, y, x) = f(c, y, x);
            }
        }
    }
    out
}

/// Asserts that `actual` and `expected` agree element-wise within `tol`.
pub fn assert_close(actual: &[f32], expected: &[f32], tol: f32) {
    assert_eq!(actual.len(), expected.len(), "length: {actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tol, "element {i}: {a} vs {e} (all: {actual:?} vs {expected:?})");
    }
}
