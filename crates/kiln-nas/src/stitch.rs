//! Stitch layers: a linear map `Linear(d_front → d_end)` applied to every token, joining the
//! front part of one network to the back part of another (SN-Net, Pan et al., CVPR 2023 §3.2;
//! Learngene Pool, AAAI 2024).
//!
//! SN-Net initialises a stitch layer by least squares on one batch of paired activations: with
//! `X` the front network's tokens after its last kept block and `Y` the end network's tokens
//! entering its first kept block, both flattened to `[batch·tokens, d]`,
//! `[A; b] = pinv([X, 1]) · Y` (the official `ps_inv`). [`least_squares`] solves the same
//! problem host-side in f64: centred normal equations `(XcᵀXc + λI) A = XcᵀYc`, `b = ȳ − x̄A`,
//! by Cholesky. The tiny ridge `λ = 1e-10 · tr(XcᵀXc)/d_front` (plus `1e-300`) only matters when
//! `X` is rank-deficient, where it approaches the pseudo-inverse's minimum-norm solution for `A`
//! (the pseudo-inverse minimises the norm of `[A; b]` jointly; this fits `b` exactly).
//! The solver is the crate's shared [`crate::linalg::cholesky_solve`].

use burn::module::{Module, Param};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor, TensorData};

use crate::linalg::cholesky_solve;
use thiserror::Error;

/// Why a least-squares stitch could not be computed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum StitchError {
    /// The buffers do not have `rows × d` values.
    #[error("least squares expects x of {rows}×{d_front} and y of {rows}×{d_end} values, got {x_len} and {y_len}")]
    Shape {
        /// Rows requested.
        rows: usize,
        /// Front width.
        d_front: usize,
        /// End width.
        d_end: usize,
        /// Values in `x`.
        x_len: usize,
        /// Values in `y`.
        y_len: usize,
    },
    /// No rows, or a zero width.
    #[error("least squares needs at least one row and positive widths")]
    Empty,
    /// An input value is NaN or infinite.
    #[error("least squares input contains a non-finite value")]
    NonFinite,
    /// The normal equations could not be factorised.
    #[error("the normal equations are not positive definite")]
    Singular,
    /// A tensor could not be read back to the host.
    #[error("cannot read activations: {0}")]
    Read(String),
}

/// A linear stitch layer `y = x·W + b`, `W ∈ ℝ^{d_front × d_end}`, applied to every token.
#[derive(Module, Debug)]
pub struct StitchLayer {
    /// The projection (burn's row layout: weight `[d_front, d_end]`).
    pub linear: Linear,
}

impl StitchLayer {
    /// A stitch layer with burn's default initialisation.
    pub fn new(d_front: usize, d_end: usize, device: &Device) -> Self {
        Self { linear: LinearConfig::new(d_front, d_end).init(device) }
    }

    /// A stitch layer with the given weight `[d_front, d_end]` and bias `[d_end]`.
    pub fn from_matrix(weight: Tensor<2>, bias: Option<Tensor<1>>) -> Self {
        Self { linear: Linear { weight: Param::from_tensor(weight), bias: bias.map(Param::from_tensor) } }
    }

    /// A stitch layer from a host matrix `weight` (row-major `[d_front, d_end]`) and `bias`
    /// (as [`least_squares`] returns them).
    pub fn from_host(weight: Vec<f32>, bias: Vec<f32>, d_front: usize, d_end: usize, device: &Device) -> Self {
        let w = Tensor::<2>::from_data(TensorData::new(weight, [d_front, d_end]), device);
        let b = Tensor::<1>::from_data(TensorData::new(bias, [d_end]), device);
        Self::from_matrix(w, Some(b))
    }

    /// The identity stitch (`d_front = d_end = d`, zero bias).
    pub fn identity(d: usize, device: &Device) -> Self {
        let mut eye = vec![0.0; d * d];
        for i in 0..d {
            eye[i * d + i] = 1.0;
        }
        Self::from_host(eye, vec![0.0; d], d, d, device)
    }

    /// `(d_front, d_end)`.
    pub fn dims(&self) -> (usize, usize) {
        let [f, e] = self.linear.weight.dims();
        (f, e)
    }

    /// Maps every token.
    ///
    /// # Shapes
    /// `[b, tokens, d_front] → [b, tokens, d_end]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.linear.forward(x)
    }
}

/// Least squares `Y ≈ X·A + b` (SN-Net's `ps_inv`) for `x` row-major `[rows, d_front]` and `y`
/// row-major `[rows, d_end]`; returns `A` row-major `[d_front, d_end]` and `b` `[d_end]`. See the
/// module doc for the method.
///
/// # Errors
/// [`StitchError`] on mismatched buffers, no rows, non-finite input, or a failed factorisation.
pub fn least_squares(
    x: &[f32],
    y: &[f32],
    rows: usize,
    d_front: usize,
    d_end: usize,
) -> Result<(Vec<f32>, Vec<f32>), StitchError> {
    if x.len() != rows * d_front || y.len() != rows * d_end {
        return Err(StitchError::Shape { rows, d_front, d_end, x_len: x.len(), y_len: y.len() });
    }
    if rows == 0 || d_front == 0 || d_end == 0 {
        return Err(StitchError::Empty);
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(StitchError::NonFinite);
    }
    let mean = |data: &[f32], d: usize| {
        let mut m = vec![0.0f64; d];
        for row in data.chunks_exact(d) {
            m.iter_mut().zip(row).for_each(|(m, &v)| *m += f64::from(v));
        }
        m.iter_mut().for_each(|m| *m /= rows as f64);
        m
    };
    let (x_mean, y_mean) = (mean(x, d_front), mean(y, d_end));
    let (n, m) = (d_front, d_end);
    let mut gram = vec![0.0f64; n * n];
    let mut cross = vec![0.0f64; n * m];
    let mut xc = vec![0.0f64; n];
    let mut yc = vec![0.0f64; m];
    for (xr, yr) in x.chunks_exact(n).zip(y.chunks_exact(m)) {
        xc.iter_mut().zip(xr.iter().zip(&x_mean)).for_each(|(c, (&v, mu))| *c = f64::from(v) - mu);
        yc.iter_mut().zip(yr.iter().zip(&y_mean)).for_each(|(c, (&v, mu))| *c = f64::from(v) - mu);
        for i in 0..n {
            let xi = xc[i];
            // Lower triangle only; mirrored below.
            for j in 0..=i {
                gram[i * n + j] += xi * xc[j];
            }
            for k in 0..m {
                cross[i * m + k] += xi * yc[k];
            }
        }
    }
    for i in 0..n {
        for j in 0..i {
            gram[j * n + i] = gram[i * n + j];
        }
    }
    let trace: f64 = (0..n).map(|i| gram[i * n + i]).sum();
    let ridge = 1e-10 * trace / n as f64 + 1e-300;
    (0..n).for_each(|i| gram[i * n + i] += ridge);
    let a = cholesky_solve(&gram, &cross, n, m).ok_or(StitchError::Singular)?;
    let bias: Vec<f32> =
        (0..m).map(|k| (y_mean[k] - (0..n).map(|i| x_mean[i] * a[i * m + k]).sum::<f64>()) as f32).collect();
    Ok((a.into_iter().map(|v| v as f32).collect(), bias))
}

/// [`least_squares`] on paired token activations `x` `[b, tokens, d_front]` and `y`
/// `[b, tokens, d_end]` (every token of every example is one row).
///
/// # Errors
/// As [`least_squares`], and [`StitchError::Read`] when a tensor cannot be read back.
pub fn least_squares_tokens(x: Tensor<3>, y: Tensor<3>) -> Result<(Vec<f32>, Vec<f32>), StitchError> {
    let ([bx, tx, d_front], [by, ty, d_end]) = (x.dims(), y.dims());
    let read = |t: Tensor<3>| kiln_core::tensor::try_to_vec(t).map_err(|e| StitchError::Read(e.to_string()));
    let (xs, ys) = (read(x)?, read(y)?);
    if (bx, tx) != (by, ty) {
        return Err(StitchError::Shape { rows: bx * tx, d_front, d_end, x_len: xs.len(), y_len: ys.len() });
    }
    least_squares(&xs, &ys, bx * tx, d_front, d_end)
}
