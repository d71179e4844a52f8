//! The tensor-level API of the extension convolution: [`conv2d`], a drop-in for
//! `burn::nn::conv::Conv2d::forward`.

use burn::backend::Dispatch;
use burn::backend::ops::ConvOptions;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::prelude::Tensor;

use super::MAX_DIRECT_CHANNELS;
use super::conv::FusedConvBackend;

/// `((top, bottom), (left, right))` of `padding` for an input of `height × width`, as burn's
/// `Conv2d` computes it (`Same`: `total = max((⌈n/s⌉ − 1)·s + k − n, 0)`, split with the smaller
/// half first).
fn padding_pairs(
    padding: &PaddingConfig2d,
    [height, width]: [usize; 2],
    kernel: [usize; 2],
    stride: [usize; 2],
) -> [(usize, usize); 2] {
    let same = |k: usize, s: usize, n: usize| {
        let total = ((n.div_ceil(s).max(1) - 1) * s + k).saturating_sub(n);
        (total / 2, total - total / 2)
    };
    match padding {
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        PaddingConfig2d::Same => [same(kernel[0], stride[0], height), same(kernel[1], stride[1], width)],
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(*top, *bottom), (*left, *right)],
    }
}

/// The convolution `conv` computes on `x` (`[N, C, H, W]`), through [`FusedConvBackend`] when
/// the input has at most [`MAX_DIRECT_CHANNELS`] channels, one group and no dilation (direct
/// kernels on flex, burn's convolution elsewhere; one autodiff node either way, its bias added
/// after it); otherwise `conv.forward(x)` itself, so every other convolution (and every shape
/// error) is burn's own.
pub fn conv2d(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let [_, channels, height, width] = x.dims();
    let weight_dims = conv.weight.val().dims();
    let direct =
        channels <= MAX_DIRECT_CHANNELS && channels == weight_dims[1] && conv.groups == 1 && conv.dilation == [1, 1];
    if !direct {
        return conv.forward(x);
    }
    let padding = padding_pairs(&conv.padding, [height, width], conv.kernel_size, conv.stride);
    let options = ConvOptions::new_with_padding(conv.stride, padding, conv.dilation, conv.groups);
    let output = conv2d_with(x, conv.weight.val(), options);
    match &conv.bias {
        Some(bias) => output + bias.val().reshape([1, weight_dims[0], 1, 1]),
        None => output,
    }
}

/// [`FusedConvBackend::fused_conv2d`] on tensors: `x` `[N, C, H, W]` convolved with `weight`
/// `[O, C, KH, KW]` under `options`, no bias (burn's own shape checks apply where the direct
/// kernels do not).
pub fn conv2d_with(x: Tensor<4>, weight: Tensor<4>, options: ConvOptions<2>) -> Tensor<4> {
    Tensor::from_dispatch(<Dispatch as FusedConvBackend>::fused_conv2d(
        x.into_dispatch(),
        weight.into_dispatch(),
        options,
    ))
}
