//! The batch-norm backend extension: its trait, its structured outputs, and the per-backend
//! implementations (flex's fused kernels; burn's own ops everywhere else).

// burn deprecates NdArray in favour of flex; kiln still compiles it behind its `ndarray` feature,
// and the code `#[backend_extension]` generates names it.
#![cfg_attr(feature = "ndarray", allow(deprecated))]

use burn::backend::ops::ModuleOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, ExtensionType, backend_extension};

/// What [`FusedBatchNormBackend::fused_batch_norm_train`] returns: the normalised input and the
/// batch statistics it used.
#[derive(ExtensionType)]
pub struct BatchNormStats<B: Backend> {
    /// `y = γ·(x − μ)/sqrt(σ² + ε) + β`, shaped like the input.
    pub output: FloatTensor<B>,
    /// `μ_c`, the batch mean of each channel, `[channels]`.
    pub mean: FloatTensor<B>,
    /// `σ²_c`, the biased batch variance of each channel (without `ε`), `[channels]`.
    pub var: FloatTensor<B>,
}

/// What [`FusedBatchNormBackend::fused_batch_norm_backward`] returns: the gradients of the
/// input, `γ` and `β`.
#[derive(ExtensionType)]
pub struct BatchNormGrads<B: Backend> {
    /// `dx = γ·r/M · (M·dy − Σ dy − x̂·Σ(dy·x̂))`, shaped like the input.
    pub x: FloatTensor<B>,
    /// `dγ = Σ dy·x̂`, `[channels]`.
    pub gamma: FloatTensor<B>,
    /// `dβ = Σ dy`, `[channels]`.
    pub beta: FloatTensor<B>,
}

/// Training-mode batch normalisation as one backend primitive per direction.
///
/// The input has shape `[N, C, ...]` (rank ≥ 2); statistics are taken per channel `c` over the
/// `M = N · Π dims[2..]` values of that channel. The default bodies are burn's own
/// `ModuleOps::batch_norm_train` / `batch_norm_train_backward`; flex overrides both with fused
/// f32 kernels, and `Autodiff<B>` records the forward as one node whose backward calls
/// [`fused_batch_norm_backward`](Self::fused_batch_norm_backward) of `B`.
#[backend_extension(
    Autodiff,
    Flex: cfg(feature = "flex"),
    NdArray: cfg(feature = "ndarray"),
    Cube: cfg(any(feature = "wgpu", feature = "cuda"))
)]
pub trait FusedBatchNormBackend: Backend {
    /// `y = γ·(x − μ)/sqrt(σ² + ε) + β` with `μ`, `σ²` (biased) the batch statistics of each
    /// channel, returned beside `y`.
    fn fused_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> BatchNormStats<Self> {
        burn_batch_norm_train::<Self>(x, gamma, beta, epsilon)
    }

    /// Gradients of [`fused_batch_norm_train`](Self::fused_batch_norm_train) given the gradient
    /// `dy` of its output and the statistics it returned: with `r = 1/sqrt(σ² + ε)`,
    /// `x̂ = (x − μ)·r` and `M` values per channel, `dβ = Σ dy`, `dγ = Σ dy·x̂`,
    /// `dx = γ·r/M · (M·dy − Σ dy − x̂·Σ(dy·x̂))`.
    fn fused_batch_norm_backward(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        mean: FloatTensor<Self>,
        var: FloatTensor<Self>,
        epsilon: f64,
        output_grad: FloatTensor<Self>,
    ) -> BatchNormGrads<Self> {
        burn_batch_norm_backward::<Self>(x, gamma, mean, var, epsilon, output_grad)
    }
}

/// burn's own training-mode batch norm on `B` (`ModuleOps::batch_norm_train`).
pub(super) fn burn_batch_norm_train<B: Backend>(
    x: FloatTensor<B>,
    gamma: FloatTensor<B>,
    beta: FloatTensor<B>,
    epsilon: f64,
) -> BatchNormStats<B> {
    let result = <B as ModuleOps<B>>::batch_norm_train(x, gamma, beta, epsilon);
    BatchNormStats { output: result.output, mean: result.mean, var: result.variance }
}

/// burn's own batch-norm backward on `B` (`ModuleOps::batch_norm_train_backward`).
pub(super) fn burn_batch_norm_backward<B: Backend>(
    x: FloatTensor<B>,
    gamma: FloatTensor<B>,
    mean: FloatTensor<B>,
    var: FloatTensor<B>,
    epsilon: f64,
    output_grad: FloatTensor<B>,
) -> BatchNormGrads<B> {
    let result = <B as ModuleOps<B>>::batch_norm_train_backward(x, gamma, mean, var, epsilon, output_grad);
    BatchNormGrads { x: result.x_grad, gamma: result.gamma_grad, beta: result.beta_grad }
}

#[cfg(feature = "flex")]
impl FusedBatchNormBackend for burn::backend::Flex {
    fn fused_batch_norm_train(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        epsilon: f64,
    ) -> BatchNormStats<Self> {
        match super::flex_kernel::forward(&x, &gamma, &beta, epsilon) {
            Some((output, mean, var)) => BatchNormStats { output, mean, var },
            None => burn_batch_norm_train::<Self>(x, gamma, beta, epsilon),
        }
    }

    fn fused_batch_norm_backward(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        mean: FloatTensor<Self>,
        var: FloatTensor<Self>,
        epsilon: f64,
        output_grad: FloatTensor<Self>,
    ) -> BatchNormGrads<Self> {
        match super::flex_kernel::backward(&x, &gamma, &mean, &var, epsilon, output_grad) {
            Ok((x, gamma, beta)) => BatchNormGrads { x, gamma, beta },
            Err(output_grad) => burn_batch_norm_backward::<Self>(x, gamma, mean, var, epsilon, output_grad),
        }
    }
}

#[cfg(feature = "ndarray")]
impl FusedBatchNormBackend for burn::backend::NdArray {}

#[cfg(any(feature = "wgpu", feature = "cuda"))]
impl FusedBatchNormBackend for burn::backend::Cube {}
