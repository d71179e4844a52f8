//! Colour adjustments with fixed factors, as torchvision's `ColorJitter` applies them to float
//! tensors in `[0, 1]` (`torchvision.transforms.functional`'s `adjust_brightness`,
//! `adjust_contrast`, `adjust_saturation`, `adjust_hue`), and the HSV conversions they use.
//!
//! With `blend(a, b, f) = clamp(f·a + (1 − f)·b, 0, 1)` and the Rec. 601 grey
//! `Y = 0.2989 R + 0.587 G + 0.114 B`:
//! - brightness `f`: `blend(x, 0, f) = clamp(f·x)`;
//! - contrast `f`: `blend(x, Ȳ, f)`, `Ȳ` the mean grey level of the whole image;
//! - saturation `f`: `blend(x, Y(x), f)` per pixel;
//! - hue `δ` (a fraction of the colour circle): `h ↦ (h + δ) mod 1` in HSV.
//!
//! `f = 1` (and `δ = 0`) leave an image unchanged. A one-channel image has no hue or
//! saturation: those two return it unchanged, as torchvision does; its contrast uses the mean
//! of its one channel.
//!
//! Deviation: Nauta et al. jittered 8-bit PIL images, where PIL quantises (the hue shift becomes
//! `⌊0.1·255⌋ = 25` steps of 256, the contrast mean a whole grey level); here the arithmetic is
//! in floats, so pure red shifted by 0.1 is exactly `(1, 0.6, 0)`.

use crate::error::{DataError, Result};
use crate::item::Image;

/// Rec. 601 luma weights of torchvision's `rgb_to_grayscale`.
const LUMA: [f32; 3] = [0.2989, 0.587, 0.114];

/// Brightness: every value times `factor`, clamped to `[0, 1]`.
pub fn adjust_brightness(image: &Image, factor: f32) -> Image {
    map_values(image, |v| v * factor)
}

/// Contrast: every value blended with the image's mean grey level,
/// `clamp(f·x + (1 − f)·Ȳ)`.
///
/// # Errors
/// [`DataError::InvalidConfig`] for an image that is neither grey (1 channel) nor RGB (3).
pub fn adjust_contrast(image: &Image, factor: f32) -> Result<Image> {
    let grey = grey_plane(image)?;
    let mean = grey.iter().map(|&v| f64::from(v)).sum::<f64>() / grey.len().max(1) as f64;
    let mean = mean as f32;
    Ok(map_values(image, |v| factor * v + (1.0 - factor) * mean))
}

/// Saturation: every pixel blended with its own grey level, `clamp(f·x + (1 − f)·Y(x))`; a grey
/// image is returned unchanged.
///
/// # Errors
/// [`DataError::InvalidConfig`] for an image that is neither grey nor RGB.
pub fn adjust_saturation(image: &Image, factor: f32) -> Result<Image> {
    let grey = grey_plane(image)?;
    if image.channels == 1 {
        return Ok(image.clone());
    }
    let plane = grey.len();
    let mut out = image.clone();
    for (i, v) in out.pixels.iter_mut().enumerate() {
        let y = grey.get(i % plane.max(1)).copied().unwrap_or(0.0);
        *v = (factor * *v + (1.0 - factor) * y).clamp(0.0, 1.0);
    }
    Ok(out)
}

/// Hue: every pixel's hue moved by `shift` (a fraction of the colour circle, wrapping), its
/// saturation and value kept; a grey image is returned unchanged.
///
/// # Errors
/// [`DataError::InvalidConfig`] for an image that is neither grey nor RGB.
pub fn adjust_hue(image: &Image, shift: f32) -> Result<Image> {
    rgb_only(image)?;
    if image.channels == 1 {
        return Ok(image.clone());
    }
    let plane = image.height * image.width;
    let mut out = image.clone();
    for i in 0..plane {
        let rgb = [image.pixels[i], image.pixels[plane + i], image.pixels[2 * plane + i]];
        let [h, s, v] = rgb_to_hsv(rgb);
        let shifted = hsv_to_rgb(h + shift, s, v);
        for (c, value) in shifted.into_iter().enumerate() {
            out.pixels[c * plane + i] = value.clamp(0.0, 1.0);
        }
    }
    Ok(out)
}

/// RGB in `[0, 1]` to HSV, all three in `[0, 1]` (torchvision's `_rgb2hsv`): `v = max`,
/// `s = (max − min) / max` (0 for black), hue from the channel that is the maximum (0 for grey).
pub fn rgb_to_hsv([r, g, b]: [f32; 3]) -> [f32; 3] {
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let chroma = max - min;
    let s = if max > 0.0 { chroma / max } else { 0.0 };
    if chroma <= 0.0 {
        return [0.0, s, max];
    }
    let sector = if max == r {
        (g - b) / chroma
    } else if max == g {
        2.0 + (b - r) / chroma
    } else {
        4.0 + (r - g) / chroma
    };
    [(sector / 6.0).rem_euclid(1.0), s, max]
}

/// HSV (all in `[0, 1]`, the hue wrapping around) to RGB: the hue's sixth of the circle `i` and
/// the fraction `f` into it give `p = v(1 − s)`, `q = v(1 − s·f)`, `t = v(1 − s(1 − f))`, and
/// `(v,t,p), (q,v,p), (p,v,t), (p,q,v), (t,p,v), (v,p,q)` for `i = 0..5`.
pub fn hsv_to_rgb(hue: f32, sat: f32, value: f32) -> [f32; 3] {
    let h = hue.rem_euclid(1.0) * 6.0;
    let f = h - h.floor();
    let (p, q, t) = (value * (1.0 - sat), value * (1.0 - sat * f), value * (1.0 - sat * (1.0 - f)));
    // `rem_euclid` can round a tiny negative hue up to exactly 1 (h = 6): that is sector 0.
    match h as u32 % 6 {
        0 => [value, t, p],
        1 => [q, value, p],
        2 => [p, value, t],
        3 => [p, q, value],
        4 => [t, p, value],
        _ => [value, p, q],
    }
}

/// Checks that `image` is grey (1 channel) or RGB (3 channels).
fn rgb_only(image: &Image) -> Result<()> {
    if matches!(image.channels, 1 | 3) {
        Ok(())
    } else {
        Err(DataError::InvalidConfig(format!(
            "colour adjustments need a grey (1-channel) or RGB (3-channel) image, got {} channels",
            image.channels
        )))
    }
}

/// The grey level of every pixel (row-major): `Y = 0.2989 R + 0.587 G + 0.114 B` for RGB, the
/// channel itself for grey.
fn grey_plane(image: &Image) -> Result<Vec<f32>> {
    rgb_only(image)?;
    let plane = image.height * image.width;
    if image.channels == 1 {
        return Ok(image.pixels.clone());
    }
    Ok((0..plane)
        .map(|i| (0..3).map(|c| LUMA[c] * image.pixels.get(c * plane + i).copied().unwrap_or(0.0)).sum())
        .collect())
}

/// `image` with `f` applied to every value, clamped to `[0, 1]`.
fn map_values(image: &Image, f: impl Fn(f32) -> f32) -> Image {
    let mut out = image.clone();
    out.pixels.iter_mut().for_each(|v| *v = f(*v).clamp(0.0, 1.0));
    out
}
