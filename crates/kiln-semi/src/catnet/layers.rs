//! Small building blocks shared by the CATNet modules: mmcv's `ConvModule` (convolution,
//! optional batch norm, optional ReLU) with Caffe2-Xavier initialisation, bilinear resizing
//! (`align_corners=False`), adaptive max pooling, and the Kaiming- and Xavier-initialised
//! layers of Mask R-CNN's RoI heads.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;
use burn::tensor::module::{interpolate, max_pool2d};
use burn::tensor::ops::{InterpolateMode, InterpolateOptions, MaxPoolOptions};

/// A `k×k` convolution (padding `k/2`) initialised as Caffe2's Xavier fill, which mmdet uses for
/// every CATNet convolution: `W ~ U(−√(3/fan_in), √(3/fan_in))`, bias 0.
pub fn xavier_conv(input: usize, output: usize, kernel: usize, stride: usize, bias: bool, device: &Device) -> Conv2d {
    let pad = kernel / 2;
    let mut conv = Conv2dConfig::new([input, output], [kernel, kernel])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .with_bias(bias)
        .with_initializer(Initializer::KaimingUniform { gain: 1.0, fan_out_only: false })
        .init(device);
    if bias {
        conv.bias = Some(Param::from_tensor(Tensor::zeros([output], device)));
    }
    conv
}

/// mmcv's `ConvModule`: `act(norm(conv(x)))`. With a norm the convolution has no bias.
#[derive(Module, Debug)]
pub struct ConvModule {
    /// The convolution.
    pub conv: Conv2d,
    /// Batch norm (CATNet: SyncBN), if any.
    pub norm: Option<BatchNorm>,
    #[module(skip)]
    relu: bool,
}

impl ConvModule {
    /// A `k×k` (stride `s`) convolution from `input` to `output` channels, with batch norm when
    /// `norm`, and ReLU when `relu`.
    pub fn new(
        input: usize,
        output: usize,
        kernel: usize,
        stride: usize,
        norm: bool,
        relu: bool,
        device: &Device,
    ) -> Self {
        Self {
            conv: xavier_conv(input, output, kernel, stride, !norm, device),
            norm: norm.then(|| BatchNormConfig::new(output).init(device)),
            relu,
        }
    }

    /// `act(norm(conv(x)))`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.conv.forward(x);
        let x = match &self.norm {
            Some(norm) => norm.forward(x),
            None => x,
        };
        if self.relu { relu(x) } else { x }
    }
}

/// Bilinear resize to `[height, width]` with half-pixel centres (PyTorch's
/// `F.interpolate(mode='bilinear', align_corners=False)`).
pub fn resize_bilinear(x: Tensor<4>, size: [usize; 2]) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if [h, w] == size {
        return x;
    }
    interpolate(x, InterpolateOptions::new(InterpolateMode::Bilinear).with_align_corners(false).with_output_size(size))
}

/// Nearest-neighbour resize to `[height, width]` (PyTorch's `mode='nearest'`).
pub fn resize_nearest(x: Tensor<4>, size: [usize; 2]) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if [h, w] == size {
        return x;
    }
    interpolate(x, InterpolateOptions::new(InterpolateMode::Nearest).with_output_size(size))
}

/// Adaptive max pooling to `[height, width]` (PyTorch's `F.adaptive_max_pool2d`): output cell
/// `(i, j)` is the maximum over rows `⌊iH/h⌋ .. ⌈(i+1)H/h⌉` and the same for columns. burn 0.22
/// has no such op: an exact multiple is a `max_pool2d` with kernel = stride = the ratio, any
/// other size is pooled window by window.
pub fn adaptive_max_pool2d(x: Tensor<4>, size: [usize; 2]) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let [oh, ow] = size;
    if [h, w] == size {
        return x;
    }
    if h % oh == 0 && w % ow == 0 {
        let kernel = [h / oh, w / ow];
        return max_pool2d(x, MaxPoolOptions::new(kernel).with_stride(kernel));
    }
    let rows: Vec<Tensor<4>> = (0..oh)
        .map(|i| {
            let (r0, r1) = (i * h / oh, ((i + 1) * h).div_ceil(oh));
            let cells: Vec<Tensor<4>> = (0..ow)
                .map(|j| {
                    let (c0, c1) = (j * w / ow, ((j + 1) * w).div_ceil(ow));
                    x.clone().slice([0..x.dims()[0], 0..x.dims()[1], r0..r1, c0..c1]).max_dim(2).max_dim(3)
                })
                .collect();
            Tensor::cat(cells, 3)
        })
        .collect();
    Tensor::cat(rows, 2)
}

/// mmcv's `kaiming_init` for layers followed by ReLU (normal, fan-out, gain √2).
fn kaiming_relu() -> Initializer {
    Initializer::KaimingNormal { gain: std::f64::consts::SQRT_2, fan_out_only: true }
}

/// A `k×k` convolution (padding `k/2`) with Kaiming init and zero bias.
pub(crate) fn relu_conv(input: usize, output: usize, kernel: usize, device: &Device) -> Conv2d {
    let pad = kernel / 2;
    let mut conv = Conv2dConfig::new([input, output], [kernel, kernel])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .with_initializer(kaiming_relu())
        .init(device);
    conv.bias = Some(Param::from_tensor(Tensor::zeros([output], device)));
    conv
}

/// The mask head's 2×2 stride-2 deconvolution `C → C`, Kaiming-normal (gain √2) over burn's
/// fan-in `C·4`, which for `C → C` is PyTorch's fan-out that mmdet uses; bias 0.
pub(crate) fn deconv(c: usize, device: &Device) -> ConvTranspose2d {
    let mut deconv = ConvTranspose2dConfig::new([c, c], [2, 2])
        .with_stride([2, 2])
        .with_initializer(Initializer::KaimingNormal { gain: std::f64::consts::SQRT_2, fan_out_only: false })
        .init(device);
    deconv.bias = Some(Param::from_tensor(Tensor::zeros([c], device)));
    deconv
}

/// An FC layer with Xavier-uniform weights and zero bias (mmdet's `Shared2FCBBoxHead`).
pub(crate) fn fc(input: usize, output: usize, device: &Device) -> Linear {
    let mut linear =
        LinearConfig::new(input, output).with_initializer(Initializer::XavierUniform { gain: 1.0 }).init(device);
    linear.bias = Some(Param::from_tensor(Tensor::zeros([output], device)));
    linear
}
