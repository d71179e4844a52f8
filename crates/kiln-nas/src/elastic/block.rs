//! An inverted-residual (MobileNetV2/V3 "MBConv") block with elastic kernel size and elastic
//! width (expand ratio), as in Once-for-All's `DynamicMBConvLayer`:
//! `y = BN(P · SE(σ(BN(DW_k(σ(BN(E · x)))))))  (+ x when the shape allows)`, where `E` expands
//! to `hidden` channels, `DW_k` is the elastic depthwise convolution, `σ` is ReLU or h-swish,
//! `SE` the optional squeeze-and-excitation ([`ElasticSe`]) and `P` projects back.
//!
//! Elastic width keeps the first `hidden` channels of the expanded representation. Before
//! width shrinking, [`ElasticMbBlock::sort_channels`] reorders the hidden channels by importance,
//! the L1 norm of their output-projection weights (OFA's `re_organize_middle_weights`), which
//! leaves the full-width function unchanged. Since every operation between `E` and `P` acts on
//! channels independently, running the full width and zeroing the channels past `hidden`
//! computes exactly the narrow subnet.
//!
//! The 1×1 convolutions run as matrix products ([`pointwise`]), the depthwise one through
//! [`depthwise_conv`](super::depthwise_conv) (a banded matrix product on small planes), the
//! batch norms through kiln-core's fused training-mode batch norm
//! (`kiln_core::nn::fused::batch_norm`, burn's semantics, running statistics included), and a
//! full-width [`ElasticMbBlock::forward`] skips its all-ones mask: the same sums as the
//! convolutions they replace, in another order.

use burn::config::Config;
use burn::module::{Module, RunningState};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};

use kiln_core::nn::fused::batch_norm;

use super::kernel::{ElasticDepthwiseConv, ElasticDepthwiseConvConfig};
use super::se::{Activation, ElasticSe, ElasticSeConfig, channel_mask, input_channel_order};

/// Configuration of an [`ElasticMbBlock`].
#[derive(Config, Debug)]
pub struct ElasticMbBlockConfig {
    /// Input channels.
    pub in_channels: usize,
    /// Output channels.
    pub out_channels: usize,
    /// Largest expand ratio (hidden = in_channels × ratio). Default 6.
    #[config(default = 6)]
    pub max_expand: usize,
    /// Kernel sizes, largest first. Default `[7, 5, 3]`.
    #[config(default = "vec![7, 5, 3]")]
    pub kernel_sizes: Vec<usize>,
    /// Stride of the depthwise convolution. Default 1.
    #[config(default = 1)]
    pub stride: usize,
    /// The block's nonlinearity. Default ReLU.
    #[config(default = "Activation::Relu")]
    pub activation: Activation,
    /// Squeeze-and-excitation on the hidden channels. Default off.
    #[config(default = false)]
    pub use_se: bool,
}

impl ElasticMbBlockConfig {
    /// Builds the block.
    pub fn init(&self, device: &Device) -> ElasticMbBlock {
        let hidden = self.in_channels * self.max_expand;
        ElasticMbBlock {
            expand: Conv2dConfig::new([self.in_channels, hidden], [1, 1]).with_bias(false).init(device),
            expand_norm: BatchNormConfig::new(hidden).init(device),
            depthwise: ElasticDepthwiseConvConfig::new(hidden)
                .with_kernel_sizes(self.kernel_sizes.clone())
                .with_stride(self.stride)
                .init(device),
            depthwise_norm: BatchNormConfig::new(hidden).init(device),
            se: self.use_se.then(|| ElasticSeConfig::new(hidden).init(device)),
            project: Conv2dConfig::new([hidden, self.out_channels], [1, 1]).with_bias(false).init(device),
            project_norm: BatchNormConfig::new(self.out_channels).init(device),
            residual: self.stride == 1 && self.in_channels == self.out_channels,
            activation: self.activation,
        }
    }
}

/// The tensors one run of an [`ElasticMbBlock`] uses (see [`ElasticMbBlock::forward_with`]).
#[derive(Debug, Clone)]
pub struct BlockRun {
    /// 1×1 expansion weight, `[hidden_max, in, 1, 1]`.
    pub expand: Tensor<4>,
    /// Depthwise kernel, `[hidden_max, 1, k, k]` with `k` odd.
    pub depthwise: Tensor<4>,
    /// 1×1 projection weight, `[out, hidden_max, 1, 1]`.
    pub project: Tensor<4>,
    /// Multiplier of the hidden channels after each nonlinearity, `[1, hidden_max, 1, 1]`
    /// (ones then zeros for a hard width; any values for a relaxed one).
    pub mask: Tensor<4>,
    /// Hidden width the SE's reduced width is computed from.
    pub se_hidden: usize,
}

/// The elastic inverted-residual block.
#[derive(Module, Debug)]
pub struct ElasticMbBlock {
    /// 1×1 expansion `in → hidden_max`.
    pub expand: Conv2d,
    /// BN after the expansion.
    pub expand_norm: BatchNorm,
    /// Elastic depthwise convolution on the hidden channels.
    pub depthwise: ElasticDepthwiseConv,
    /// BN after the depthwise convolution.
    pub depthwise_norm: BatchNorm,
    /// Squeeze-and-excitation, if the block has one.
    pub se: Option<ElasticSe>,
    /// 1×1 projection `hidden_max → out`.
    pub project: Conv2d,
    /// BN after the projection.
    pub project_norm: BatchNorm,
    /// Whether the input is added to the output.
    pub residual: bool,
    /// The nonlinearity.
    #[module(skip)]
    pub activation: Activation,
}

impl ElasticMbBlock {
    /// Largest number of hidden channels.
    pub fn max_hidden(&self) -> usize {
        self.expand.weight.dims()[0]
    }

    /// The block with kernel size `kernel` and the first `hidden` hidden channels.
    ///
    /// # Shapes
    /// `[b, in, h, w] → [b, out, h/stride, w/stride]`
    pub fn forward(&self, x: Tensor<4>, kernel: usize, hidden: usize) -> Tensor<4> {
        let max = self.max_hidden();
        let keep = hidden.clamp(1, max);
        // At full width the mask is all ones (`h · 1 = h` exactly): skip it.
        let mask = (keep < max).then(|| channel_mask(max, keep, &x.device()));
        let depthwise = self.depthwise.active_kernel(kernel);
        self.run(x, [self.expand.weight.val(), depthwise, self.project.weight.val()], mask, keep)
    }

    /// The block with the weights and hidden-channel mask of `run` in place of its own 1×1 and
    /// depthwise weights (its BNs, SE and nonlinearity are used as they are). Methods that
    /// compute a block's weights (Mixture-of-Supernets' experts) or relax its choices
    /// (ShiftNAS' soft masks and kernel mixtures) run through here, so they share one block.
    ///
    /// # Shapes
    /// `[b, in, h, w] → [b, out, h/stride, w/stride]`
    pub fn forward_with(&self, x: Tensor<4>, run: BlockRun) -> Tensor<4> {
        self.run(x, [run.expand, run.depthwise, run.project], Some(run.mask), run.se_hidden)
    }

    /// `forward_with` on its parts: `[expand, depthwise, project]` weights, the hidden mask
    /// (`None`: all ones) and the SE's hidden width.
    fn run(
        &self,
        x: Tensor<4>,
        [expand, depthwise, project]: [Tensor<4>; 3],
        mask: Option<Tensor<4>>,
        se_hidden: usize,
    ) -> Tensor<4> {
        let act = self.activation;
        let masked = |h: Tensor<4>| match &mask {
            Some(mask) => h * mask.clone(),
            None => h,
        };
        let h = masked(act.forward(batch_norm(&self.expand_norm, pointwise(x.clone(), expand))));
        let h = masked(act.forward(batch_norm(&self.depthwise_norm, self.depthwise.convolve(h, depthwise))));
        let h = match &self.se {
            Some(se) => se.forward(h, se_hidden),
            None => h,
        };
        let y = batch_norm(&self.project_norm, pointwise(h, project));
        if self.residual { y + x } else { y }
    }

    /// Hidden channels sorted by importance, most important first: the L1 norm of each
    /// hidden channel's output-projection weights.
    pub fn channel_order(&self) -> Vec<usize> {
        input_channel_order(self.project.weight.val())
    }

    /// Reorders the hidden channels by [`ElasticMbBlock::channel_order`] (expansion outputs,
    /// both BNs, depthwise filters, SE, projection inputs). The full-width function is
    /// unchanged.
    pub fn sort_channels(mut self) -> Self {
        let order = self.channel_order();
        let device = self.project.weight.device();
        let n = order.len();
        let index =
            Tensor::<1, Int>::from_data(TensorData::new(order.into_iter().map(|i| i as i64).collect(), [n]), &device);
        self.expand.weight = self.expand.weight.map(|w| w.select(0, index.clone()));
        self.depthwise.weight = self.depthwise.weight.map(|w| w.select(0, index.clone()));
        self.project.weight = self.project.weight.map(|w| w.select(1, index.clone()));
        self.expand_norm = permute_norm(self.expand_norm, &index);
        self.depthwise_norm = permute_norm(self.depthwise_norm, &index);
        self.se = self.se.map(|se| se.permute_hidden(&index));
        self
    }
}

/// A bias-free 1×1 convolution as a matrix product broadcast over the batch:
/// `y[b, o, p] = Σ_i W[o, i] · x[b, i, p]` (`p` over pixels), the sums of `conv2d` with a
/// `[out, in, 1, 1]` weight, whose backward is two matrix products instead of convolutions.
///
/// # Shapes
/// `[b, in, h, w] → [b, out, h, w]` with `weight` `[out, in, 1, 1]`
pub fn pointwise(x: Tensor<4>, weight: Tensor<4>) -> Tensor<4> {
    let [b, inputs, h, w] = x.dims();
    let [out, ..] = weight.dims();
    weight.reshape([1, out, inputs]).matmul(x.reshape([b, inputs, h * w])).reshape([b, out, h, w])
}

fn permute_norm(mut norm: BatchNorm, index: &Tensor<1, Int>) -> BatchNorm {
    norm.gamma = norm.gamma.map(|g| g.select(0, index.clone()));
    norm.beta = norm.beta.map(|b| b.select(0, index.clone()));
    norm.running_mean = RunningState::new(norm.running_mean.value().select(0, index.clone()));
    norm.running_var = RunningState::new(norm.running_var.value().select(0, index.clone()));
    norm
}
