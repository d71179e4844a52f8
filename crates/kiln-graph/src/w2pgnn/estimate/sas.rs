//! SAS, sorting-and-smoothing (Chan & Airoldi, "A Consistent Histogram Estimator for
//! Exchangeable Graph Models", ICML 2014), with the official code's total-variation
//! denoising (`sorted_smooth`).

use super::aligned::{aligned_mean, check_input};
use crate::error::Result;
use crate::graph::Graph;
use crate::w2pgnn::graphon::{Graphon, resize_bilinear};

/// Isotropic 2-D total-variation denoising by Chambolle's projection algorithm (2004), as
/// scikit-image's `denoise_tv_chambolle`: it solves `min_u ½‖u − f‖² + λ·TV(u)`,
/// `TV(u) = Σ ‖∇u‖₂` with forward differences, by the dual iteration
/// `p ← (p − τ∇u) / (1 + (τ/λ)‖∇u‖)`, `u = f − div p` (τ = ¼), for at most `iterations`
/// steps, stopping early when the energy `(‖u − f‖² + λ TV(u)) / n²` changes by less than
/// `2·10⁻⁴` of its first value (scikit-image's `eps`).
pub fn tv_denoise(f: &[f64], n: usize, lambda: f64, iterations: usize) -> Vec<f64> {
    if lambda <= 0.0 || n == 0 {
        return f.to_vec();
    }
    let tau = 0.25;
    let (mut p0, mut p1) = (vec![0.0; n * n], vec![0.0; n * n]);
    let (mut g0, mut g1) = (vec![0.0; n * n], vec![0.0; n * n]);
    let mut out = f.to_vec();
    let (mut e_init, mut e_prev) = (0.0, 0.0);
    for it in 0..iterations {
        let mut d = vec![0.0; n * n];
        if it > 0 {
            for i in 0..n {
                for j in 0..n {
                    let k = i * n + j;
                    d[k] = -p0[k] - p1[k];
                    if i > 0 {
                        d[k] += p0[k - n];
                    }
                    if j > 0 {
                        d[k] += p1[k - 1];
                    }
                }
            }
            out.iter_mut().zip(f.iter().zip(&d)).for_each(|(o, (a, b))| *o = a + b);
        }
        let mut energy: f64 = d.iter().map(|v| v * v).sum();
        for i in 0..n {
            for j in 0..n {
                let k = i * n + j;
                g0[k] = if i + 1 < n { out[k + n] - out[k] } else { 0.0 };
                g1[k] = if j + 1 < n { out[k + 1] - out[k] } else { 0.0 };
            }
        }
        for k in 0..n * n {
            let norm = (g0[k] * g0[k] + g1[k] * g1[k]).sqrt();
            energy += lambda * norm;
            let factor = 1.0 + norm * tau / lambda;
            p0[k] = (p0[k] - tau * g0[k]) / factor;
            p1[k] = (p1[k] - tau * g1[k]) / factor;
        }
        energy /= (n * n) as f64;
        if it == 0 {
            (e_init, e_prev) = (energy, energy);
        } else if (e_prev - energy).abs() < 2e-4 * e_init {
            break;
        } else {
            e_prev = energy;
        }
    }
    out
}

/// The SAS estimate (sorting-and-smoothing, as the official `sorted_smooth`): sort each
/// graph's nodes by degree (descending), zero-pad to `N_max`, average
/// `Ā = (1/M) Σ_m A_m`, block-average with `h = ⌊log₂ N_max⌋ + 1` and stride `h`
/// (`K = ⌊N_max / h⌋` blocks; the last `N_max mod h` rows are dropped, like the official
/// `conv2d` without padding): `H_ab = (1/h²) Σ_{i∈a, j∈b} Ā_ij`, then TV-denoise `H` with
/// weight `λ = tv_scale · h` ([`tv_denoise`]), clamp to `[0, 1]`, symmetrise and resize
/// bilinearly to `r × r` ([`resize_bilinear`]). Errors on an empty set or graphs without nodes.
pub fn sas(graphs: &[Graph], r: usize, tv_scale: f64, tv_iterations: usize) -> Result<Graphon> {
    let n_max = check_input(graphs, r, "SAS")?;
    let mean = aligned_mean(graphs, n_max)?;
    let h = n_max.ilog2() as usize + 1;
    let k = n_max / h;
    let mut blocks = vec![0.0; k * k];
    for a in 0..k {
        for b in 0..k {
            let mut s = 0.0;
            for i in a * h..(a + 1) * h {
                s += mean[i * n_max + b * h..i * n_max + (b + 1) * h].iter().sum::<f64>();
            }
            blocks[a * k + b] = s / (h * h) as f64;
        }
    }
    let mut smooth = tv_denoise(&blocks, k, tv_scale * h as f64, tv_iterations);
    for a in 0..k {
        for b in 0..a {
            let v = 0.5 * (smooth[a * k + b] + smooth[b * k + a]);
            (smooth[a * k + b], smooth[b * k + a]) = (v, v);
        }
    }
    smooth.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
    Ok(Graphon { values: resize_bilinear(&smooth, k, r)?, r })
}
