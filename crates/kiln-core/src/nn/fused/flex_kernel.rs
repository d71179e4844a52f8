//! The fused f32 batch-norm kernels of flex.
//!
//! The input `[N, C, ...]` is read as `N·C` rows of `L = Π dims[2..]` contiguous values; row `i`
//! belongs to channel `i mod C`, and each channel has `M = N·L` values. Both kernels make two
//! passes over memory, each parallel over contiguous ranges of rows ([`super::parallel`]):
//!
//! - forward: (1) per channel, shifted sums `s₁ = Σ(x − k)`, `s₂ = Σ(x − k)²` with `k` the
//!   channel's first value, so `μ = k + s₁/M` and `σ² = s₂/M − (s₁/M)²` keep their precision
//!   whatever the mean; (2) `y = a·x + b` with `a = γ·r`, `b = β − μ·a`, `r = 1/sqrt(σ² + ε)`.
//! - backward: (1) per channel `Σ dy` and `Σ dy·(x − μ)`, so `Σ dy·x̂ = r·Σ dy·(x − μ)`;
//!   (2) `dx = γ·r/M · (M·dy − Σ dy − x̂·Σ dy·x̂)`, expanded to `dx = a·dy + b·x + c` with
//!   `a = γ·r`, `b = −γ·r²·Σ(dy·x̂)/M`, `c = γ·r·(r·μ·Σ(dy·x̂) − Σ dy)/M`.
//!
//! Sums run in 8 f32 lanes over blocks of 1024 values and are added up in f64, so the rounding
//! of a sum does not grow with `M`. When a tensor is not f32 the kernels decline (`None`, or the
//! output gradient back as `Err`) and the caller uses burn's own ops; non-contiguous tensors are
//! made contiguous first. The backward writes `dx` over the output gradient's buffer.

use burn::backend::flex::FlexTensor;
use burn::backend::{DType, TensorMetadata};
use burn::tensor::TensorData;

use super::parallel::{for_rows_mut, map_rows};

/// f32 lanes of the inner sums.
const LANES: usize = 8;
/// Values summed in f32 before the partial sum is added to an f64 total.
const BLOCK: usize = 1024;

/// `N·C` rows of `len` values, `channels` of them per sample.
#[derive(Clone, Copy, Debug)]
struct Rows {
    count: usize,
    channels: usize,
    len: usize,
}

impl Rows {
    /// The rows of an input of shape `dims` (`None` below rank 2 or with no values).
    fn of(dims: &[usize]) -> Option<Self> {
        let (&batch, rest) = dims.split_first()?;
        let (&channels, spatial) = rest.split_first()?;
        let len: usize = spatial.iter().product();
        (batch * channels * len > 0).then_some(Self { count: batch * channels, channels, len })
    }

    /// Values per channel, `M = N·L`.
    fn per_channel(self) -> f64 {
        ((self.count / self.channels) * self.len) as f64
    }
}

/// The f32 values of a float tensor in row-major order (`None` if it is not f32).
fn values(tensor: &FlexTensor) -> Option<FlexTensor> {
    (tensor.dtype() == DType::F32).then(|| tensor.to_contiguous())
}

/// A `[channels]` tensor's values as f64 (`None` if it is not f32 or has another length).
fn channel_values(tensor: &FlexTensor, channels: usize) -> Option<Vec<f64>> {
    let tensor = values(tensor)?;
    let slice = tensor.as_slice::<f32>()?;
    (slice.len() == channels).then(|| slice.iter().map(|&v| f64::from(v)).collect())
}

/// A new f32 tensor of `shape` holding `data`.
fn tensor(data: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(data, shape))
}

/// `(Σ t₁, Σ t₂)` of `(t₁, t₂) = term(a[i], b[i])` over the paired values: f32 lanes within
/// blocks of [`BLOCK`] values, block totals added up in f64.
#[inline(always)]
fn paired_sums(a: &[f32], b: &[f32], term: impl Fn(f32, f32) -> (f32, f32)) -> (f64, f64) {
    let (mut total1, mut total2) = (0f64, 0f64);
    for (block_a, block_b) in a.chunks(BLOCK).zip(b.chunks(BLOCK)) {
        let (lanes_a, tail_a) = block_a.as_chunks::<LANES>();
        let (lanes_b, tail_b) = block_b.as_chunks::<LANES>();
        let (mut acc1, mut acc2) = ([0f32; LANES], [0f32; LANES]);
        for (va, vb) in lanes_a.iter().zip(lanes_b) {
            for i in 0..LANES {
                let (t1, t2) = term(va[i], vb[i]);
                acc1[i] += t1;
                acc2[i] += t2;
            }
        }
        for (&va, &vb) in tail_a.iter().zip(tail_b) {
            let (t1, t2) = term(va, vb);
            acc1[0] += t1;
            acc2[0] += t2;
        }
        total1 += acc1.iter().map(|&v| f64::from(v)).sum::<f64>();
        total2 += acc2.iter().map(|&v| f64::from(v)).sum::<f64>();
    }
    (total1, total2)
}

/// Per-channel totals of `sums(row, channel)` (one row's pair of sums) over all rows, each
/// thread adding up its own range of rows first.
fn channel_sums(rows: Rows, sums: impl Fn(usize, usize) -> (f64, f64) + Sync) -> Vec<(f64, f64)> {
    let partials = map_rows(rows.count, rows.len, |range| {
        let mut partial = vec![(0f64, 0f64); rows.channels];
        for row in range {
            let channel = row % rows.channels;
            let (s1, s2) = sums(row, channel);
            partial[channel].0 += s1;
            partial[channel].1 += s2;
        }
        partial
    });
    let mut total = vec![(0f64, 0f64); rows.channels];
    for partial in partials {
        for (t, p) in total.iter_mut().zip(partial) {
            t.0 += p.0;
            t.1 += p.1;
        }
    }
    total
}

/// `y = a_c·x + b_c` for each row of channel `c`, into a new buffer, in parallel.
fn scale_shift_rows(rows: Rows, xs: &[f32], coef: &[[f32; 2]]) -> Vec<f32> {
    let mut out = vec![0f32; rows.count * rows.len];
    for_rows_mut(&mut out, rows.len, |first, chunk| {
        for (k, out_row) in chunk.chunks_mut(rows.len).enumerate() {
            let row = first + k;
            let [a, b] = coef[row % rows.channels];
            for (o, &v) in out_row.iter_mut().zip(&xs[row * rows.len..(row + 1) * rows.len]) {
                *o = a * v + b;
            }
        }
    });
    out
}

/// `dx = a_c·dy + b_c·x + c_c` for each row of channel `c`, in place over `grad` (which holds
/// `dy` on entry), in parallel.
fn grad_rows(rows: Rows, grad: &mut [f32], xs: &[f32], coef: &[[f32; 3]]) {
    for_rows_mut(grad, rows.len, |first, chunk| {
        for (k, grad_row) in chunk.chunks_mut(rows.len).enumerate() {
            let row = first + k;
            let [a, b, c] = coef[row % rows.channels];
            for (g, &v) in grad_row.iter_mut().zip(&xs[row * rows.len..(row + 1) * rows.len]) {
                *g = a * *g + b * v + c;
            }
        }
    });
}

/// The fused forward: `(y, μ, σ²)`, or `None` when a tensor is not f32 or the shapes do not fit.
pub fn forward(
    x: &FlexTensor,
    gamma: &FlexTensor,
    beta: &FlexTensor,
    epsilon: f64,
) -> Option<(FlexTensor, FlexTensor, FlexTensor)> {
    let dims = x.shape().to_vec();
    let rows = Rows::of(&dims)?;
    let x = values(x)?;
    let xs = x.as_slice::<f32>()?;
    let (gamma, beta) = (channel_values(gamma, rows.channels)?, channel_values(beta, rows.channels)?);
    let m = rows.per_channel();

    // Pass 1: shifted sums per channel; the shift is the channel's first value (row c, index 0).
    let sums = channel_sums(rows, |row, channel| {
        let shift = xs[channel * rows.len];
        let values = &xs[row * rows.len..(row + 1) * rows.len];
        paired_sums(values, values, |v, _| {
            let d = v - shift;
            (d, d * d)
        })
    });
    let mut mean = Vec::with_capacity(rows.channels);
    let mut var = Vec::with_capacity(rows.channels);
    let mut coef = Vec::with_capacity(rows.channels);
    for (c, &(s1, s2)) in sums.iter().enumerate() {
        let shifted_mean = s1 / m;
        let mu = f64::from(xs[c * rows.len]) + shifted_mean;
        let sigma2 = (s2 / m - shifted_mean * shifted_mean).max(0.0);
        let a = gamma[c] / (sigma2 + epsilon).sqrt();
        mean.push(mu as f32);
        var.push(sigma2 as f32);
        coef.push([a as f32, (beta[c] - mu * a) as f32]);
    }

    // Pass 2: y = a·x + b per channel.
    let output = scale_shift_rows(rows, xs, &coef);
    let channels = vec![rows.channels];
    Some((tensor(output, dims), tensor(mean, channels.clone()), tensor(var, channels)))
}

/// What the backward reads besides `dy`: the rows, `x` (contiguous) and `γ`, `μ`, `σ²`.
struct BackwardInputs {
    rows: Rows,
    x: FlexTensor,
    gamma: Vec<f64>,
    mean: Vec<f64>,
    var: Vec<f64>,
}

impl BackwardInputs {
    /// `None` when a tensor is not f32 or the shapes do not fit.
    fn read(x: &FlexTensor, gamma: &FlexTensor, mean: &FlexTensor, var: &FlexTensor, dy: &FlexTensor) -> Option<Self> {
        let dims = x.shape().to_vec();
        let rows = Rows::of(&dims).filter(|_| dy.shape().to_vec() == dims && dy.dtype() == DType::F32)?;
        Some(Self {
            x: values(x)?,
            gamma: channel_values(gamma, rows.channels)?,
            mean: channel_values(mean, rows.channels)?,
            var: channel_values(var, rows.channels)?,
            rows,
        })
    }
}

/// The fused backward: `(dx, dγ, dβ)`. `dx` is written over `output_grad`'s buffer, or over a copy
/// of it when something else holds it. When a tensor is not f32 or the shapes do not fit, `output_grad` comes back
/// as the error.
pub fn backward(
    x: &FlexTensor,
    gamma: &FlexTensor,
    mean: &FlexTensor,
    var: &FlexTensor,
    epsilon: f64,
    output_grad: FlexTensor,
) -> Result<(FlexTensor, FlexTensor, FlexTensor), FlexTensor> {
    let Some(inputs) = BackwardInputs::read(x, gamma, mean, var, &output_grad) else {
        return Err(output_grad);
    };
    let mut dy = output_grad.to_contiguous();
    drop(output_grad);
    let (rows, mean) = (inputs.rows, &inputs.mean);
    let Some(xs) = inputs.x.as_slice::<f32>() else {
        return Err(dy);
    };
    let Some(dys) = dy.as_slice::<f32>() else {
        return Err(dy);
    };
    let m = rows.per_channel();

    // Pass 1: Σ dy and Σ dy·(x − μ) per channel.
    let sums = channel_sums(rows, |row, channel| {
        let mu = mean[channel] as f32;
        let span = row * rows.len..(row + 1) * rows.len;
        paired_sums(&dys[span.clone()], &xs[span], |g, v| (g, g * (v - mu)))
    });
    let mut grad_gamma = Vec::with_capacity(rows.channels);
    let mut grad_beta = Vec::with_capacity(rows.channels);
    let mut coef = Vec::with_capacity(rows.channels);
    for (c, &(sum_dy, sum_dy_centred)) in sums.iter().enumerate() {
        let r = 1.0 / (inputs.var[c] + epsilon).sqrt();
        let sum_dy_xhat = r * sum_dy_centred;
        let gr = inputs.gamma[c] * r;
        grad_gamma.push(sum_dy_xhat as f32);
        grad_beta.push(sum_dy as f32);
        coef.push([
            gr as f32,
            (-gr * r * sum_dy_xhat / m) as f32,
            (gr * (r * mean[c] * sum_dy_xhat - sum_dy) / m) as f32,
        ]);
    }

    // Pass 2: dx = a·dy + b·x + c per channel, over dy's buffer (copied first if it is shared:
    // `storage_mut` is copy-on-write).
    grad_rows(rows, dy.storage_mut::<f32>(), xs, &coef);
    let channels = vec![rows.channels];
    Ok((dy, tensor(grad_gamma, channels.clone()), tensor(grad_beta, channels)))
}
