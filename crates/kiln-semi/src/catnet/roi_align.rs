//! RoIAlign (He et al., Mask R-CNN, 2017) with torchvision's `aligned=True` semantics.
//!
//! A box `[x0, y0, x1, y1]` in image pixels is mapped to feature coordinates with
//! `u = x · spatial_scale − ½` (the half-pixel shift of `aligned=True`), split into
//! `output × output` bins, and each bin is the average of `g_h × g_w` bilinear samples at
//! `y = y0' + (p + (i + ½) / g_h) · bin_h` (and the same along x), where `g = sampling_ratio`,
//! or `⌈roi_size / output⌉` when it is `None`. Samples with `y < −1` or `y > H` (or the same in
//! x) count as zero; samples in `[−1, 0]` are clamped to 0, samples past `H − 1` to `H − 1`.
//!
//! Bilinear sampling is separable and so is the validity test, so every bin is
//! `out[c, p, q] = Σ_{r, s} W_y[p, r] · F[c, r, s] · W_x[q, s]` with
//! `W_y[p, r] = (1/g_h) Σ_i valid(y_{p,i}) · tent(y_{p,i}, r)`. The weight matrices are built on
//! the host and applied with two matmuls, so the result is differentiable with respect to the
//! features (not to the box coordinates, as in torchvision).

use burn::prelude::{Int, Tensor, TensorData};

use super::boxes::BoxXyxy;
use crate::error::{Result, SemiError};

/// A region of interest: a box in image pixels on image `batch` of the feature batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    /// The image of the batch the box lies on.
    pub batch: usize,
    /// `[x0, y0, x1, y1]` in input-image pixels.
    pub bbox: BoxXyxy,
}

impl Roi {
    /// A box on image `batch`.
    pub fn new(batch: usize, bbox: BoxXyxy) -> Self {
        Self { batch, bbox }
    }
}

/// The `output × size` sampling matrix along one axis of `size` positions, for the interval
/// `[start, end)` in feature coordinates (already scaled and shifted).
pub(crate) fn axis_weights(
    start: f32,
    end: f32,
    output: usize,
    size: usize,
    sampling_ratio: Option<usize>,
) -> Vec<f32> {
    let length = end - start;
    let bin = length / output as f32;
    let grid = sampling_ratio.unwrap_or_else(|| (length / output as f32).ceil().max(1.0) as usize).max(1);
    let mut weights = vec![0.0f32; output * size];
    let last = size as f32 - 1.0;
    for p in 0..output {
        let row = &mut weights[p * size..(p + 1) * size];
        for i in 0..grid {
            let mut y = start + p as f32 * bin + (i as f32 + 0.5) * bin / grid as f32;
            if y < -1.0 || y > size as f32 {
                continue;
            }
            y = y.max(0.0);
            let low = y.floor();
            let (low, high, frac) = if low >= last { (last, last, 0.0) } else { (low, low + 1.0, y - low) };
            row[low as usize] += (1.0 - frac) / grid as f32;
            row[high as usize] += frac / grid as f32;
        }
    }
    weights
}

/// RoIAlign of every box of `rois` on `features`.
///
/// # Shapes
/// `features: [b, c, h, w]` → `[rois.len(), c, output, output]`
///
/// # Errors
/// [`SemiError::Shape`] when `rois` is empty, a box names an image past the batch, or `output`
/// is 0.
pub fn roi_align(
    features: Tensor<4>,
    rois: &[Roi],
    output: usize,
    spatial_scale: f32,
    sampling_ratio: Option<usize>,
) -> Result<Tensor<4>> {
    let [batch, channels, height, width] = features.dims();
    if rois.is_empty() || output == 0 {
        return Err(SemiError::Shape {
            what: "roi_align",
            reason: format!("{} boxes, output {output}: need at least one box and output ≥ 1", rois.len()),
        });
    }
    if let Some(roi) = rois.iter().find(|r| r.batch >= batch) {
        return Err(SemiError::Shape {
            what: "roi_align",
            reason: format!("box on image {} of a batch of {batch}", roi.batch),
        });
    }
    let k = rois.len();
    let mut wy = Vec::with_capacity(k * output * height);
    let mut wx = Vec::with_capacity(k * output * width);
    for roi in rois {
        let [x0, y0, x1, y1] = roi.bbox.map(|v| v * spatial_scale - 0.5);
        wy.extend(axis_weights(y0, y1, output, height, sampling_ratio));
        wx.extend(axis_weights(x0, x1, output, width, sampling_ratio));
    }
    let device = features.device();
    let index: Vec<i64> = rois.iter().map(|r| r.batch as i64).collect();
    let index = Tensor::<1, Int>::from_data(TensorData::new(index, [k]), &device);
    let gathered = features.select(0, index);
    let wy = Tensor::<4>::from_data(TensorData::new(wy, [k, 1, output, height]), &device)
        .expand([k, channels, output, height]);
    // W_xᵀ: [k, 1, width, output].
    let wxt = Tensor::<4>::from_data(TensorData::new(wx, [k, 1, output, width]), &device)
        .swap_dims(2, 3)
        .expand([k, channels, width, output]);
    Ok(wy.matmul(gathered).matmul(wxt))
}
