//! Template mixing (MixtureGrowth §3.1): a layer's weight is a linear combination of templates,
//! `W = Σ_t α_t T_t`, with learned coefficients `α`.
//!
//! A layer holds one or two *template sets* (each `T` templates of one block's shape) and one
//! coefficient vector per *member* (a block of the weight). A seed network's layer is one
//! member of one set. A grown layer assembles the blocks of four members into the full weight
//! as the official `ensemble_growth_type = "diag"`:
//!
//! ```text
//! W = [[W₀, W₂],        rows: output halves, columns: input halves;
//!      [W₃, W₁]]        W_m = Σ_t α_{m,t} T_{set(m),t},  set = [0, 1, 0, 1]
//! ```
//! (`member_template_sets [0, 1, 0, 1]`). The stem, whose input (the image) is not split, stacks
//! `[W₀; W₁]` along outputs; the classifier, whose output (the classes) is not split, places
//! `[W₀, W₁]` side by side along inputs, so the seeds' logits add.
//!
//! Weights are stored as `[out, fan]` with `fan = in · k²` for a convolution (PyTorch's
//! `[out, in, k, k]` flattened): concatenating blocks along `fan` is concatenating them along
//! input channels, because each block's `(in, k, k)` entries are contiguous.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use serde::{Deserialize, Serialize};

/// Where the members' blocks sit in a layer's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockLayout {
    /// One member, one template set: a seed's (or a from-scratch network's) layer.
    Single,
    /// `[W₀; W₁]` along outputs: the grown stem (the image's channels are not split).
    Rows,
    /// `[W₀, W₁]` along inputs: the grown classifier (the classes are not split).
    Columns,
    /// `[[W₀, W₂], [W₃, W₁]]`: every other grown layer, seeds on the diagonal.
    Diagonal,
}

impl BlockLayout {
    /// Number of members (coefficient vectors).
    pub fn members(self) -> usize {
        match self {
            Self::Single => 1,
            Self::Rows | Self::Columns => 2,
            Self::Diagonal => 4,
        }
    }

    /// `(output blocks, input blocks)`.
    pub fn grid(self) -> (usize, usize) {
        match self {
            Self::Single => (1, 1),
            Self::Rows => (2, 1),
            Self::Columns => (1, 2),
            Self::Diagonal => (2, 2),
        }
    }

    /// The template set member `m` mixes: `member_template_sets = [0, 1, 0, 1]`.
    pub fn template_set(self, member: usize) -> usize {
        if self == Self::Single { 0 } else { member % 2 }
    }
}

/// The weight of one layer as a mixture of templates.
#[derive(Module, Debug)]
pub struct TemplateMixing {
    /// Template sets, each `[T, out_block, fan_block]`.
    pub template_sets: Vec<Param<Tensor<3>>>,
    /// One coefficient vector `[T]` per member.
    pub coefficients: Vec<Param<Tensor<1>>>,
    /// Where each member's block sits.
    #[module(skip)]
    pub layout: BlockLayout,
}

impl TemplateMixing {
    /// A seed layer: `templates` templates of shape `out × fan`, drawn as PyTorch's
    /// `kaiming_normal_` draws the official `[T, out, in, k, k]` template tensor (fan-in
    /// `out · in · k²`, so `std = √(2 / (out · fan))`), and coefficients `~ N(0, coef_std²)`.
    pub fn seed(templates: usize, out: usize, fan: usize, coef_std: f64, device: &Device) -> Self {
        let std = (2.0 / (out * fan).max(1) as f64).sqrt();
        let set = Tensor::random([templates, out, fan], Distribution::Normal(0.0, std), device);
        let coefs = Tensor::random([templates], Distribution::Normal(0.0, coef_std), device);
        Self {
            template_sets: vec![Param::from_tensor(set)],
            coefficients: vec![Param::from_tensor(coefs)],
            layout: BlockLayout::Single,
        }
    }

    /// A layer from its parts (the grown layers).
    pub fn from_parts(template_sets: Vec<Tensor<3>>, coefficients: Vec<Tensor<1>>, layout: BlockLayout) -> Self {
        Self {
            template_sets: template_sets.into_iter().map(Param::from_tensor).collect(),
            coefficients: coefficients.into_iter().map(Param::from_tensor).collect(),
            layout,
        }
    }

    /// `(out_block, fan_block)`: the shape of one member's block.
    pub fn block_shape(&self) -> (usize, usize) {
        let [_, out, fan] = self.template_sets[0].dims();
        (out, fan)
    }

    /// `(out, fan)` of the assembled weight.
    pub fn weight_shape(&self) -> (usize, usize) {
        let (out, fan) = self.block_shape();
        let (rows, cols) = self.layout.grid();
        (rows * out, cols * fan)
    }

    /// Parameters: every template and coefficient.
    pub fn num_params(&self) -> usize {
        let sets: usize = self.template_sets.iter().map(|s| s.dims().iter().product::<usize>()).sum();
        sets + self.coefficients.iter().map(|c| c.dims()[0]).sum::<usize>()
    }

    /// Member `m`'s block `W_m = Σ_t α_{m,t} T_{set(m),t}`, shape `[out_block, fan_block]`.
    pub fn member_weight(&self, member: usize) -> Tensor<2> {
        let set = self.template_sets[self.layout.template_set(member)].val();
        let [t, out, fan] = set.dims();
        let alpha = self.coefficients[member].val().reshape([t, 1, 1]);
        (set * alpha).sum_dim(0).reshape([out, fan])
    }

    /// The assembled weight `[out, fan]` (see the module documentation for the layouts).
    pub fn weight(&self) -> Tensor<2> {
        let w = |m: usize| self.member_weight(m);
        match self.layout {
            BlockLayout::Single => w(0),
            BlockLayout::Rows => Tensor::cat(vec![w(0), w(1)], 0),
            BlockLayout::Columns => Tensor::cat(vec![w(0), w(1)], 1),
            BlockLayout::Diagonal => {
                let top = Tensor::cat(vec![w(0), w(2)], 1);
                let bottom = Tensor::cat(vec![w(3), w(1)], 1);
                Tensor::cat(vec![top, bottom], 0)
            }
        }
    }
}

/// A bias-free 2-D convolution whose kernel is a [`TemplateMixing`] (the official `SConv2d`).
#[derive(Module, Debug)]
pub struct TemplateConv2d {
    /// The kernel's templates and coefficients.
    pub mixing: TemplateMixing,
    /// Square kernel side.
    pub kernel: usize,
    /// Stride.
    pub stride: usize,
    /// Zero padding on every side.
    pub padding: usize,
}

impl TemplateConv2d {
    /// A seed convolution `in_ch → out_ch` with a `kernel × kernel` window.
    #[allow(clippy::too_many_arguments)]
    pub fn seed(
        in_ch: usize,
        out_ch: usize,
        kernel: usize,
        stride: usize,
        templates: usize,
        coef_std: f64,
        device: &Device,
    ) -> Self {
        let mixing = TemplateMixing::seed(templates, out_ch, in_ch * kernel * kernel, coef_std, device);
        Self { mixing, kernel, stride, padding: kernel / 2 }
    }

    /// `(in, out)` channels of the assembled kernel.
    pub fn channels(&self) -> (usize, usize) {
        let (out, fan) = self.mixing.weight_shape();
        (fan / (self.kernel * self.kernel).max(1), out)
    }

    /// The kernel `[out, in, k, k]`.
    pub fn kernel_weight(&self) -> Tensor<4> {
        let (in_ch, out) = self.channels();
        self.mixing.weight().reshape([out, in_ch, self.kernel, self.kernel])
    }

    /// `[n, in, h, w] → [n, out, h', w']`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let options = ConvOptions::new([self.stride, self.stride], [self.padding, self.padding], [1, 1], 1);
        conv2d(x, self.kernel_weight(), None, options)
    }
}

/// A bias-free linear layer whose weight is a [`TemplateMixing`] (the official `SLinear` with
/// `full_output`).
#[derive(Module, Debug)]
pub struct TemplateLinear {
    /// The weight's templates and coefficients, stored `[out, in]`.
    pub mixing: TemplateMixing,
}

impl TemplateLinear {
    /// A seed linear layer `d_in → d_out`.
    pub fn seed(d_in: usize, d_out: usize, templates: usize, coef_std: f64, device: &Device) -> Self {
        Self { mixing: TemplateMixing::seed(templates, d_out, d_in, coef_std, device) }
    }

    /// `[n, in] → [n, out]`: `x Wᵀ`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.mixing.weight().transpose())
    }
}
