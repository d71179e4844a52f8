//! A RetinaNet head (Lin et al., ICCV 2017), shared by every pyramid level: two branches of
//! `stacked_convs` 3×3 convolutions + ReLU, then a 3×3 convolution to `A·K` class logits and
//! one to `A·4` box deltas. Weights start as `N(0, 0.01²)`, and the class bias at
//! `−ln((1 − π)/π)` with prior `π = 0.01`, so that every anchor starts as background.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, PaddingConfig2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

/// Configuration of a [`RetinaHead`].
#[derive(Config, Debug)]
pub struct RetinaHeadConfig {
    /// Channels of the pyramid.
    pub channels: usize,
    /// Object classes `K` (no background class: sigmoid scores).
    pub num_classes: usize,
    /// Anchors per position `A`.
    pub anchors: usize,
    /// 3×3 convolutions per branch (RetinaNet: 4). Default: 4.
    #[config(default = 4)]
    pub stacked_convs: usize,
    /// Prior probability of an object at initialisation. Default: 0.01.
    #[config(default = 0.01)]
    pub prior: f64,
}

fn conv3(input: usize, output: usize, device: &Device) -> Conv2d {
    let mut conv = Conv2dConfig::new([input, output], [3, 3])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .with_initializer(Initializer::Normal { mean: 0.0, std: 0.01 })
        .init(device);
    conv.bias = Some(Param::from_tensor(Tensor::zeros([output], device)));
    conv
}

impl RetinaHeadConfig {
    /// Builds the head on `device`.
    pub fn init(&self, device: &Device) -> RetinaHead {
        let c = self.channels;
        let mut cls_out = conv3(c, self.anchors * self.num_classes, device);
        let bias = -((1.0 - self.prior) / self.prior).ln();
        cls_out.bias = Some(Param::from_tensor(Tensor::full([self.anchors * self.num_classes], bias, device)));
        RetinaHead {
            cls_convs: (0..self.stacked_convs).map(|_| conv3(c, c, device)).collect(),
            reg_convs: (0..self.stacked_convs).map(|_| conv3(c, c, device)).collect(),
            cls_out,
            reg_out: conv3(c, self.anchors * 4, device),
            num_classes: self.num_classes,
            anchors: self.anchors,
        }
    }
}

/// The head.
#[derive(Module, Debug)]
pub struct RetinaHead {
    /// Class branch.
    pub cls_convs: Vec<Conv2d>,
    /// Box branch.
    pub reg_convs: Vec<Conv2d>,
    /// `C → A·K` logits.
    pub cls_out: Conv2d,
    /// `C → A·4` deltas.
    pub reg_out: Conv2d,
    #[module(skip)]
    num_classes: usize,
    #[module(skip)]
    anchors: usize,
}

impl RetinaHead {
    /// Object classes `K`.
    pub fn num_classes(&self) -> usize {
        self.num_classes
    }

    /// Class logits and box deltas of every anchor of every level, in the anchor order of
    /// [`AnchorConfig::anchors`](super::anchors::AnchorConfig::anchors).
    ///
    /// # Shapes
    /// `[[n, C, h_l, w_l]; L] → ([n, Σ h_l w_l A, K], [n, Σ h_l w_l A, 4])`
    pub fn forward(&self, levels: Vec<Tensor<4>>) -> (Tensor<3>, Tensor<3>) {
        let (k, a) = (self.num_classes, self.anchors);
        let mut logits = Vec::with_capacity(levels.len());
        let mut deltas = Vec::with_capacity(levels.len());
        for x in levels {
            let [n, _, h, w] = x.dims();
            let cls = self.cls_convs.iter().fold(x.clone(), |t, conv| relu(conv.forward(t)));
            let reg = self.reg_convs.iter().fold(x, |t, conv| relu(conv.forward(t)));
            logits.push(self.cls_out.forward(cls).permute([0, 2, 3, 1]).reshape([n, h * w * a, k]));
            deltas.push(self.reg_out.forward(reg).permute([0, 2, 3, 1]).reshape([n, h * w * a, 4]));
        }
        (Tensor::cat(logits, 1), Tensor::cat(deltas, 1))
    }
}
