//! Per-channel normalisation, augmentation (random crop, horizontal flip, small rotation), and
//! conversion of an image to another input shape (area-averaging resize, greyscale).

use rand::Rng;
use rand::rngs::StdRng;

use crate::error::{DataError, Result};
use crate::item::{Image, ImageExample, VectorExample};

/// `x ↦ (x − mean_c) / std_c` per channel `c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalize {
    /// Channel means.
    pub mean: Vec<f32>,
    /// Channel standard deviations.
    pub std: Vec<f32>,
}

impl Normalize {
    /// Mean and standard deviation of each channel over `examples` (a constant channel gets
    /// std 1).
    pub fn fit(examples: &[ImageExample]) -> Self {
        let channels = examples.first().map_or(1, |e| e.image.channels);
        let mut sum = vec![0f64; channels];
        let mut sq = vec![0f64; channels];
        let mut count = vec![0f64; channels];
        for e in examples {
            let plane = e.image.height * e.image.width;
            for (i, &v) in e.image.pixels.iter().enumerate() {
                let c = (i / plane.max(1)).min(channels - 1);
                sum[c] += f64::from(v);
                sq[c] += f64::from(v) * f64::from(v);
                count[c] += 1.0;
            }
        }
        let mean: Vec<f32> = sum.iter().zip(&count).map(|(s, n)| (s / n.max(1.0)) as f32).collect();
        let std = sq
            .iter()
            .zip(&count)
            .zip(&mean)
            .map(|((q, n), m)| {
                let std = (q / n.max(1.0) - f64::from(*m).powi(2)).max(0.0).sqrt() as f32;
                // A constant channel carries no scale: leave it unscaled rather than divide by ~0.
                if std < 1e-6 { 1.0 } else { std }
            })
            .collect();
        Self { mean, std }
    }

    /// The identity normalisation for `channels` channels.
    pub fn identity(channels: usize) -> Self {
        Self { mean: vec![0.0; channels], std: vec![1.0; channels] }
    }

    /// Normalises `pixels` (CHW, `plane = h·w`) in place.
    pub fn apply(&self, pixels: &mut [f32], plane: usize) {
        for (i, v) in pixels.iter_mut().enumerate() {
            let c = i / plane.max(1);
            let (m, s) = (self.mean.get(c).copied().unwrap_or(0.0), self.std.get(c).copied().unwrap_or(1.0));
            *v = (*v - m) / s;
        }
    }

    /// The images normalised and flattened into feature vectors (CHW order), for a network on
    /// vectors such as the MLP.
    pub fn flatten(&self, items: Vec<ImageExample>) -> Vec<VectorExample> {
        items
            .into_iter()
            .map(|e| {
                let mut features = e.image.pixels;
                self.apply(&mut features, e.image.height * e.image.width);
                VectorExample { features, label: e.label }
            })
            .collect()
    }
}

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

/// `image` resized to `height × width` by area averaging: each output pixel is the mean of the
/// source area it covers, partly covered source pixels weighted by the covered fraction
/// (OpenCV's `INTER_AREA` when shrinking; integer factors average whole blocks). Every channel
/// is resized.
///
/// # Errors
/// [`DataError::InvalidConfig`] when the image or the target has a zero side.
pub fn resize_area(image: &Image, height: usize, width: usize) -> Result<Image> {
    if image.height == 0 || image.width == 0 || height == 0 || width == 0 {
        return Err(DataError::InvalidConfig(format!(
            "cannot resize a {}×{} image to {height}×{width}: every side must be at least 1",
            image.height, image.width
        )));
    }
    let (rows, cols) = (area_weights(image.height, height), area_weights(image.width, width));
    let mut out = Image::zeros(image.channels, height, width);
    for c in 0..image.channels {
        for (y, row) in rows.iter().enumerate() {
            for (x, col) in cols.iter().enumerate() {
                let mut sum = 0.0;
                for &(sy, wy) in row {
                    for &(sx, wx) in col {
                        sum += wy * wx * image.at(c, sy, sx);
                    }
                }
                *out.at_mut(c, y, x) = sum;
            }
        }
    }
    Ok(out)
}

/// For each of `target` output cells along one axis of `source` pixels, the source pixels it
/// covers and their weights (covered length over cell length; they sum to 1).
fn area_weights(source: usize, target: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = source as f64 / target as f64;
    (0..target)
        .map(|o| {
            let (start, end) = (o as f64 * scale, (o + 1) as f64 * scale);
            let (first, last) = (start.floor() as usize, (end.ceil() as usize).min(source));
            (first..last)
                .filter_map(|s| {
                    let covered = end.min(s as f64 + 1.0) - start.max(s as f64);
                    (covered > 0.0).then_some((s, (covered / scale) as f32))
                })
                .collect()
        })
        .collect()
}

/// The one-channel luminance of `image`: Rec. 601 `0.299 R + 0.587 G + 0.114 B` of the first
/// three channels for three or more (RGB, RGBA), the first channel for one or two (grey, grey
/// with alpha).
pub fn greyscale(image: &Image) -> Image {
    let mut out = Image::zeros(1, image.height, image.width);
    for y in 0..image.height {
        for x in 0..image.width {
            *out.at_mut(0, y, x) = if image.channels >= 3 {
                0.299 * image.at(0, y, x) + 0.587 * image.at(1, y, x) + 0.114 * image.at(2, y, x)
            } else {
                image.at(0, y, x)
            };
        }
    }
    out
}

/// `image` converted to `[channels, height, width]`: resized by [`resize_area`], then made grey
/// by [`greyscale`] when one channel is asked for; other channel counts must already match.
///
/// # Errors
/// [`DataError::InvalidConfig`] for a zero side, or when `channels` is neither 1 nor the
/// image's channel count.
pub fn to_shape(image: &Image, [channels, height, width]: [usize; 3]) -> Result<Image> {
    let resized = resize_area(image, height, width)?;
    match channels {
        c if c == image.channels => Ok(resized),
        1 => Ok(greyscale(&resized)),
        _ => Err(DataError::InvalidConfig(format!(
            "cannot convert an image of {} channels to {channels} channels (only to 1, by luminance)",
            image.channels
        ))),
    }
}
