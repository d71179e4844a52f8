//! SimCLR v2's colour jitter and greyscale, as TensorFlow computes them.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::colour::{adjust_brightness, adjust_hue, hsv_to_rgb, rgb_to_hsv};
use crate::item::Image;

/// `tf.image.rgb_to_grayscale`'s weights.
const GREY: [f32; 3] = [0.2989, 0.5870, 0.1140];

/// SimCLR v2's colour distortion (Chen et al. 2020, appendix A; google-research/simclr
/// `tf2/data_util.py`, `color_jitter_rand` with `impl='simclrv2'`) and its random greyscale.
///
/// With strength `s`, the four adjustments run in a random order (a uniform permutation), each
/// followed by clipping to `[0, 1]`:
/// - brightness: `x·f`, `f ~ U(max(0, 1 − 0.8s), 1 + 0.8s)` (v2's multiplicative brightness;
///   [`adjust_brightness`]);
/// - contrast: per channel `(x − μ_c)·f + μ_c`, `μ_c` the channel's mean over the image,
///   `f ~ U(1 − 0.8s, 1 + 0.8s)` (`tf.image.adjust_contrast`; torchvision's [`adjust_contrast`]
///   blends with the mean *grey* level instead, so it is not reused);
/// - saturation: HSV saturation times `f ~ U(1 − 0.8s, 1 + 0.8s)`, clipped to `[0, 1]`
///   (`tf.image.adjust_saturation`; torchvision blends with the grey image, so not reused);
/// - hue: HSV hue plus `δ ~ U(−0.2s, 0.2s)`, wrapping ([`adjust_hue`], which matches
///   `tf.image.adjust_hue`).
///
/// An adjustment whose range is zero (`s = 0`) is skipped, so strength 0 is the identity.
/// [`ColourJitter::apply`] distorts with probability `probability` (SimCLR: 0.8). Greyscale
/// ([`grey_rgb`]) is `tf.image.rgb_to_grayscale` (weights 0.2989, 0.5870, 0.1140) tiled back to
/// three channels; SimCLR applies it with probability 0.2 after the jitter
/// (`random_color_jitter`), which [`SimClrAugment`](super::SimClrAugment) does.
///
/// Deviations: TensorFlow rejects contrast and saturation ranges with a negative lower bound
/// (`s > 1.25`); here the lower bound is clamped to 0. A one-channel image has no saturation or
/// hue: those two leave it unchanged (TensorFlow needs RGB); its greyscale is itself.
///
/// [`adjust_brightness`]: super::adjust_brightness
/// [`adjust_contrast`]: super::adjust_contrast
/// [`adjust_hue`]: super::adjust_hue
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColourJitter {
    /// Strength `s` (SimCLR: 1.0 on ImageNet, 0.5 on CIFAR-10).
    pub strength: f32,
    /// Probability of distorting an image at all (SimCLR: 0.8).
    pub probability: f32,
}

impl ColourJitter {
    /// SimCLR's jitter: strength `strength`, applied with probability 0.8.
    pub fn simclr(strength: f32) -> Self {
        Self { strength, probability: 0.8 }
    }

    /// With probability [`probability`](Self::probability), [`distort`](Self::distort)`(image)`;
    /// otherwise a copy of `image`.
    pub fn apply(&self, image: &Image, rng: &mut StdRng) -> Image {
        if rng.random::<f32>() < self.probability { self.distort(image, rng) } else { image.clone() }
    }

    /// The four adjustments in a random order, each followed by clipping to `[0, 1]`.
    pub fn distort(&self, image: &Image, rng: &mut StdRng) -> Image {
        // A negative or NaN strength counts as 0.
        let strength = self.strength.max(0.0);
        let (scale, hue) = (0.8 * strength, 0.2 * strength);
        let mut order = [0, 1, 2, 3];
        order.shuffle(rng);
        let mut out = image.clone();
        for step in order {
            out = match step {
                0 if scale != 0.0 => adjust_brightness(&out, rng.random_range((1.0 - scale).max(0.0)..=1.0 + scale)),
                1 if scale != 0.0 => {
                    adjust_contrast_per_channel(&out, rng.random_range((1.0 - scale).max(0.0)..=1.0 + scale))
                }
                2 if scale != 0.0 => {
                    adjust_saturation_hsv(&out, rng.random_range((1.0 - scale).max(0.0)..=1.0 + scale))
                }
                3 if hue != 0.0 && out.channels == 3 => {
                    let delta = rng.random_range(-hue..=hue);
                    adjust_hue(&out, delta).unwrap_or_else(|_| out.clone())
                }
                _ => out,
            };
            out.pixels.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
        }
        out
    }
}

/// `tf.image.adjust_contrast`: every channel `(x − μ_c)·factor + μ_c`, `μ_c` its mean.
pub fn adjust_contrast_per_channel(image: &Image, factor: f32) -> Image {
    let plane = image.height * image.width;
    let mut out = image.clone();
    if plane == 0 {
        return out;
    }
    for channel in out.pixels.chunks_mut(plane) {
        let mean = (channel.iter().map(|&v| f64::from(v)).sum::<f64>() / plane as f64) as f32;
        channel.iter_mut().for_each(|v| *v = (*v - mean) * factor + mean);
    }
    out
}

/// `tf.image.adjust_saturation`: every pixel's HSV saturation times `factor`, clipped to
/// `[0, 1]`; an image that is not RGB is returned unchanged.
pub fn adjust_saturation_hsv(image: &Image, factor: f32) -> Image {
    let mut out = image.clone();
    if image.channels != 3 {
        return out;
    }
    let plane = image.height * image.width;
    for i in 0..plane {
        let [h, s, v] = rgb_to_hsv([image.pixels[i], image.pixels[plane + i], image.pixels[2 * plane + i]]);
        let rgb = hsv_to_rgb(h, (s * factor).clamp(0.0, 1.0), v);
        for (c, value) in rgb.into_iter().enumerate() {
            out.pixels[c * plane + i] = value;
        }
    }
    out
}

/// `tf.image.rgb_to_grayscale` tiled to three channels (`to_grayscale(keep_channels=True)`):
/// every channel `0.2989 R + 0.5870 G + 0.1140 B`. An image that is not RGB is returned unchanged.
pub fn grey_rgb(image: &Image) -> Image {
    let mut out = image.clone();
    if image.channels != 3 {
        return out;
    }
    let plane = image.height * image.width;
    for i in 0..plane {
        let y: f32 = (0..3).map(|c| GREY[c] * image.pixels[c * plane + i]).sum();
        for c in 0..3 {
            out.pixels[c * plane + i] = y;
        }
    }
    out
}
