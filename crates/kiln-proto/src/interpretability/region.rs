//! The activated region of a prototype on an image (`get_corresponding_object_parts` of
//! hqhQAQ/EvalProtoPNet, `util/eval_interpretability.py`): the activation map upsampled
//! bicubically to the image, its first maximum, and a box of half-size 36 px (at 224 px)
//! around it.

use kiln_core::seed::derive_seed;
use kiln_render::upsample_bicubic;

use super::keypoints::PartKeypoints;

/// The official half-size of the activated region, in pixels of a 224-px image.
pub const HALF_SIZE_AT_224: f64 = 36.0;

/// The image side the official half-size refers to.
pub const REFERENCE_SIDE: f64 = 224.0;

/// The half-size `(rows, columns)` of the region on a `height × width` image:
/// `round(36 · side / 224)` per axis (10 px at 64 px, 5 at 32 px), so the box covers the same
/// share of the image as the official 72 × 72 at 224 px.
pub fn half_size(height: usize, width: usize, half_size_at_224: f64) -> (usize, usize) {
    let scaled = |side: usize| (half_size_at_224 * side as f64 / REFERENCE_SIDE).round().max(0.0) as usize;
    (scaled(height), scaled(width))
}

/// The peak `(row, column)` of an activation map over the image: the `h × w` map upsampled to
/// `height × width` by OpenCV's bicubic interpolation ([`upsample_bicubic`]), then its first
/// maximum in row-major order (`np.where(map == map.max())[..][0]`). NaNs never win; an
/// all-NaN map peaks at `(0, 0)`.
pub fn peak(map: &[f32], grid: (usize, usize), height: usize, width: usize) -> (usize, usize) {
    let up = upsample_bicubic(map, grid.0, grid.1, height, width);
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &v) in up.iter().enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    (best.0 / width.max(1), best.0 % width.max(1))
}

/// A pixel drawn uniformly from a `height × width` image by `seed` and `counter` (the chance
/// level's stand-in for [`peak`]).
pub fn random_peak(seed: u64, counter: u64, height: usize, width: usize) -> (usize, usize) {
    let pixels = (height * width).max(1) as u64;
    let index = (derive_seed(seed, counter) % pixels) as usize;
    (index / width.max(1), index % width.max(1))
}

/// The box around a peak, as the official `region_pred = (max(0, y − s), min(H, y + s),
/// max(0, x − s), min(W, x + s))`; both ends are inclusive in [`ActivatedRegion::contains`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivatedRegion {
    /// First row.
    pub y0: usize,
    /// Last row (inclusive; may equal the image height, as in the official code).
    pub y1: usize,
    /// First column.
    pub x0: usize,
    /// Last column (inclusive; may equal the image width).
    pub x1: usize,
}

impl ActivatedRegion {
    /// The box of half-size `half = (rows, columns)` around `peak = (row, column)` on a
    /// `height × width` image.
    pub fn around(peak: (usize, usize), half: (usize, usize), height: usize, width: usize) -> Self {
        let (y, x) = peak;
        Self {
            y0: y.saturating_sub(half.0),
            y1: (y + half.0).min(height),
            x0: x.saturating_sub(half.1),
            x1: (x + half.1).min(width),
        }
    }

    /// Whether keypoint `(x, y)` lies in the box, on whole pixels (`int(...)` of the official
    /// part locations).
    pub fn contains(&self, (x, y): (f32, f32)) -> bool {
        if !(x >= 0.0 && y >= 0.0) {
            return false;
        }
        let (x, y) = (x.floor() as usize, y.floor() as usize);
        (self.y0..=self.y1).contains(&y) && (self.x0..=self.x1).contains(&x)
    }

    /// Which parts the box hits: a visible part whose keypoint lies in it.
    pub fn hits(&self, keypoints: &PartKeypoints) -> Vec<bool> {
        keypoints.points.iter().map(|p| p.is_some_and(|point| self.contains(point))).collect()
    }
}
