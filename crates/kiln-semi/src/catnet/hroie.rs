//! Hierarchical RoI extraction (HRoIE, CATNet's `models/hroie.py`): instead of pooling a box
//! from the one level its size selects, pool it from *every* level and fuse the crops with
//! learned gates, level by level.
//!
//! With `r_l = RoIAlign(P_l, box)` (7×7 for the box head, 14×14 for the mask head) and
//! `acc₀ = 0`, visit the levels bottom-up (finest first: box head) or top-down (coarsest
//! first: mask head) and update
//!
//! `g_l = σ(W_l [acc, r_l] + b_l)`, `acc ← acc + r_l ⊙ g_l`,
//!
//! where `W_l` is a 1×1 convolution `2C → C` (one per level, Caffe2-Xavier, bias 0) and
//! `[·,·]` concatenates channels. The result is `acc`.
//!
//! [`single_level_roi_align`] is the baseline HRoIE replaces (mmdet's `SingleRoIExtractor`):
//! a box of side `s = √(wh)` is pooled only from level
//! `clamp(⌊log₂(s / 56 + 10⁻⁶)⌋, 0, L − 1)`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::sigmoid;

use super::layers::xavier_conv;
use super::roi_align::{Roi, roi_align};
use crate::error::{self, SemiError};

/// The order in which HRoIE visits the levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Direction {
    /// Finest level first (CATNet's box head).
    BottomUp,
    /// Coarsest level first (CATNet's mask head).
    TopDown,
}

/// Configuration of an [`HRoIE`].
#[derive(Config, Debug)]
pub struct HRoIEConfig {
    /// Channels `C` of every level.
    pub channels: usize,
    /// Strides of the levels in input pixels, finest first (Mask R-CNN: 4, 8, 16, 32).
    pub strides: Vec<usize>,
    /// The visiting order.
    pub direction: Direction,
    /// RoIAlign output side (7 for boxes, 14 for masks). Default: 7.
    #[config(default = 7)]
    pub output: usize,
    /// RoIAlign samples per bin side; 0 is adaptive (mmdet's setting). Default: 0.
    #[config(default = 0)]
    pub sampling_ratio: usize,
}

impl HRoIEConfig {
    /// Builds the extractor on `device`.
    pub fn init(&self, device: &Device) -> HRoIE {
        HRoIE {
            gates: self
                .strides
                .iter()
                .map(|_| xavier_conv(2 * self.channels, self.channels, 1, 1, true, device))
                .collect(),
            strides: self.strides.clone(),
            direction: self.direction,
            output: self.output,
            sampling_ratio: self.sampling_ratio,
        }
    }
}

/// The hierarchical RoI extractor.
#[derive(Module, Debug)]
pub struct HRoIE {
    /// `W_l`, one `2C → C` 1×1 convolution per level, finest first.
    pub gates: Vec<Conv2d>,
    #[module(skip)]
    strides: Vec<usize>,
    #[module(skip)]
    direction: Direction,
    #[module(skip)]
    output: usize,
    #[module(skip)]
    sampling_ratio: usize,
}

impl HRoIE {
    /// Fuses per-level crops `crops[l] = r_l` (finest first) with the gates.
    ///
    /// # Shapes
    /// `[[k, C, s, s]; levels] → [k, C, s, s]`
    ///
    /// # Panics
    /// When the number of crops differs from the number of levels.
    pub fn aggregate(&self, crops: Vec<Tensor<4>>) -> Tensor<4> {
        assert_eq!(crops.len(), self.gates.len(), "HRoIE: {} crops for {} levels", crops.len(), self.gates.len());
        let order: Vec<usize> = match self.direction {
            Direction::BottomUp => (0..crops.len()).collect(),
            Direction::TopDown => (0..crops.len()).rev().collect(),
        };
        let mut acc = crops[0].zeros_like();
        for l in order {
            let gate = sigmoid(self.gates[l].forward(Tensor::cat(vec![acc.clone(), crops[l].clone()], 1)));
            acc = acc + crops[l].clone() * gate;
        }
        acc
    }

    /// RoIAlign of `rois` on every level of `features` (finest first), fused.
    ///
    /// # Shapes
    /// `[[n, C, h_l, w_l]; levels] → [rois.len(), C, output, output]`
    ///
    /// # Errors
    /// [`SemiError::Shape`] when the number of levels differs from the configuration, or from
    /// [`roi_align`].
    pub fn forward(&self, features: Vec<Tensor<4>>, rois: &[Roi]) -> error::Result<Tensor<4>> {
        if features.len() != self.strides.len() {
            return Err(SemiError::Shape {
                what: "HRoIE",
                reason: format!("{} levels for {} strides", features.len(), self.strides.len()),
            });
        }
        let sampling = (self.sampling_ratio > 0).then_some(self.sampling_ratio);
        let crops = features
            .into_iter()
            .zip(&self.strides)
            .map(|(f, &s)| roi_align(f, rois, self.output, 1.0 / s as f32, sampling))
            .collect::<error::Result<Vec<_>>>()?;
        Ok(self.aggregate(crops))
    }
}

/// The level mmdet's `SingleRoIExtractor` pools a box from: `⌊log₂(√(wh) / finest_scale + 10⁻⁶)⌋`
/// clamped to `0 .. levels` (`finest_scale` 56 in mmdet).
pub fn roi_level(bbox: &super::boxes::BoxXyxy, levels: usize, finest_scale: f32) -> usize {
    let scale = ((bbox[2] - bbox[0]) * (bbox[3] - bbox[1])).max(0.0).sqrt();
    let level = (scale / finest_scale + 1e-6).log2().floor();
    (level.max(0.0) as usize).min(levels.saturating_sub(1))
}

/// RoIAlign of every box from the one level [`roi_level`] picks for it (levels of `strides`,
/// finest first), in the order of `rois`.
///
/// # Shapes
/// `[[n, C, h_l, w_l]; L] → [rois.len(), C, output, output]`
///
/// # Errors
/// [`SemiError::Shape`] when the levels and strides differ in number, or from [`roi_align`].
pub fn single_level_roi_align(
    features: Vec<Tensor<4>>,
    strides: &[usize],
    rois: &[Roi],
    output: usize,
    finest_scale: f32,
    sampling_ratio: Option<usize>,
) -> error::Result<Tensor<4>> {
    if features.len() != strides.len() || features.is_empty() {
        return Err(SemiError::Shape {
            what: "single-level RoI",
            reason: format!("{} levels for {} strides", features.len(), strides.len()),
        });
    }
    let levels: Vec<usize> = rois.iter().map(|r| roi_level(&r.bbox, features.len(), finest_scale)).collect();
    let mut parts = Vec::new();
    let mut order = Vec::with_capacity(rois.len());
    for (l, (feature, &stride)) in features.into_iter().zip(strides).enumerate() {
        let (index, of_level): (Vec<usize>, Vec<Roi>) =
            rois.iter().enumerate().filter(|(i, _)| levels[*i] == l).map(|(i, r)| (i, *r)).unzip();
        if !of_level.is_empty() {
            parts.push(roi_align(feature, &of_level, output, 1.0 / stride as f32, sampling_ratio)?);
            order.extend(index);
        }
    }
    if parts.is_empty() {
        return Err(SemiError::Shape { what: "single-level RoI", reason: "no boxes".into() });
    }
    // Row r of the concatenation is box order[r]; put box i back at row i.
    let mut inverse = vec![0i64; order.len()];
    for (row, &i) in order.iter().enumerate() {
        inverse[i] = row as i64;
    }
    let pooled = Tensor::cat(parts, 0);
    let inverse = Tensor::<1, burn::prelude::Int>::from_data(
        burn::prelude::TensorData::new(inverse, [order.len()]),
        &pooled.device(),
    );
    Ok(pooled.select(0, inverse))
}
