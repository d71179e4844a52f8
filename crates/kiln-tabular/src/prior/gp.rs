//! The Gaussian-process prior of TabPFN v1 (Hollmann et al. 2023, §4.4; `priors/fast_gp.py`),
//! drawn through random Fourier features.
//!
//! `f ~ GP(0, k)` with the RBF kernel `k(x, x') = s² exp(−‖x − x'‖² / 2ℓ²)`, observed with
//! Gaussian noise. An exact draw needs a Cholesky factor of the `n × n` kernel matrix; we use
//! Rahimi & Recht's random features instead, `f(x) = s √(2/M) Σ_m a_m cos(ω_mᵀx + b_m)` with
//! `ω_m ~ N(0, I/ℓ²)`, `a_m ~ N(0, 1)`, `b_m ~ U(0, 2π)`, whose covariance converges to `k` as
//! `M` grows (linear in `n` rather than cubic). The length scale grows with `√features` so that
//! the prior does not degenerate to white noise for wide tables.

use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::sample::{bernoulli, log_uniform, normal};

/// Hyper-prior of the GP prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpConfig {
    /// Length scale per `√features`, log-uniform. Default `[0.2, 3]`.
    pub lengthscale: (f32, f32),
    /// Output scale `s`, log-uniform. Default `[0.5, 2]`.
    pub outputscale: (f32, f32),
    /// Observation noise standard deviation, log-uniform. Default `[1e-4, 0.3]`.
    pub noise: (f32, f32),
    /// Random features `M`. Default 128.
    pub random_features: usize,
}

impl Default for GpConfig {
    fn default() -> Self {
        Self { lengthscale: (0.2, 3.0), outputscale: (0.5, 2.0), noise: (1e-4, 0.3), random_features: 128 }
    }
}

/// Draws `rows` inputs (standard normal or uniform on `[0, 1]`, per dataset) and a GP target.
/// Returns `(x, y)` with `x` row-major `[rows, features]`.
pub fn sample_gp(rng: &mut StdRng, rows: usize, features: usize, cfg: &GpConfig) -> (Vec<f32>, Vec<f32>) {
    let uniform = bernoulli(rng, 0.5);
    let lengthscale = log_uniform(rng, cfg.lengthscale.0, cfg.lengthscale.1) * (features as f32).sqrt();
    let outputscale = log_uniform(rng, cfg.outputscale.0, cfg.outputscale.1);
    let noise = log_uniform(rng, cfg.noise.0, cfg.noise.1);
    let m = cfg.random_features.max(1);
    let omega: Vec<f32> = (0..m * features).map(|_| normal(rng) / lengthscale).collect();
    let amp: Vec<f32> = (0..m).map(|_| normal(rng)).collect();
    let phase: Vec<f32> = (0..m).map(|_| rng.random_range(0.0..std::f32::consts::TAU)).collect();
    let norm = outputscale * (2.0 / m as f32).sqrt();

    let mut x = Vec::with_capacity(rows * features);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let row: Vec<f32> = (0..features).map(|_| if uniform { rng.random::<f32>() } else { normal(rng) }).collect();
        let f: f32 = (0..m)
            .map(|j| {
                let w = &omega[j * features..(j + 1) * features];
                let dot: f32 = w.iter().zip(&row).map(|(a, b)| a * b).sum();
                amp[j] * (dot + phase[j]).cos()
            })
            .sum();
        y.push(norm * f + noise * normal(rng));
        x.extend(row);
    }
    (x, y)
}
