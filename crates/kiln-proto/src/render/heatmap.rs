//! Activation maps over [`kiln_data::Image`]s: heat-map overlays and ProtoPNet's
//! high-activation bounding box (upsampling, normalisation and the colour map are
//! [`kiln_render`]'s).

use image::RgbImage;
use kiln_data::Image;
use kiln_render::blend_heatmap;

use super::image_ops::to_rgb;

/// Blends a jet-coloured heat map over `image`: each output pixel is
/// `(1 - alpha) * image + alpha * jet(normalised heat)`, with `alpha` clamped to `[0, 1]`.
///
/// `heat` is row-major and image-sized (`image.height * image.width`; upsample a similarity
/// map with [`upsample_bilinear`](kiln_render::upsample_bilinear) first). It is min-max
/// normalised (a constant map becomes all zeros, i.e. uniform dark blue); values missing from a
/// shorter `heat` count as 0. Grey images are replicated to RGB (see [`to_rgb`]). See
/// [`blend_heatmap`].
pub fn heatmap_overlay(image: &Image, heat: &[f32], alpha: f32) -> RgbImage {
    blend_heatmap(&to_rgb(image), heat, alpha)
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
