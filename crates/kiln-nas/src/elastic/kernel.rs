//! Elastic kernel size (Once-for-All, Cai et al., ICLR 2020, §3.3; `DynamicSeparableConv2d`
//! in mit-han-lab/once-for-all): a depthwise convolution whose largest kernel is shared by all
//! smaller ones. The `k×k` kernel is the centre `k×k` crop of the next larger *effective* kernel,
//! flattened and multiplied by a learned `k²×k²` transform matrix (one per layer and size,
//! shared across channels, initialised to the identity), chained `7 → 5 → 3`:
//! `W_5 = reshape(flat(centre_5(W_7)) · M_{7→5})`, `W_3 = reshape(flat(centre_3(W_5)) · M_{5→3})`.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::prelude::{Device, Int, Tensor, TensorData};
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
    /// padding `k/2`) at this layer's stride ([`depthwise_conv`]). A mixture
    /// `Σ_i w_i·pad(W_{k_i})` of centre-padded kernels gives `Σ_i w_i·DW_{k_i}(x)` in one
    /// convolution.
    pub fn convolve(&self, x: Tensor<4>, kernel: Tensor<4>) -> Tensor<4> {
        depthwise_conv(x, kernel, self.stride)
    }
}

/// Depthwise convolution of `x` `[b, c, h, w]` with `kernel` `[c, 1, k, k]` (odd `k`, "same"
/// padding `k/2`, stride `stride`): `y[b, c, o] = Σ_t W_c[t] · x[b, c, s·o + t − k/2]`.
/// Small planes (at most [`BANDED_MAX_PLANE`] input pixels, all of the digits supernet's) run
/// as [`banded_depthwise`], the same sums in another order; larger planes run burn's direct
/// depthwise `conv2d`.
///
/// # Shapes
/// `[b, c, h, w] → [b, c, ⌈h/stride⌉, ⌈w/stride⌉]`
pub fn depthwise_conv(x: Tensor<4>, kernel: Tensor<4>, stride: usize) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if h * w <= BANDED_MAX_PLANE {
        return banded_depthwise(x, kernel, stride);
    }
    let [channels, _, size, _] = kernel.dims();
    let pad = size / 2;
    conv2d(x, kernel, None, ConvOptions::new([stride, stride], [pad, pad], [1, 1], channels))
}

/// Largest input plane (`h·w` pixels) that [`depthwise_conv`] runs as
/// [`banded_depthwise`]: its matrices hold `h·w · h'·w'` values per channel, and its products
/// take `h·w / k²` times the multiplications of the direct convolution, which pays off only
/// while the planes are small enough for the direct convolution's per-plane overhead to
/// dominate (one `[c, b·h·w] × [h·w, h'·w']` product instead of `b·c` tiny planes).
pub const BANDED_MAX_PLANE: usize = 64;

/// Depthwise convolution of `x` `[b, c, h, w]` with `kernel` `[c, 1, k, k]` (odd `k`, padding
/// `k/2`, stride `s`) as a batched matrix product:
/// `y[b, c, p] = Σ_q x[b, c, q] · T_c[q, p]`, with `T_c[q, p] = W_c[q_y − s·p_y + k/2,
/// q_x − s·p_x + k/2]` where that tap exists and 0 elsewhere (`q` runs over input pixels,
/// `p` over output pixels). `T = [W_c, 0].select(index)` is a gather of the kernel, so its
/// backward scatters the gradients back onto the taps.
///
/// Every input pixel of a plane enters every output of the plane (times a zero where no tap
/// reaches), so a non-finite input value makes the whole output plane non-finite, where the
/// direct convolution would keep it to the pixels the kernel reaches.
///
/// # Shapes
/// `[b, c, h, w] → [b, c, ⌈h/s⌉, ⌈w/s⌉]`
pub fn banded_depthwise(x: Tensor<4>, kernel: Tensor<4>, stride: usize) -> Tensor<4> {
    let [b, c, h, w] = x.dims();
    let [_, _, k, _] = kernel.dims();
    let (pad, s) = (k / 2, stride.max(1));
    let (oh, ow) = ((h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1);
    let zero_tap = (k * k) as i64;
    let tap = |q: usize, o: usize| (q + pad).checked_sub(s * o).filter(|&t| t < k);
    let mut index = Vec::with_capacity(h * w * oh * ow);
    for qy in 0..h {
        for qx in 0..w {
            for py in 0..oh {
                for px in 0..ow {
                    index.push(match (tap(qy, py), tap(qx, px)) {
                        (Some(ty), Some(tx)) => (ty * k + tx) as i64,
                        _ => zero_tap,
                    });
                }
            }
        }
    }
    let device = x.device();
    let index = Tensor::<1, Int>::from_data(TensorData::new(index, [h * w * oh * ow]), &device);
    let taps = Tensor::cat(vec![kernel.reshape([c, k * k]), Tensor::zeros([c, 1], &device)], 1);
    let banded = taps.select(1, index).reshape([c, h * w, oh * ow]);
    let planes = x.reshape([b, c, h * w]).swap_dims(0, 1);
    planes.matmul(banded).swap_dims(0, 1).reshape([b, c, oh, ow])
}
