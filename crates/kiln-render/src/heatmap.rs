//! Heat-map panels: min-max normalisation, the jet colour map, a map as a coloured image and a
//! map blended over an image.

use image::{Rgb, RgbImage};

use crate::{dim, unit_to_u8};

/// Min-max normalises `values` to `[0, 1]`. A constant (or empty) map becomes all zeros, and
/// non-finite values become 0 and are left out of the minimum and maximum.
pub fn normalize_min_max(values: &[f32]) -> Vec<f32> {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) =
        finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(f64::from(v)), hi.max(f64::from(v))));
    let range = hi - lo;
    if !(range > 0.0 && range.is_finite()) {
        return vec![0.0; values.len()];
    }
    values.iter().map(|&v| if v.is_finite() { ((f64::from(v) - lo) / range) as f32 } else { 0.0 }).collect()
}

/// The "jet" colour map (matplotlib's piecewise-linear definition, as used by ProtoPNet via
/// OpenCV): 0 is dark blue `[0, 0, 128]`, 0.5 is green-ish, 1 is dark red `[128, 0, 0]`.
/// `v` is clamped to `[0, 1]`; NaN counts as 0.
pub fn colormap_jet(v: f32) -> [u8; 3] {
    const RED: &[(f32, f32)] = &[(0.0, 0.0), (0.35, 0.0), (0.66, 1.0), (0.89, 1.0), (1.0, 0.5)];
    const GREEN: &[(f32, f32)] = &[(0.0, 0.0), (0.125, 0.0), (0.375, 1.0), (0.64, 1.0), (0.91, 0.0), (1.0, 0.0)];
    const BLUE: &[(f32, f32)] = &[(0.0, 0.5), (0.11, 1.0), (0.34, 1.0), (0.65, 0.0), (1.0, 0.0)];
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    [unit_to_u8(piecewise(v, RED)), unit_to_u8(piecewise(v, GREEN)), unit_to_u8(piecewise(v, BLUE))]
}

/// Linear interpolation through `(x, y)` knots sorted by `x`, covering `[0, 1]`.
fn piecewise(v: f32, knots: &[(f32, f32)]) -> f32 {
    for pair in knots.windows(2) {
        if let [(x0, y0), (x1, y1)] = *pair
            && v <= x1
        {
            let t = if x1 > x0 { (v - x0) / (x1 - x0) } else { 1.0 };
            return y0 + (y1 - y0) * t.clamp(0.0, 1.0);
        }
    }
    knots.last().map_or(0.0, |&(_, y)| y)
}

/// Renders a row-major `h × w` heat map as a jet-coloured image, min-max normalised first
/// (see [`normalize_min_max`]; missing values count as 0).
pub fn heatmap_rgb(heat: &[f32], h: usize, w: usize) -> RgbImage {
    let n = h.saturating_mul(w).min(heat.len());
    let norm = normalize_min_max(&heat[..n]);
    RgbImage::from_fn(dim(w), dim(h), |x, y| {
        let i = y as usize * w + x as usize;
        Rgb(colormap_jet(norm.get(i).copied().unwrap_or(0.0)))
    })
}

/// Blends a jet-coloured heat map over `image`: each output pixel is
/// `(1 - alpha) * image + alpha * jet(normalised heat)`, with `alpha` clamped to `[0, 1]`
/// (NaN counts as 0).
///
/// `heat` is row-major and image-sized (`height * width`; upsample a smaller map with
/// [`upsample_bilinear`](crate::upsample_bilinear) first). It is min-max normalised (see
/// [`normalize_min_max`]: a constant map becomes all zeros, i.e. uniform dark blue); values
/// missing from a shorter `heat` count as 0.
pub fn blend_heatmap(image: &RgbImage, heat: &[f32], alpha: f32) -> RgbImage {
    let alpha = if alpha.is_nan() { 0.0 } else { alpha.clamp(0.0, 1.0) };
    let (w, h) = (image.width() as usize, image.height() as usize);
    let n = h.saturating_mul(w).min(heat.len());
    let norm = normalize_min_max(&heat[..n]);
    let mut out = image.clone();
    for (x, y, px) in out.enumerate_pixels_mut() {
        let i = y as usize * w + x as usize;
        let colour = colormap_jet(norm.get(i).copied().unwrap_or(0.0));
        for (channel, jet) in px.0.iter_mut().zip(colour) {
            let mixed = (1.0 - alpha) * f32::from(*channel) + alpha * f32::from(jet);
            *channel = mixed.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}
