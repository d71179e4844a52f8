//! Elastic kernel size (Once-for-All, Cai et al., ICLR 2020, §3.3; `DynamicSeparableConv2d`
//! in mit-han-lab/once-for-all): a depthwise convolution whose largest kernel is shared by all
//! smaller ones. The `k×k` kernel is the centre `k×k` crop of the next larger *effective* kernel,
//! flattened and multiplied by a learned `k²×k²` transform matrix (one per layer and size,
//! shared across channels, initialised to the identity), chained `7 → 5 → 3`:
//! `W_5 = reshape(flat(centre_5(W_7)) · M_{7→5})`, `W_3 = reshape(flat(centre_3(W_5)) · M_{5→3})`.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

/// Configuration of an [`ElasticDepthwiseConv`].
#[derive(Config, Debug)]
pub struct ElasticDepthwiseConvConfig {
    /// Channels (the convolution is depthwise: one filter per channel).
    pub channels: usize,
    /// Kernel sizes, largest first, all odd. Default `[7, 5, 3]` (OFA's).
    #[config(default = "vec![7, 5, 3]")]
    pub kernel_sizes: Vec<usize>,
    /// Stride. Default 1.
    #[config(default = 1)]
    pub stride: usize,
}

impl ElasticDepthwiseConvConfig {
    /// Builds the layer: Kaiming-uniform-like weights, identity transforms.
    pub fn init(&self, device: &Device) -> ElasticDepthwiseConv {
        let mut sizes = self.kernel_sizes.clone();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes.dedup();
        let k = sizes.first().copied().unwrap_or(3);
        let bound = (1.0 / (k * k) as f64).sqrt();
        let weight = Tensor::random([self.channels, 1, k, k], Distribution::Uniform(-bound, bound), device);
        let transforms = sizes.iter().skip(1).map(|&s| Param::from_tensor(Tensor::eye(s * s, device))).collect();
        ElasticDepthwiseConv {
            weight: Param::from_tensor(weight),
            kernel_transforms: transforms,
            kernel_sizes: sizes,
            stride: self.stride,
        }
    }
}

/// A depthwise convolution with an elastic kernel size.
#[derive(Module, Debug)]
pub struct ElasticDepthwiseConv {
    /// The largest kernel, `[channels, 1, K, K]`.
    pub weight: Param<Tensor<4>>,
    /// `M_{K→k}` for each smaller size `k`, in the order of `kernel_sizes[1..]`, `[k², k²]`.
    pub kernel_transforms: Vec<Param<Tensor<2>>>,
    /// Kernel sizes, largest first.
    #[module(skip)]
    pub kernel_sizes: Vec<usize>,
    /// Stride.
    pub stride: usize,
}

impl ElasticDepthwiseConv {
    /// The effective `[channels, 1, k, k]` kernel for size `k` (the largest size if `k` is not
    /// one of the sizes).
    pub fn active_kernel(&self, k: usize) -> Tensor<4> {
        let mut kernel = self.weight.val();
        let channels = kernel.dims()[0];
        let mut current = self.kernel_sizes.first().copied().unwrap_or(k);
        for (transform, &next) in self.kernel_transforms.iter().zip(self.kernel_sizes.iter().skip(1)) {
            if current == k || next < k {
                break;
            }
            let start = (current - next) / 2;
            let centre = kernel.slice([0..channels, 0..1, start..start + next, start..start + next]);
            kernel = centre.reshape([channels, next * next]).matmul(transform.val()).reshape([channels, 1, next, next]);
            current = next;
        }
        kernel
    }

    /// Depthwise convolution with kernel size `k` ("same" padding `k/2`).
    ///
    /// # Shapes
    /// `[b, channels, h, w] → [b, channels, ⌈h/stride⌉, ⌈w/stride⌉]`
    pub fn forward(&self, x: Tensor<4>, k: usize) -> Tensor<4> {
        self.convolve(x, self.active_kernel(k))
    }

    /// Depthwise convolution of `x` with a given `[channels, 1, k, k]` kernel (odd `k`, "same"
    /// padding `k/2`) at this layer's stride. A mixture `Σ_i w_i·pad(W_{k_i})` of centre-padded
    /// kernels gives `Σ_i w_i·DW_{k_i}(x)` in one convolution.
    pub fn convolve(&self, x: Tensor<4>, kernel: Tensor<4>) -> Tensor<4> {
        let [channels, _, size, _] = kernel.dims();
        let pad = size / 2;
        conv2d(x, kernel, None, ConvOptions::new([self.stride, self.stride], [pad, pad], [1, 1], channels))
    }
}
