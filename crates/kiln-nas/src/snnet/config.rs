//! SN-Net's stitching space: anchors, the sliding window over block ids, and the list of
//! stitch configurations (the official `paired_stitching` and `get_stitch_configs` with
//! `nearest_stitching=True`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::vit::{VitConfig, VitError};

/// A [`SnNetConfig`] that cannot build an SN-Net.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SnNetError {
    /// Fewer than two anchors.
    #[error("SN-Net needs at least two anchors, got {0}")]
    TooFewAnchors(usize),
    /// Anchors differ in depth, image size, channels, patch or classes.
    #[error(
        "anchor {index} does not match anchor 0 in {what} (SN-Net stitches equal-depth anchors on the same images)"
    )]
    Mismatch {
        /// The anchor.
        index: usize,
        /// What differs.
        what: &'static str,
    },
    /// Window kernel or stride zero, or depth below 1.
    #[error(
        "sliding window needs kernel ≥ 1, stride ≥ 1 and depth ≥ 1 (kernel {kernel}, stride {stride}, depth {depth})"
    )]
    Window {
        /// Window size.
        kernel: usize,
        /// Window stride.
        stride: usize,
        /// Anchor depth.
        depth: usize,
    },
    /// A configuration index past the list.
    #[error("stitch configuration {index} does not exist ({count} configurations)")]
    UnknownConfig {
        /// The index.
        index: usize,
        /// Number of configurations.
        count: usize,
    },
    /// An anchor config is invalid.
    #[error("anchor {index}: {source}")]
    Anchor {
        /// The anchor.
        index: usize,
        /// Why.
        source: VitError,
    },
    /// A stitch layer could not be initialised.
    #[error("stitch layer of pair {pair}, layer {layer}: {source}")]
    Stitch {
        /// The anchor pair `(pair, pair + 1)`.
        pair: usize,
        /// The stitch layer in the pair.
        layer: usize,
        /// Why.
        source: crate::stitch::StitchError,
    },
}

/// SN-Net's anchors and sliding window. `new()` is the paper's DeiT-Ti/S/B at 224 px with
/// window kernel 2, stride 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnNetConfig {
    /// The anchors, smallest first; stitches join nearest neighbours `(i, i + 1)` only.
    pub anchors: Vec<VitConfig>,
    /// Sliding-window size over block ids.
    pub kernel_size: usize,
    /// Sliding-window stride.
    pub stride: usize,
}

impl Default for SnNetConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl SnNetConfig {
    /// DeiT-Ti/S/B (12 blocks, 224 px, 1000 classes), kernel 2, stride 1: 71 configurations.
    pub fn new() -> Self {
        Self::from_anchors(vec![VitConfig::deit_tiny(), VitConfig::deit_small(), VitConfig::deit_base()])
    }

    /// Anchors with the paper's window (kernel 2, stride 1).
    pub fn from_anchors(anchors: Vec<VitConfig>) -> Self {
        Self { anchors, kernel_size: 2, stride: 1 }
    }

    /// CPU preset: Ti/S/B shapes shrunk to 32 px images (patch 8, 16 patches), widths 24/48/96
    /// with DeiT's 3/6/12 heads, 4 blocks each, 10 classes: 23 configurations.
    pub fn small() -> Self {
        let base = VitConfig::small();
        Self::from_anchors(vec![base.clone(), base.clone().with_width(48, 6), base.with_width(96, 12)])
    }

    /// The embedded 8×8 digits: patch 4 (5 tokens), widths 16/32/64 with 1/2/4 heads, 4 blocks each.
    pub fn digits() -> Self {
        let base = VitConfig::digits().with_depth(4);
        Self::from_anchors(vec![base.clone().with_width(16, 1), base.clone().with_width(32, 2), base.with_width(64, 4)])
    }

    /// Checks the anchors stitch: at least two, all valid, equal depth, images, patches, classes.
    ///
    /// # Errors
    /// [`SnNetError`] naming the first problem.
    pub fn validate(&self) -> Result<(), SnNetError> {
        let first = self
            .anchors
            .first()
            .filter(|_| self.anchors.len() >= 2)
            .ok_or(SnNetError::TooFewAnchors(self.anchors.len()))?;
        for (index, a) in self.anchors.iter().enumerate() {
            a.validate().map_err(|source| SnNetError::Anchor { index, source })?;
            for (what, same) in [
                ("depth", a.depth == first.depth),
                ("image size", a.image_size == first.image_size),
                ("channels", a.channels == first.channels),
                ("patch size", a.patch_size == first.patch_size),
                ("classes", a.classes == first.classes),
            ] {
                if !same {
                    return Err(SnNetError::Mismatch { index, what });
                }
            }
        }
        if self.kernel_size == 0 || self.stride == 0 || first.depth == 0 {
            return Err(SnNetError::Window { kernel: self.kernel_size, stride: self.stride, depth: first.depth });
        }
        Ok(())
    }

    /// The anchors' common depth.
    pub fn depth(&self) -> usize {
        self.anchors.first().map_or(0, |a| a.depth)
    }
}

/// Where a stitched network switches networks: the front anchor runs blocks `0..=front_block`,
/// the end anchor runs blocks `end_block..depth` (the official `(j, k)` pairs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StitchPosition {
    /// Last block of the front anchor.
    pub front_block: usize,
    /// First block of the end anchor.
    pub end_block: usize,
}

/// The sliding window over block ids (the official `paired_stitching`): windows
/// `ids[i..i + kernel]` for `i = 0, stride, …` below `depth`; every pair `(j, k)` of ids in a
/// window not seen in an earlier window becomes a stitch position, and each window that adds
/// positions gets the next stitch layer. Returns the positions, their stitch-layer ids and the
/// number of stitch layers. Kernel 2, stride 1 gives `3·depth − 2` positions on `depth − 1`
/// layers.
pub fn sliding_window_stitches(depth: usize, kernel: usize, stride: usize) -> (Vec<StitchPosition>, Vec<usize>, usize) {
    let (mut positions, mut layers) = (Vec::new(), Vec::new());
    let mut next_layer = 0;
    let mut i = 0;
    while i < depth && stride > 0 {
        let window = i..(i + kernel).min(depth);
        let mut added = false;
        for j in window.clone() {
            for k in window.clone() {
                let p = StitchPosition { front_block: j, end_block: k };
                if !positions.contains(&p) {
                    positions.push(p);
                    layers.push(next_layer);
                    added = true;
                }
            }
        }
        next_layer += usize::from(added);
        i += stride;
    }
    (positions, layers, next_layer)
}

/// One network of the SN-Net family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StitchConfig {
    /// An anchor on its own.
    Anchor(usize),
    /// Anchor `front` up to the stitch, stitch layer `layer` of the pair, anchor `front + 1`
    /// after it.
    Stitched {
        /// The front (smaller) anchor; the end anchor is `front + 1`.
        front: usize,
        /// Where the networks switch.
        position: StitchPosition,
        /// Which of the pair's stitch layers maps the tokens.
        layer: usize,
    },
}

/// Every configuration with nearest stitching (the official `get_stitch_configs`,
/// `nearest_stitching=True`, generalised from 3 to `anchors` anchors): each anchor alone, then for
/// each nearest pair `(a, a + 1)` every sliding-window position. The count is
/// `anchors + (anchors − 1) · positions`; for 3 anchors of depth `d` with kernel 2, stride 1,
/// `3 + 2·(3d − 2) = 6d − 1` (71 for DeiT's 12 blocks, as in the paper).
/// Returns the configurations and the number of stitch layers per pair.
pub fn stitch_configs(anchors: usize, depth: usize, kernel: usize, stride: usize) -> (Vec<StitchConfig>, usize) {
    let (positions, layers, num_stitches) = sliding_window_stitches(depth, kernel, stride);
    let mut configs: Vec<StitchConfig> = (0..anchors).map(StitchConfig::Anchor).collect();
    for front in 0..anchors.saturating_sub(1) {
        configs.extend(positions.iter().zip(&layers).map(|(&position, &layer)| StitchConfig::Stitched {
            front,
            position,
            layer,
        }));
    }
    (configs, num_stitches)
}
