//! The heads: the classifier on the top level (global average pool, LN, linear) and, for
//! intermediate supervision (official `loss.py`), a decoder that reconstructs the image from
//! level 0 (1×1 convolution to `in_channels · p²` channels, then pixel shuffle by the stem's
//! patch p).
//!
//! Intermediate supervision, with heads j = 0 … n−2 on columns every max(1, N/4) and the final
//! head counted as the n-th:
//! `L = Σ_j [(1 − j/n)·f·Rec_j + ((j+1)/n)·c·CE_j] + CE_final`, (f, c) = (3.0, 0.7) for
//! RevCol-T. Deviation: Rec is the mean squared error against the normalised image (the
//! official loss is a BCE on images in [0, 1]).

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor};

use kiln_core::nn::cross_entropy;

/// Global average pool, layer norm, linear.
#[derive(Module, Debug)]
pub struct ClassifierHead {
    norm: LayerNorm,
    linear: Linear,
}

impl ClassifierHead {
    /// A head from `channels` features to `classes` scores.
    pub fn new(channels: usize, classes: usize, device: &Device) -> Self {
        Self {
            norm: LayerNormConfig::new(channels).with_epsilon(1e-6).init(device),
            linear: LinearConfig::new(channels, classes).init(device),
        }
    }

    /// `[b, C, h, w]` → `[b, classes]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let [b, c, _, _] = x.dims();
        self.linear.forward(self.norm.forward(x.mean_dims(&[2, 3]).reshape([b, c])))
    }
}

/// 1×1 convolution and pixel shuffle: level 0 back to the image.
#[derive(Module, Debug)]
pub struct Decoder {
    conv: Conv2d,
    patch: usize,
    out_channels: usize,
}

impl Decoder {
    /// A decoder from `channels` to an image of `out_channels` at `patch`× the resolution.
    pub fn new(channels: usize, out_channels: usize, patch: usize, device: &Device) -> Self {
        Self {
            conv: Conv2dConfig::new([channels, out_channels * patch * patch], [1, 1]).init(device),
            patch,
            out_channels,
        }
    }

    /// `[b, C_0, h, w]` → `[b, out_channels, h·p, w·p]`.
    pub fn forward(&self, c0: Tensor<4>) -> Tensor<4> {
        let y = self.conv.forward(c0);
        let [b, _, h, w] = y.dims();
        let (p, o) = (self.patch, self.out_channels);
        y.reshape([b, o, p, p, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([b, o, h * p, w * p])
    }
}

/// An intermediate head: reconstruction from level 0 and classification from the top level.
#[derive(Module, Debug)]
pub struct AuxHead {
    decoder: Decoder,
    classifier: ClassifierHead,
}

impl AuxHead {
    /// A head for levels of `channels`.
    pub fn new(channels: &[usize], in_channels: usize, patch: usize, classes: usize, device: &Device) -> Self {
        let top = channels[channels.len() - 1];
        Self {
            decoder: Decoder::new(channels[0], in_channels, patch, device),
            classifier: ClassifierHead::new(top, classes, device),
        }
    }

    /// `(Rec, CE)` of one column's states: the mean squared reconstruction error of `images`
    /// and the cross-entropy of the top level's logits.
    pub fn losses(&self, states: &[Tensor<4>], images: Tensor<4>, targets: Tensor<1, Int>) -> (Tensor<1>, Tensor<1>) {
        let recon = self.decoder.forward(states[0].clone());
        let rec = (recon - images).powi_scalar(2).mean();
        let ce = cross_entropy(self.classifier.forward(states[states.len() - 1].clone()), targets);
        (rec, ce)
    }
}
