//! The convolution backend extension: 2-D convolution without bias and its two gradients, as
//! backend primitives. Flex runs direct kernels where they apply (few input channels,
//! [`conv_kernel`](super::conv_kernel)); everywhere else, and on flex outside those cases,
//! the default bodies are burn's own `ModuleOps::conv2d`, `conv2d_x_backward` and
//! `conv2d_weight_backward`.

// burn deprecates NdArray in favour of flex; kiln still compiles it behind its `ndarray` feature,
// and the code `#[backend_extension]` generates names it.
#![cfg_attr(feature = "ndarray", allow(deprecated))]

use burn::backend::ops::{ConvOptions, ModuleOps};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, backend_extension};

/// 2-D convolution (`x` `[N, C, H, W]`, weight `[O, C/groups, KH, KW]`, no bias) with its
/// backward as separate primitives, so a backend can replace each.
///
/// `y[n,o,i,j] = Σ_{c,p,q} w[o,c,p,q] · x̃[n,c,i·s₀+p·d₀−top, j·s₁+q·d₁−left]` with `x̃` zero
/// outside the input; `∂L/∂x` and `∂L/∂w` are its adjoints in `x` and `w` given `dy = ∂L/∂y`.
#[backend_extension(
    Autodiff,
    Flex: cfg(feature = "flex"),
    NdArray: cfg(feature = "ndarray"),
    Cube: cfg(any(feature = "wgpu", feature = "cuda"))
)]
pub trait FusedConvBackend: Backend {
    /// The convolution of `x` with `weight` (no bias).
    fn fused_conv2d(x: FloatTensor<Self>, weight: FloatTensor<Self>, options: ConvOptions<2>) -> FloatTensor<Self> {
        <Self as ModuleOps<Self>>::conv2d(x, weight, None, options)
    }

    /// `∂L/∂x` of [`fused_conv2d`](Self::fused_conv2d) given `dy = ∂L/∂y`.
    fn fused_conv2d_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        <Self as ModuleOps<Self>>::conv2d_x_backward(x, weight, output_grad, options)
    }

    /// `∂L/∂w` of [`fused_conv2d`](Self::fused_conv2d) given `dy = ∂L/∂y`.
    fn fused_conv2d_weight_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        <Self as ModuleOps<Self>>::conv2d_weight_backward(x, weight, output_grad, options)
    }
}

#[cfg(feature = "flex")]
impl FusedConvBackend for burn::backend::Flex {
    fn fused_conv2d(x: FloatTensor<Self>, weight: FloatTensor<Self>, options: ConvOptions<2>) -> FloatTensor<Self> {
        match super::conv_kernel::forward(&x, &weight, &options) {
            Some(y) => y,
            None => <Self as ModuleOps<Self>>::conv2d(x, weight, None, options),
        }
    }

    fn fused_conv2d_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        use burn::backend::TensorMetadata;
        match super::conv_kernel::input_grad(&x.shape().to_vec(), &weight, &output_grad, &options) {
            Some(dx) => dx,
            None => <Self as ModuleOps<Self>>::conv2d_x_backward(x, weight, output_grad, options),
        }
    }

    fn fused_conv2d_weight_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        use burn::backend::TensorMetadata;
        match super::conv_kernel::weight_grad(&x, &weight.shape().to_vec(), &output_grad, &options) {
            Some(dw) => dw,
            None => <Self as ModuleOps<Self>>::conv2d_weight_backward(x, weight, output_grad, options),
        }
    }
}

#[cfg(feature = "ndarray")]
impl FusedConvBackend for burn::backend::NdArray {}

#[cfg(any(feature = "wgpu", feature = "cuda"))]
impl FusedConvBackend for burn::backend::Cube {}
