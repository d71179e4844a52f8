//! Fused operations registered through burn's backend-extension mechanism (`#[backend_extension]`,
//! burn's `extension` feature): one primitive per op, with its own backward, reachable from
//! backend-free [`Tensor`](burn::prelude::Tensor) code.
//!
//! Training-mode batch normalisation is the first: [`batch_norm_train`] and the drop-in
//! [`batch_norm`] for `burn::nn::BatchNorm::forward`. The second is the convolution of few
//! input channels ([`conv2d`], a drop-in for `Conv2d::forward`; [`FusedConvBackend`]): direct
//! kernels on flex for the forward and both gradients, where im2col + GEMM builds a tall thin
//! matrix for one to [`MAX_DIRECT_CHANNELS`] channels; burn's convolution on every other backend.
//!
//! - **Forward**, per channel `c` over the `M = N·H·W` values of the channel:
//!   `μ_c = (1/M) Σ x`, `σ²_c = (1/M) Σ (x − μ_c)²` (biased), computed in one pass,
//!   and `y = γ_c · (x − μ_c) / sqrt(σ²_c + ε) + β_c`.
//! - **Backward**, with `r = 1/sqrt(σ² + ε)` and `x̂ = (x − μ)·r`:
//!   `dβ = Σ dy`, `dγ = Σ dy·x̂`, `dx = γ·r/M · (M·dy − Σ dy − x̂·Σ(dy·x̂))`.
//!
//! On flex (f32) both directions are one kernel each ([`FusedBatchNormBackend`] for `Flex`),
//! parallel over the `N·C` rows of the input. On every other backend (ndarray, wgpu, cuda) the
//! extension's default bodies call burn's own `ModuleOps::batch_norm_train` and
//! `batch_norm_train_backward`, so those backends compute exactly what burn computes. On an
//! autodiff device the op is recorded as one node whose backward is
//! [`FusedBatchNormBackend::fused_batch_norm_backward`] of the inner backend.

mod backward;
mod batch_norm;
mod conv;
mod conv_backward;
#[cfg(feature = "flex")]
mod conv_kernel;
mod conv_layer;
#[cfg(feature = "flex")]
mod flex_kernel;
mod layer;
#[cfg(feature = "flex")]
mod parallel;

pub use batch_norm::{BatchNormGrads, BatchNormStats, FusedBatchNormBackend};
pub use conv::FusedConvBackend;
pub use conv_layer::{conv2d, conv2d_with};
pub use layer::{BatchNormOutput, batch_norm, batch_norm_train};

/// Input channels up to which [`conv2d`] takes the extension convolution (direct kernels on flex).
pub const MAX_DIRECT_CHANNELS: usize = 4;
