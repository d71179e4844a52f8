//! The tensor-level API of the fused batch norm: [`batch_norm_train`] and [`batch_norm`], a
//! drop-in for `burn::nn::BatchNorm::forward`.

use burn::backend::Dispatch;
use burn::module::RunningState;
use burn::nn::BatchNorm;
use burn::prelude::{Device, Tensor};

use super::batch_norm::FusedBatchNormBackend;
use crate::error::{CoreError, Result};

/// The normalised input and the batch statistics of [`batch_norm_train`].
#[derive(Debug, Clone)]
pub struct BatchNormOutput<const D: usize> {
    /// `y = γ·(x − μ)/sqrt(σ² + ε) + β`, shaped like the input.
    pub output: Tensor<D>,
    /// `μ_c`, the batch mean of each channel, `[channels]`; a constant on autodiff devices.
    pub mean: Tensor<1>,
    /// `σ²_c = (1/M) Σ (x − μ_c)²`, the biased batch variance of each channel (without `ε`),
    /// `[channels]`; a constant on autodiff devices.
    pub var: Tensor<1>,
}

/// Why `x`, `γ`, `β` and `ε` do not make a batch norm, if they do not.
fn check<const D: usize>(x: &Tensor<D>, gamma: &Tensor<1>, beta: &Tensor<1>, epsilon: f64) -> Result<()> {
    let dims = x.dims();
    let invalid = |message: String| Err(CoreError::InvalidConfig(format!("batch norm: {message}")));
    if D < 2 {
        return invalid(format!("the input needs rank ≥ 2 ([batch, channels, ...]), got rank {D}"));
    }
    if dims.contains(&0) {
        return invalid(format!("the input {dims:?} has no values"));
    }
    let [gammas, betas] = [gamma.dims()[0], beta.dims()[0]];
    if gammas != dims[1] || betas != dims[1] {
        return invalid(format!("the input has {} channels but γ has {gammas} values and β {betas}", dims[1]));
    }
    if !(epsilon.is_finite() && epsilon > 0.0) {
        return invalid(format!("ε must be finite and positive, got {epsilon}"));
    }
    Ok(())
}

/// Training-mode batch normalisation with the statistics of the batch itself, as one fused op.
///
/// `x` is `[N, C, ...]`, `γ` and `β` are `[C]`. Per channel `c`, over the `M = N · Π dims[2..]`
/// values of that channel (one pass):
/// `μ_c = (1/M) Σ x`, `σ²_c = (1/M) Σ (x − μ_c)²` (biased), and
/// `y = γ_c · (x − μ_c) / sqrt(σ²_c + ε) + β_c`.
///
/// On an autodiff device the op is one node; its backward (again one fused kernel on flex) is,
/// with `r = 1/sqrt(σ² + ε)` and `x̂ = (x − μ)·r`:
/// `dβ = Σ dy`, `dγ = Σ dy·x̂`, `dx = γ·r/M · (M·dy − Σ dy − x̂·Σ(dy·x̂))`.
/// The returned statistics are constants, as in burn's `batch_norm_train`. Running statistics
/// are not touched (see [`batch_norm`]).
///
/// # Errors
/// [`CoreError::InvalidConfig`] when the rank is below 2, the input is empty, `γ` or `β` does
/// not have one value per channel, or `ε` is not finite and positive.
pub fn batch_norm_train<const D: usize>(
    x: Tensor<D>,
    gamma: Tensor<1>,
    beta: Tensor<1>,
    epsilon: f64,
) -> Result<BatchNormOutput<D>> {
    check(&x, &gamma, &beta, epsilon)?;
    Ok(fused(x, gamma, beta, epsilon))
}

/// [`batch_norm_train`] on arguments that passed [`check`].
fn fused<const D: usize>(x: Tensor<D>, gamma: Tensor<1>, beta: Tensor<1>, epsilon: f64) -> BatchNormOutput<D> {
    let result = <Dispatch as FusedBatchNormBackend>::fused_batch_norm_train(
        x.into_dispatch(),
        gamma.into_dispatch(),
        beta.into_dispatch(),
        epsilon,
    );
    BatchNormOutput {
        output: Tensor::from_dispatch(result.output),
        mean: Tensor::from_dispatch(result.mean),
        var: Tensor::from_dispatch(result.var),
    }
}

/// `(1 − momentum)·running + momentum·batch`, burn's convention, written back to `state`.
fn update_running(state: &RunningState<Tensor<1>>, batch: Tensor<1>, momentum: f64, device: &Device) {
    let running = state.value_sync().to_device(device);
    let updated = running.mul_scalar(1.0 - momentum).add(batch.detach().mul_scalar(momentum));
    state.update(updated.detach());
}

/// A drop-in for `norm.forward(x)` that uses [`batch_norm_train`] in training mode.
///
/// Training mode is burn's: an autodiff device and `norm.training` enabled. Then the output
/// uses the batch statistics and the running statistics are updated as burn does,
/// `running ← (1 − momentum)·running + momentum·batch` (the batch variance biased, like burn's).
/// Otherwise (inference) it normalises with the running statistics `μ_r`, `σ²_r` folded into
/// one scale and shift per channel, `y = x·s + t` with `s = γ/sqrt(σ²_r + ε)` and
/// `t = β − μ_r·s` (two passes over `x` where burn's `norm.forward` makes four; equal to it up
/// to float rounding). An input that [`batch_norm_train`] rejects goes to `norm.forward(x)`, so
/// every failure is burn's own (its shape assertion panics).
///
/// # Panics
/// Where `norm.forward(x)` panics: an input whose axis 1 is not `norm`'s number of features.
pub fn batch_norm<const D: usize>(norm: &BatchNorm, x: Tensor<D>) -> Tensor<D> {
    let device = x.device();
    let (gamma, beta) = (norm.gamma.val(), norm.beta.val());
    if check(&x, &gamma, &beta, norm.epsilon).is_err() {
        return norm.forward(x);
    }
    if !(device.is_autodiff() && norm.training.is_enabled()) {
        return inference(norm, x, gamma, beta);
    }
    let result = fused(x, gamma, beta, norm.epsilon);
    update_running(&norm.running_mean, result.mean, norm.momentum, &device);
    update_running(&norm.running_var, result.var, norm.momentum, &device);
    result.output
}

/// Inference-mode batch norm on an input that passed [`check`]: `y = x·s + t`, `s = γ/sqrt(σ²_r + ε)`,
/// `t = β − μ_r·s`, the running statistics on `x`'s device.
fn inference<const D: usize>(norm: &BatchNorm, x: Tensor<D>, gamma: Tensor<1>, beta: Tensor<1>) -> Tensor<D> {
    let device = x.device();
    let mean = norm.running_mean.value().to_device(&device);
    let var = norm.running_var.value().to_device(&device);
    let scale = gamma.div(var.add_scalar(norm.epsilon).sqrt());
    let shift = beta.sub(mean.mul(scale.clone()));
    let mut shape = [1usize; D];
    shape[1] = x.dims()[1];
    x.mul(scale.reshape(shape)).add(shift.reshape(shape))
}
