//! Activation maps: bilinear upsampling, min-max normalisation, the jet colour map, heat-map
//! overlays and ProtoPNet's high-activation bounding box.

use image::{Rgb, RgbImage};
use kiln_data::Image;

use super::{dim, image_ops::to_rgb, unit_to_u8};

/// Upsamples (or downsamples) a row-major `h × w` map to `out_h × out_w` by bilinear
/// interpolation with `align_corners = false`, matching PyTorch's
/// `F.interpolate(mode="bilinear", align_corners=False)` with an explicit output size.
///
/// A 1×1 map becomes a constant map. Values missing from a `map` shorter than `h * w` are read
/// as 0 and extra values are ignored; a zero-sized input gives an all-zero output, and a
/// zero-sized output an empty vector.
pub fn upsample_bilinear(map: &[f32], h: usize, w: usize, out_h: usize, out_w: usize) -> Vec<f32> {
    let Some(n_out) = out_h.checked_mul(out_w) else {
        return Vec::new();
    };
    if n_out == 0 {
        return Vec::new();
    }
    if h == 0 || w == 0 || h.checked_mul(w).is_none() {
        return vec![0.0; n_out];
    }
    let value = |y: usize, x: usize| f64::from(map.get(y * w + x).copied().unwrap_or(0.0));
    let rows = axis_weights(h, out_h);
    let cols = axis_weights(w, out_w);
    let mut out = Vec::with_capacity(n_out);
    for &(y0, y1, ly) in &rows {
        for &(x0, x1, lx) in &cols {
            let top = value(y0, x0) * (1.0 - lx) + value(y0, x1) * lx;
            let bottom = value(y1, x0) * (1.0 - lx) + value(y1, x1) * lx;
            out.push((top * (1.0 - ly) + bottom * ly) as f32);
        }
    }
    out
}

/// For each output index along one axis: the two source indices and the weight of the second.
/// `input` and `output` are non-zero.
fn axis_weights(input: usize, output: usize) -> Vec<(usize, usize, f64)> {
    let scale = input as f64 / output as f64;
    let last = input - 1;
    (0..output)
        .map(|d| {
            // PyTorch's area_pixel_compute_source_index: half-pixel centres, clamped at 0.
            let src = ((d as f64 + 0.5) * scale - 0.5).max(0.0);
            let i0 = (src.floor() as usize).min(last);
            let i1 = (i0 + 1).min(last);
            (i0, i1, (src - i0 as f64).clamp(0.0, 1.0))
        })
        .collect()
}

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
/// `(1 - alpha) * image + alpha * jet(normalised heat)`, with `alpha` clamped to `[0, 1]`.
///
/// `heat` is row-major and image-sized (`image.height * image.width`; upsample a similarity
/// map with [`upsample_bilinear`] first). It is min-max normalised (a constant map becomes all
/// zeros, i.e. uniform dark blue); values missing from a shorter `heat` count as 0. Grey images
/// are replicated to RGB (see [`to_rgb`]).
pub fn heatmap_overlay(image: &Image, heat: &[f32], alpha: f32) -> RgbImage {
    let alpha = if alpha.is_nan() { 0.0 } else { alpha.clamp(0.0, 1.0) };
    let (h, w) = (image.height, image.width);
    let n = h.saturating_mul(w).min(heat.len());
    let norm = normalize_min_max(&heat[..n]);
    let mut out = to_rgb(image);
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

/// The inclusive bounding box `(y0, x0, y1, x1)` of the pixels of a row-major `h × w` map whose
/// value is at least its `percentile`-th percentile — ProtoPNet's `find_high_activation_crop`
/// (which uses the 95th), but with an inclusive end instead of an exclusive one.
///
/// The percentile is computed like `numpy.percentile` (linear interpolation between order
/// statistics) over the finite values; `percentile` is clamped to `[0, 100]` (NaN counts as
/// 100). The box is never empty when the map has a finite value: the maximum always passes.
/// For an empty map (zero size, or no finite values) the result is `(0, 0, 0, 0)`. Values
/// missing from a `heat` shorter than `h * w` are skipped.
pub fn high_activation_box(heat: &[f32], h: usize, w: usize, percentile: f32) -> (usize, usize, usize, usize) {
    if h == 0 || w == 0 {
        return (0, 0, 0, 0);
    }
    let values = &heat[..h.saturating_mul(w).min(heat.len())];
    let mut sorted: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return (0, 0, 0, 0);
    }
    sorted.sort_by(f32::total_cmp);
    let p = if percentile.is_nan() { 100.0 } else { f64::from(percentile).clamp(0.0, 100.0) };
    let threshold = percentile_of_sorted(&sorted, p);

    let (mut y0, mut x0, mut y1, mut x1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, &v) in values.iter().enumerate() {
        if v.is_finite() && v >= threshold {
            let (y, x) = (i / w, i % w);
            y0 = y0.min(y);
            x0 = x0.min(x);
            y1 = y1.max(y);
            x1 = x1.max(x);
        }
    }
    if y0 == usize::MAX {
        // Unreachable (the maximum passes the threshold), but stay total.
        return (0, 0, 0, 0);
    }
    (y0, x0, y1, x1)
}

/// `numpy.percentile(values, p)` (linear method) of non-empty sorted `values`, never above the
/// maximum.
fn percentile_of_sorted(sorted: &[f32], p: f64) -> f32 {
    let (Some(&first), Some(&max)) = (sorted.first(), sorted.last()) else {
        return 0.0;
    };
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let at = |i: usize| f64::from(sorted.get(i).copied().unwrap_or(max));
    let t = at(lo) + (at(hi) - at(lo)) * (rank - lo as f64);
    (t as f32).clamp(first, max)
}
