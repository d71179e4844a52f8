//! The template-mixing wide ResNet (the official `template_mixing_wrn_no_bank.WRN`):
//! pre-activation WRN-d-k (Zagoruyko & Komodakis 2016) whose every convolution and classifier
//! is a [`TemplateConv2d`]/[`TemplateLinear`].
//!
//! ```text
//! stem conv3×3 (stem_width) → 3 stages × (d−4)/6 blocks (16k, 32k, 64k; strides 1, 2, 2)
//!   → BN → ReLU → global average pool → linear (no bias)
//! block: o = ReLU(BN₁(x)); y = conv₂(ReLU([BN₂](conv₁(o)))) + (shortcut(o) if the width
//!        changes, else x)
//! ```
//! `BN₂` only with `use_bn` (the official default has none). The same type holds a seed (every
//! layer one member of one template set, half width), a from-scratch network (the same at full
//! width) and a grown network (two template sets, members in [`BlockLayout`](super::BlockLayout)s).

use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use super::MixtureGrowthError;
use super::config::MixtureGrowthConfig;
use super::template::{TemplateConv2d, TemplateLinear, TemplateMixing};
use crate::macs::Cost;

/// What a [`TemplateWrn`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkForm {
    /// A half-width seed: one template set per layer.
    Seed,
    /// The full-width network trained from scratch (baseline), one template set per layer.
    Scratch,
    /// A grown network: both seeds' template sets, four members per layer.
    Grown,
}

/// A pre-activation wide-ResNet block of template-mixing convolutions.
#[derive(Module, Debug)]
pub struct WrnBlock {
    /// BN before the first convolution.
    pub norm1: BatchNorm,
    /// First 3×3 convolution (carries the stage's stride).
    pub conv1: TemplateConv2d,
    /// Optional BN between the convolutions (`use_bn`).
    pub norm2: Option<BatchNorm>,
    /// Second 3×3 convolution.
    pub conv2: TemplateConv2d,
    /// 1×1 projection of the activated input when the width changes.
    pub shortcut: Option<TemplateConv2d>,
}

impl WrnBlock {
    /// `y = conv₂(ReLU([BN₂](conv₁(o)))) + residual`, `o = ReLU(BN₁(x))`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let o = relu(self.norm1.forward(x.clone()));
        let residual = match &self.shortcut {
            Some(conv) => conv.forward(o.clone()),
            None => x,
        };
        let h = self.conv1.forward(o);
        let h = match &self.norm2 {
            Some(norm) => norm.forward(h),
            None => h,
        };
        self.conv2.forward(relu(h)) + residual
    }
}

/// The template-mixing wide ResNet.
#[derive(Module, Debug)]
pub struct TemplateWrn {
    /// 3×3 stem convolution.
    pub stem: TemplateConv2d,
    /// The blocks of the three stages, in order.
    pub blocks: Vec<WrnBlock>,
    /// BN before the pooling.
    pub last_norm: BatchNorm,
    /// Linear classifier without bias.
    pub classifier: TemplateLinear,
    /// Seed, scratch or grown.
    #[module(skip)]
    pub form: NetworkForm,
}

/// Standard deviation of a fresh coefficient vector: a member of a layer with `members` blocks
/// in the grown network. The official code draws the `[members, T]` coefficient matrix with
/// `nn.init.orthogonal_` (orthonormal columns), whose entries have variance `1 / members`.
fn coefficient_std(members: usize) -> f64 {
    1.0 / (members as f64).sqrt()
}

impl MixtureGrowthConfig {
    /// A randomly initialised seed (half width).
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] from [`MixtureGrowthConfig::validate`].
    pub fn init_seed(&self, device: &Device) -> Result<TemplateWrn, MixtureGrowthError> {
        self.validate()?;
        Ok(self.build_single(self.seed_widths(), NetworkForm::Seed, device))
    }

    /// The full-width network trained from scratch (the baseline), with the seeds' layer type.
    ///
    /// # Errors
    /// [`MixtureGrowthError::InvalidConfig`] from [`MixtureGrowthConfig::validate`].
    pub fn init_scratch(&self, device: &Device) -> Result<TemplateWrn, MixtureGrowthError> {
        self.validate()?;
        Ok(self.build_single(self.target_widths(), NetworkForm::Scratch, device))
    }

    fn build_single(&self, widths: [usize; 4], form: NetworkForm, device: &Device) -> TemplateWrn {
        let t = self.templates_per_set;
        let inner = coefficient_std(4);
        let outer = coefficient_std(2);
        let conv = |i: usize, o: usize, k: usize, s: usize| TemplateConv2d::seed(i, o, k, s, t, inner, device);
        let stem = TemplateConv2d::seed(self.in_channels, widths[0], 3, 1, t, outer, device);
        let mut blocks = Vec::new();
        let mut in_ch = widths[0];
        for stage in 0..3 {
            let out = widths[stage + 1];
            for j in 0..self.blocks_per_stage() {
                let stride = if stage > 0 && j == 0 { 2 } else { 1 };
                blocks.push(WrnBlock {
                    norm1: BatchNormConfig::new(in_ch).init(device),
                    conv1: conv(in_ch, out, 3, stride),
                    norm2: self.use_bn.then(|| BatchNormConfig::new(out).init(device)),
                    conv2: conv(out, out, 3, 1),
                    shortcut: (in_ch != out).then(|| conv(in_ch, out, 1, stride)),
                });
                in_ch = out;
            }
        }
        TemplateWrn {
            stem,
            blocks,
            last_norm: BatchNormConfig::new(in_ch).init(device),
            classifier: TemplateLinear::seed(in_ch, self.num_classes, t, outer, device),
            form,
        }
    }
}

impl TemplateWrn {
    /// Logits `[n, classes]` of images `[n, c, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let features = self.features(x);
        self.classifier.forward(features)
    }

    /// Pooled features `[n, width]` (before the classifier).
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        let mut h = self.stem.forward(x);
        for block in &self.blocks {
            h = block.forward(h);
        }
        let h = relu(self.last_norm.forward(h));
        let [n, c, _, _] = h.dims();
        h.mean_dim(3).mean_dim(2).reshape([n, c])
    }

    /// Width of the pooled features.
    pub fn feature_width(&self) -> usize {
        self.last_norm.gamma.dims()[0]
    }

    /// Every template-mixing layer in forward order (stem, each block's conv₁, conv₂,
    /// shortcut), the classifier excluded.
    pub fn conv_layers(&self) -> Vec<&TemplateConv2d> {
        let mut layers = vec![&self.stem];
        for b in &self.blocks {
            layers.push(&b.conv1);
            layers.push(&b.conv2);
            layers.extend(b.shortcut.as_ref());
        }
        layers
    }

    /// Analytic cost of one `height × width` example ([`Cost`] conventions): the convolutions
    /// and classifier at their assembled shapes; parameters count templates, coefficients and
    /// BN affine parameters. Assembling `W = Σ α_t T_t` is done once per batch, not per example,
    /// and is not counted.
    pub fn cost(&self, height: usize, width: usize) -> Cost {
        let mixing_params = |m: &TemplateMixing| m.num_params() as u64;
        let conv = |c: &TemplateConv2d, h: usize, w: usize| {
            let (in_ch, out) = c.channels();
            let (h, w) = (out_side(h, c), out_side(w, c));
            let macs = Cost::conv2d(in_ch, out, c.kernel, 1, h, w, false).macs;
            (Cost::new(macs, mixing_params(&c.mixing)), h, w)
        };
        let norm = |n: &BatchNorm| Cost::norm(n.gamma.dims()[0]);
        let (mut total, mut h, mut w) = conv(&self.stem, height, width);
        for b in &self.blocks {
            total += norm(&b.norm1);
            if let Some(sc) = &b.shortcut {
                total += conv(sc, h, w).0;
            }
            let (c1, h1, w1) = conv(&b.conv1, h, w);
            let (c2, h2, w2) = conv(&b.conv2, h1, w1);
            total += c1 + c2 + b.norm2.as_ref().map(norm).unwrap_or_default();
            (h, w) = (h2, w2);
        }
        let (out, d_in) = self.classifier.mixing.weight_shape();
        let head = Cost::new(Cost::linear(d_in, out, 1, false).macs, mixing_params(&self.classifier.mixing));
        total + norm(&self.last_norm) + head
    }
}

/// Output side of a convolution with `padding = k / 2`: `⌊(L + 2p − k) / s⌋ + 1`.
fn out_side(side: usize, c: &TemplateConv2d) -> usize {
    (side + 2 * c.padding).saturating_sub(c.kernel) / c.stride.max(1) + 1
}
