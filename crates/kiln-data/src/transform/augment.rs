//! Random training-time augmentation: pad-and-crop shift, horizontal flip, small rotation.

use rand::Rng;
use rand::rngs::StdRng;

use crate::item::Image;

/// Random training-time augmentation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Augment {
    /// Pad by this many pixels (zeros) and crop back at a random offset (0: off).
    pub crop_padding: usize,
    /// Flip horizontally with probability ½.
    pub flip: bool,
    /// Rotate by a uniform angle in `±max_rotation_degrees` (nearest neighbour; 0: off).
    pub max_rotation_degrees: f32,
}

impl Augment {
    /// Applies the augmentation to a copy of `image`.
    pub fn apply(&self, image: &Image, rng: &mut StdRng) -> Image {
        let mut out = image.clone();
        if self.max_rotation_degrees > 0.0 {
            let angle = rng.random_range(-self.max_rotation_degrees..=self.max_rotation_degrees).to_radians();
            out = rotate(&out, angle);
        }
        if self.crop_padding > 0 {
            let p = self.crop_padding as i64;
            let (dy, dx) = (rng.random_range(-p..=p), rng.random_range(-p..=p));
            out = shift(&out, dy as isize, dx as isize);
        }
        if self.flip && rng.random_bool(0.5) {
            out = flip(&out);
        }
        out
    }
}

/// Pad-and-crop: the image moved by `(dy, dx)` with zeros shifted in.
fn shift(image: &Image, dy: isize, dx: isize) -> Image {
    let mut out = Image::zeros(image.channels, image.height, image.width);
    remap(image, &mut out, |y, x| Some((y as isize + dy, x as isize + dx)));
    out
}

fn flip(image: &Image) -> Image {
    let mut out = Image::zeros(image.channels, image.height, image.width);
    let w = image.width as isize;
    remap(image, &mut out, |y, x| Some((y as isize, w - 1 - x as isize)));
    out
}

fn rotate(image: &Image, angle: f32) -> Image {
    let mut out = Image::zeros(image.channels, image.height, image.width);
    let (cy, cx) = ((image.height as f32 - 1.0) / 2.0, (image.width as f32 - 1.0) / 2.0);
    let (sin, cos) = angle.sin_cos();
    remap(image, &mut out, |y, x| {
        let (ry, rx) = (y as f32 - cy, x as f32 - cx);
        let sy = cos * ry - sin * rx + cy;
        let sx = sin * ry + cos * rx + cx;
        Some((sy.round() as isize, sx.round() as isize))
    });
    out
}

/// `out[c, y, x] = image[c, source(y, x)]`, zero where the source falls outside.
fn remap(image: &Image, out: &mut Image, source: impl Fn(usize, usize) -> Option<(isize, isize)>) {
    for y in 0..image.height {
        for x in 0..image.width {
            let Some((sy, sx)) = source(y, x) else { continue };
            if sy < 0 || sx < 0 || sy >= image.height as isize || sx >= image.width as isize {
                continue;
            }
            for c in 0..image.channels {
                *out.at_mut(c, y, x) = image.at(c, sy as usize, sx as usize);
            }
        }
    }
}
