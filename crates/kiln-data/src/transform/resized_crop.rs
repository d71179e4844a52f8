//! SimCLR's random crop with resize: TensorFlow's distorted bounding box, resized back.

use rand::Rng;
use rand::rngs::StdRng;

use crate::item::Image;

/// A box in an image, in whole pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CropBox {
    /// First row.
    pub top: usize,
    /// First column.
    pub left: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
}

/// SimCLR's random crop with resize (Chen et al., "A Simple Framework for Contrastive Learning of
/// Visual Representations", 2020, appendix A; google-research/simclr `tf2/data_util.py`,
/// `crop_and_resize`): a box drawn as `tf.image.sample_distorted_bounding_box` draws it, with
/// area 0.08–1 of the image, aspect ratio 3/4–4/3, at least 10% of the image covered and up to 100
/// attempts, then resized back to the image's size.
///
/// The box follows TensorFlow's kernel (`sample_distorted_bounding_box_op.cc`,
/// `GenerateRandomCrop`) step by step, in integer pixels:
/// 1. aspect `r ~ U(min_aspect, max_aspect)` (times the image's `W/H`, as SimCLR multiplies by
///    the output's aspect, which here is the input's);
/// 2. `h_min = round(√(min_area·H·W / r))`, `h_max = round(√(max_area·H·W / r))`, `h_max`
///    lowered until `round(h_max·r) ≤ W` and to at most `H`;
/// 3. `h` uniform in the integers `[h_min, h_max]`, `w = round(h·r)`; one pixel more (or less)
///    when rounding put `h·w` below (above) the area range, which must then hold;
/// 4. the box must cover `min_covered` of the image (SimCLR's `min_object_covered = 0.1`, which
///    makes the effective smallest area 10%, not 8%);
/// 5. top-left `y ~ U{0, …, H − h − 1}` (0 when `h = H`), `x` likewise: TensorFlow never places a
///    smaller box flush with the bottom or right edge, and neither does this.
///
/// After `max_attempts` failures the box is the whole image (TensorFlow's fallback, not a centre
/// crop). `round` is `lrintf`'s ties-to-even.
///
/// Deviation: SimCLR resizes with `tf.image.resize(..., BICUBIC)`; [`crop_and_resize`] is bilinear
/// (`tf.image.resize`'s default, half-pixel centres, no antialiasing), which never leaves `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResizedCrop {
    /// Smallest box area as a fraction of the image (SimCLR: 0.08).
    pub min_area: f32,
    /// Largest box area as a fraction of the image (1).
    pub max_area: f32,
    /// Smallest width/height ratio, relative to the image's (3/4).
    pub min_aspect: f32,
    /// Largest width/height ratio, relative to the image's (4/3).
    pub max_aspect: f32,
    /// Fraction of the image a box must cover (`min_object_covered`, 0.1).
    pub min_covered: f32,
    /// Draws before falling back to the whole image (100).
    pub max_attempts: usize,
}

impl Default for ResizedCrop {
    /// SimCLR's crop: area 0.08–1, aspect 3/4–4/3, 10% covered, 100 attempts.
    fn default() -> Self {
        Self {
            min_area: 0.08,
            max_area: 1.0,
            min_aspect: 3.0 / 4.0,
            max_aspect: 4.0 / 3.0,
            min_covered: 0.1,
            max_attempts: 100,
        }
    }
}

impl ResizedCrop {
    /// SimCLR's crop with another area range.
    pub fn with_area(min_area: f32, max_area: f32) -> Self {
        Self { min_area, max_area, ..Self::default() }
    }

    /// Draws a box in an image of `height × width`; the whole image when no draw fits.
    pub fn sample(&self, height: usize, width: usize, rng: &mut StdRng) -> CropBox {
        let whole = CropBox { top: 0, left: 0, height, width };
        let valid = self.min_aspect > 0.0 && self.min_aspect <= self.max_aspect && height > 0 && width > 0;
        if !valid {
            return whole;
        }
        let image_aspect = width as f32 / height as f32;
        let image_area = (height * width) as f32;
        for _ in 0..self.max_attempts {
            let aspect = (rng.random::<f32>() * (self.max_aspect - self.min_aspect) + self.min_aspect) * image_aspect;
            let Some((h, w)) = self.box_size(height, width, aspect, rng) else { continue };
            // The overlap test of `SatisfiesOverlapConstraints` with the whole image as the object.
            if (h * w) as f32 >= 1.0 && (h * w) as f32 / image_area >= self.min_covered {
                let top = if h < height { rng.random_range(0..height - h) } else { 0 };
                let left = if w < width { rng.random_range(0..width - w) } else { 0 };
                return CropBox { top, left, height: h, width: w };
            }
        }
        whole
    }

    /// `GenerateRandomCrop`'s size for aspect `aspect` (`None`: constraints unmet).
    fn box_size(&self, height: usize, width: usize, aspect: f32, rng: &mut StdRng) -> Option<(usize, usize)> {
        if self.max_area <= 0.0 || aspect <= 0.0 || self.min_area > self.max_area {
            return None;
        }
        let (hf, wf) = (height as f32, width as f32);
        let (min_area, max_area) = (self.min_area * wf * hf, self.max_area * wf * hf);
        let round = |v: f32| v.round_ties_even() as i64;
        let mut h = round((min_area / aspect).sqrt());
        let mut h_max = round((max_area / aspect).sqrt());
        if round(h_max as f32 * aspect) > width as i64 {
            h_max = ((wf + 0.5 - 1e-7) / aspect) as i64;
            if round(h_max as f32 * aspect) > width as i64 {
                h_max -= 1;
            }
        }
        h_max = h_max.min(height as i64);
        if h >= h_max {
            h = h_max;
        } else {
            h += rng.random_range(0..=h_max - h);
        }
        let mut w = round(h as f32 * aspect);
        let mut area = (w * h) as f32;
        if area < min_area {
            h += 1;
            w = round(h as f32 * aspect);
            area = (w * h) as f32;
        }
        if area > max_area {
            h -= 1;
            w = round(h as f32 * aspect);
            area = (w * h) as f32;
        }
        let fits = w > 0 && h > 0 && w <= width as i64 && h <= height as i64;
        (fits && area >= min_area && area <= max_area).then_some((h as usize, w as usize))
    }

    /// A random box of `image` resized back to the image's size.
    pub fn apply(&self, image: &Image, rng: &mut StdRng) -> Image {
        let crop = self.sample(image.height, image.width, rng);
        crop_and_resize(image, crop, image.height, image.width)
    }
}

/// The box `crop` of `image` resized to `height × width` by bilinear interpolation with
/// half-pixel centres (`tf.image.resize`'s `BILINEAR`): output pixel `(y, x)` reads the box at
/// `((y + ½)·crop.height/height − ½, (x + ½)·crop.width/width − ½)`, clamped to the box.
/// A box reaching outside the image is clamped to it; an empty one gives a black image.
pub fn crop_and_resize(image: &Image, crop: CropBox, height: usize, width: usize) -> Image {
    let mut out = Image::zeros(image.channels, height, width);
    let top = crop.top.min(image.height);
    let left = crop.left.min(image.width);
    let (ch, cw) = (crop.height.min(image.height - top), crop.width.min(image.width - left));
    if ch == 0 || cw == 0 || height == 0 || width == 0 {
        return out;
    }
    let rows = taps(ch, height);
    let cols = taps(cw, width);
    for c in 0..image.channels {
        for (y, &(y0, y1, fy)) in rows.iter().enumerate() {
            for (x, &(x0, x1, fx)) in cols.iter().enumerate() {
                let at = |sy: usize, sx: usize| image.at(c, top + sy, left + sx);
                let upper = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
                let lower = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
                *out.at_mut(c, y, x) = upper + (lower - upper) * fy;
            }
        }
    }
    out
}

/// For each of `target` outputs along an axis of `source` pixels: the two source pixels and the
/// weight of the second.
fn taps(source: usize, target: usize) -> Vec<(usize, usize, f32)> {
    let scale = source as f32 / target as f32;
    (0..target)
        .map(|o| {
            let s = ((o as f32 + 0.5) * scale - 0.5).clamp(0.0, (source - 1) as f32);
            let s0 = s.floor() as usize;
            let s1 = (s0 + 1).min(source - 1);
            (s0, s1, s - s0 as f32)
        })
        .collect()
}
