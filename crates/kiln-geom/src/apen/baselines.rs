//! The baselines APEN is compared with, predicting the same outputs (per-point part logits,
//! class logits, per-point part centres):
//!
//! - [`PointNet`] (Qi et al., CVPR 2017, without the T-nets): a shared MLP `3 → W → W` per
//!   point, a global max-pooled code `max_i ReLU(W_g h_i)` of width 2W, per-point heads on
//!   `[h_i, global]`, a class head on the global code. Not equivariant.
//! - [`GlobalFa`]: the same PointNet frame-averaged over the PCA frames of the whole cloud
//!   (Puny et al., ICLR 2022): `f(X) = 1/|F| Σ_{(R,c)} (ψ_logits(Rᵀ(X−c)), c + R ψ_vec(Rᵀ(X−c)))`,
//!   exactly E(3)-equivariant for a global motion, not for independent part motions.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

use super::evaluate::{PartPredictor, Prediction};
use crate::frame::{FrameGroup, part_frames};

/// PointNet for part segmentation.
#[derive(Module, Debug)]
pub struct PointNet {
    /// `3 → W`.
    pub local1: Linear,
    /// `W → W`.
    pub local2: Linear,
    /// `W → 2W`, max-pooled.
    pub global: Linear,
    /// `3W → W`.
    pub seg_hidden: Linear,
    /// `W → parts + 3` (logits, then the vector).
    pub seg_out: Linear,
    /// `2W → W`.
    pub class_hidden: Linear,
    /// `W → classes`.
    pub class_out: Linear,
    /// Part labels.
    pub parts: usize,
}

impl PointNet {
    /// A PointNet of width `width` for `parts` labels and `classes` classes.
    pub fn new(width: usize, parts: usize, classes: usize, device: &Device) -> Self {
        let lin = |i: usize, o: usize| LinearConfig::new(i, o).init(device);
        Self {
            local1: lin(3, width),
            local2: lin(width, width),
            global: lin(width, 2 * width),
            seg_hidden: lin(3 * width, width),
            seg_out: lin(width, parts + 3),
            class_hidden: lin(2 * width, width),
            class_out: lin(width, classes),
            parts,
        }
    }

    /// `[B, N, 3] →` logits `[B, N, P]`, class logits `[B, C]`, vectors `[B, N, 3]`.
    pub fn forward(&self, points: Tensor<3>) -> Prediction {
        let [b, n, _] = points.dims();
        let h = relu(self.local2.forward(relu(self.local1.forward(points))));
        let global = relu(self.global.forward(h.clone())).max_dim(1); // [B,1,2W]
        let w2 = global.dims()[2];
        let seg_in = Tensor::cat(vec![h, global.clone().expand([b, n, w2])], 2);
        let out = self.seg_out.forward(relu(self.seg_hidden.forward(seg_in)));
        let p = self.parts;
        Prediction {
            logits: out.clone().slice([0..b, 0..n, 0..p]),
            vectors: out.slice([0..b, 0..n, p..p + 3]),
            class_logits: self.class_out.forward(relu(self.class_hidden.forward(global.reshape([b, w2])))),
        }
    }
}

impl PartPredictor for PointNet {
    fn predict(&self, points: Tensor<3>, _fine: Tensor<3>) -> Prediction {
        self.forward(points)
    }
}

/// A PointNet frame-averaged over the PCA frames of the whole cloud.
#[derive(Module, Debug)]
pub struct GlobalFa {
    /// The backbone ψ.
    pub backbone: PointNet,
    /// Frames over E(3) (8) rather than SE(3) (4).
    pub e3: bool,
}

impl GlobalFa {
    /// A frame-averaged PointNet over `group`.
    pub fn new(width: usize, parts: usize, classes: usize, group: FrameGroup, device: &Device) -> Self {
        Self { backbone: PointNet::new(width, parts, classes, device), e3: group == FrameGroup::E3 }
    }

    /// `[B, N, 3] →` the frame-averaged prediction.
    pub fn forward(&self, points: Tensor<3>) -> Prediction {
        let [b, n, _] = points.dims();
        let group = if self.e3 { FrameGroup::E3 } else { FrameGroup::Se3 };
        let ones = Tensor::ones([b, n, 1], &points.device());
        let frames = part_frames(points.clone(), ones, group);
        let s = group.len();
        let local = frames.to_local(points).reshape([b * s, n, 3]);
        let out = self.backbone.forward(local);
        let p = self.backbone.parts;
        let logits = out.logits.reshape([b, s, n, p]).mean_dim(1).squeeze_dim(1);
        let c = out.class_logits.dims()[1];
        let class_logits = out.class_logits.reshape([b, s, c]).mean_dim(1).squeeze_dim(1);
        let vectors: Tensor<4> = frames.average_vectors(out.vectors.reshape([b, 1, s, n, 3]));
        let vectors = (vectors + frames.centroids.clone().unsqueeze_dim::<4>(2)).reshape([b, n, 3]);
        Prediction { logits, class_logits, vectors }
    }
}

impl PartPredictor for GlobalFa {
    fn predict(&self, points: Tensor<3>, _fine: Tensor<3>) -> Prediction {
        self.forward(points)
    }
}
