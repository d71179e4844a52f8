//! Host-side helpers of the RoI heads ([`super::roi_head`]): the seeded jittered RoIs
//! ([`jitter_boxes`]), mask targets ([`mask_target`], mmdet's `BitmapMasks.crop_and_resize`:
//! RoIAlign of the binary mask with `aligned=True` and adaptive sampling, binarised at 0.5) and
//! pasting predicted masks back into the image ([`paste_mask`], mmdet's `_do_paste_mask`).

use kiln_data::detection::Mask;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::boxes::{BoxXyxy, box_iou};
use super::roi_align::axis_weights;

/// Attempts per box of [`jitter_boxes`] before it keeps the true box.
const JITTER_TRIES: usize = 32;

/// Factor by which [`jitter_boxes`] shrinks the jitter after a draw it rejects.
const JITTER_SHRINK: f32 = 0.8;

/// Every box moved by up to `amount` of its width (height) along x (y) and scaled by a factor in
/// `[1 − amount, 1 + amount]` along each axis (uniform draws from a generator seeded by
/// `seed`). A draw whose IoU with the original box is below 0.5 is redrawn with the jitter
/// shrunk by 0.8 (after 32 rejected draws the original box is kept; with `amount ≤ 0.15` every
/// first draw is accepted). `amount` 0 returns the boxes unchanged.
pub fn jitter_boxes(boxes: &[BoxXyxy], amount: f32, seed: u64) -> Vec<BoxXyxy> {
    let amount = amount.abs();
    let mut rng = StdRng::seed_from_u64(seed);
    boxes
        .iter()
        .map(|b| {
            let (w, h) = (b[2] - b[0], b[3] - b[1]);
            let (cx, cy) = (b[0] + 0.5 * w, b[1] + 0.5 * h);
            let mut amplitude = amount;
            for _ in 0..JITTER_TRIES {
                let mut draw = || amplitude * rng.random_range(-1.0f32..=1.0);
                let (dx, dy, sw, sh) = (draw() * w, draw() * h, 1.0 + draw(), 1.0 + draw());
                let (nw, nh) = (w * sw, h * sh);
                let candidate = [cx + dx - 0.5 * nw, cy + dy - 0.5 * nh, cx + dx + 0.5 * nw, cy + dy + 0.5 * nh];
                if nw > 0.0 && nh > 0.0 && box_iou(&candidate, b) >= 0.5 {
                    return candidate;
                }
                amplitude *= JITTER_SHRINK;
            }
            *b
        })
        .collect()
}

/// The mask target of a RoI (mmdet's `mask_target`): `mask` (full image) cropped to `roi` and
/// resized to `size × size` by RoIAlign (`aligned=True`, `⌈side / size⌉` samples per bin side),
/// then binarised (`≥ 0.5` → 1). Row-major.
pub fn mask_target(mask: &Mask, roi: &BoxXyxy, size: usize) -> Vec<f32> {
    if mask.height == 0 || mask.width == 0 {
        return vec![0.0; size * size];
    }
    // RoIAlign's own axis weights (`aligned=True`: centres at `p + ½`, adaptive sampling), kept
    // sparse: a bin touches a few pixels of the mask.
    let sparse = |start: f32, end: f32, extent: usize| -> Vec<Vec<(usize, f32)>> {
        axis_weights(start - 0.5, end - 0.5, size, extent, None)
            .chunks(extent)
            .map(|row| row.iter().enumerate().filter(|&(_, &w)| w != 0.0).map(|(i, &w)| (i, w)).collect())
            .collect()
    };
    let rows = sparse(roi[1], roi[3], mask.height);
    let cols = sparse(roi[0], roi[2], mask.width);
    let mut out = Vec::with_capacity(size * size);
    for row in &rows {
        for col in &cols {
            let mut value = 0.0f32;
            for &(y, wy) in row {
                for &(x, wx) in col {
                    if mask.get(y, x) {
                        value += wy * wx;
                    }
                }
            }
            out.push(if value >= 0.5 { 1.0 } else { 0.0 });
        }
    }
    out
}

/// Bilinear sample of a `size × size` map at cell coordinates `(v, u)` (cell centres at
/// integers) with zeros outside, as `grid_sample(padding_mode='zeros', align_corners=False)`.
fn sample_zero_padded(map: &[f32], size: usize, v: f32, u: f32) -> f32 {
    let (v0, u0) = (v.floor(), u.floor());
    let (fv, fu) = (v - v0, u - u0);
    let at = |r: f32, c: f32| {
        if r < 0.0 || c < 0.0 || r >= size as f32 || c >= size as f32 {
            0.0
        } else {
            map[r as usize * size + c as usize]
        }
    };
    (1.0 - fv) * ((1.0 - fu) * at(v0, u0) + fu * at(v0, u0 + 1.0))
        + fv * ((1.0 - fu) * at(v0 + 1.0, u0) + fu * at(v0 + 1.0, u0 + 1.0))
}

/// A RoI's mask probabilities (`size × size`, row-major) pasted into a `height × width` image
/// (mmdet's `_do_paste_mask`): pixel `(y, x)` samples the map bilinearly (zeros outside) at its
/// centre's position in the box and is set when the value is at least `threshold`.
///
/// # Panics
/// When `probabilities` is not `size²` long.
pub fn paste_mask(
    probabilities: &[f32],
    size: usize,
    bbox: &BoxXyxy,
    height: usize,
    width: usize,
    threshold: f32,
) -> Mask {
    assert_eq!(probabilities.len(), size * size, "paste_mask: {} values for {size}²", probabilities.len());
    let mut mask = Mask::new(height, width);
    let (bw, bh) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
    if size == 0 || bw <= 0.0 || bh <= 0.0 {
        return mask;
    }
    let clip = |v: f32, n: usize| v.max(0.0).min(n as f32) as usize;
    let (x0, x1) = (clip(bbox[0].floor() - 1.0, width), clip(bbox[2].ceil() + 1.0, width));
    let (y0, y1) = (clip(bbox[1].floor() - 1.0, height), clip(bbox[3].ceil() + 1.0, height));
    for y in y0..y1 {
        let v = (y as f32 + 0.5 - bbox[1]) / bh * size as f32 - 0.5;
        for x in x0..x1 {
            let u = (x as f32 + 0.5 - bbox[0]) / bw * size as f32 - 0.5;
            if sample_zero_padded(probabilities, size, v, u) >= threshold {
                mask.set(y, x, true);
            }
        }
    }
    mask
}
