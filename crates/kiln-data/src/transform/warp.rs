//! The sinusoidal warp of Nauta et al.'s shape modification (`modify_shape` in the official
//! `preprocessing/create_modified_datasets.py`).
//!
//! With `s(i) = trunc(A · sin(π · i · w))` (Python's `int(...)`, which rounds towards zero):
//! first every row `i` is rolled horizontally by `s(i)` pixels, then every column `j` of the
//! result is rolled vertically by `s(j)` (NumPy's `np.roll`: the value at index `k` moves to
//! `(k + s) mod n`, so pixels leaving one edge re-enter at the other). The paper uses `A = 4`
//! and `w = 0.05` on 224-pixel images.
//!
//! Deviation from the brief's `⌊·⌋`: the official `int()` truncates, so `sin(2π) ≈ −2.4e-16`
//! shifts by 0, not −1.

use crate::item::Image;

/// The shift `trunc(amplitude · sin(π · index · frequency))` of row or column `index`, in
/// double precision and in the official order of operations (`A * np.sin(np.pi*x * w)`): the
/// truncation turns on the last bit where the sine is ±1 (`π · 10 · 0.05` must give exactly
/// `π/2`, so that `4 sin(π/2) = 4`, not 3).
pub fn warp_shift(amplitude: f64, frequency: f64, index: usize) -> i64 {
    let angle = std::f64::consts::PI * index as f64 * frequency;
    (amplitude * angle.sin()).trunc() as i64
}

/// `image` warped: rows rolled right by [`warp_shift`] of the row index, then columns rolled
/// down by [`warp_shift`] of the column index. Every channel moves alike; amplitude 0 is the
/// identity.
pub fn sinusoidal_warp(image: &Image, amplitude: f64, frequency: f64) -> Image {
    let (h, w) = (image.height, image.width);
    let mut rows = Image::zeros(image.channels, h, w);
    for y in 0..h {
        let shift = warp_shift(amplitude, frequency, y);
        for x in 0..w {
            let to = rolled(x, shift, w);
            for c in 0..image.channels {
                *rows.at_mut(c, y, to) = image.at(c, y, x);
            }
        }
    }
    let mut out = Image::zeros(image.channels, h, w);
    for x in 0..w {
        let shift = warp_shift(amplitude, frequency, x);
        for y in 0..h {
            let to = rolled(y, shift, h);
            for c in 0..image.channels {
                *out.at_mut(c, to, x) = rows.at(c, y, x);
            }
        }
    }
    out
}

/// Where index `k` of an axis of length `n` lands when the axis is rolled by `shift`.
fn rolled(k: usize, shift: i64, n: usize) -> usize {
    (k as i64 + shift).rem_euclid(n as i64) as usize
}
