//! Graphons as `r × r` step functions, bilinear resizing and the SAS estimate
//! (Chan & Airoldi, ICML 2014) with the official code's total-variation denoising.

use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// A graphon sampled on an `r × r` grid: `values[i * r + j] = W((i + ½)/r, (j + ½)/r)`,
/// symmetric, in `[0, 1]`. As a function it is the step function of these cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Graphon {
    /// `r × r` values, row-major.
    pub values: Vec<f64>,
    /// Resolution.
    pub r: usize,
}

impl Graphon {
    /// A graphon from row-major values; errors unless there are `r²` finite values in `[0, 1]`
    /// and the matrix is symmetric (to 1e-9).
    pub fn new(values: Vec<f64>, r: usize) -> Result<Self> {
        if r == 0 || values.len() != r * r {
            return Err(GraphError::LengthMismatch { what: "graphon values", found: values.len(), expected: r * r });
        }
        if values.iter().any(|v| !(0.0..=1.0).contains(v)) {
            return Err(GraphError::Invalid("graphon values must lie in [0, 1]".into()));
        }
        for i in 0..r {
            for j in 0..i {
                if (values[i * r + j] - values[j * r + i]).abs() > 1e-9 {
                    return Err(GraphError::Invalid(format!("graphon is not symmetric at ({i}, {j})")));
                }
            }
        }
        Ok(Self { values, r })
    }

    /// `W(x, y)` of the step function (cell `⌊x r⌋, ⌊y r⌋`, clamped).
    pub fn eval(&self, x: f64, y: f64) -> f64 {
        let cell = |v: f64| ((v * self.r as f64) as usize).min(self.r - 1);
        self.values[cell(x) * self.r + cell(y)]
    }

    /// Bilinear resize to `r × r` with OpenCV's `INTER_LINEAR` convention (half-pixel
    /// centres, `src = (dst + ½)·s − ½`, clamped at the border).
    pub fn resize(&self, r: usize) -> Result<Self> {
        Ok(Self { values: resize_bilinear(&self.values, self.r, r)?, r })
    }

    /// The graphon rearranged so that its degree `d_i = mean_j W_ij` decreases (stable), the
    /// canonical form SAS estimates.
    pub fn degree_sorted(&self) -> Self {
        let r = self.r;
        let deg: Vec<f64> = (0..r).map(|i| self.values[i * r..(i + 1) * r].iter().sum()).collect();
        let mut order: Vec<usize> = (0..r).collect();
        order.sort_by(|&a, &b| deg[b].total_cmp(&deg[a]));
        let values =
            order.iter().flat_map(|&i| order.iter().map(move |&j| (i, j))).map(|(i, j)| self.values[i * r + j]);
        Self { values: values.collect(), r }
    }

    /// `‖W − V‖_{L²} = (mean (W_ij − V_ij)²)^½` on a common grid; errors on a size mismatch.
    pub fn l2_distance(&self, other: &Self) -> Result<f64> {
        if self.r != other.r {
            return Err(GraphError::LengthMismatch { what: "graphon resolution", found: other.r, expected: self.r });
        }
        let sq: f64 = self.values.iter().zip(&other.values).map(|(a, b)| (a - b) * (a - b)).sum();
        Ok((sq / (self.r * self.r) as f64).sqrt())
    }

    /// The convex mixture `Σ α_i W_i`; errors on mismatched sizes or weights that are not a
    /// distribution.
    pub fn mixture(parts: &[Graphon], alpha: &[f64]) -> Result<Self> {
        let first = parts.first().ok_or_else(|| GraphError::Invalid("mixture of no graphons".into()))?;
        if alpha.len() != parts.len() {
            return Err(GraphError::LengthMismatch { what: "alpha", found: alpha.len(), expected: parts.len() });
        }
        if alpha.iter().any(|a| a.is_nan() || *a < 0.0) || (alpha.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            return Err(GraphError::Invalid("mixture weights must be non-negative and sum to 1".into()));
        }
        let mut values = vec![0.0; first.values.len()];
        for (part, &a) in parts.iter().zip(alpha) {
            if part.r != first.r {
                return Err(GraphError::LengthMismatch {
                    what: "graphon resolution",
                    found: part.r,
                    expected: first.r,
                });
            }
            values.iter_mut().zip(&part.values).for_each(|(v, p)| *v += a * p);
        }
        Ok(Self { values: values.into_iter().map(|v| v.clamp(0.0, 1.0)).collect(), r: first.r })
    }
}

/// Bilinear resize of a square `n × n` matrix to `m × m` (OpenCV `INTER_LINEAR` convention).
pub fn resize_bilinear(src: &[f64], n: usize, m: usize) -> Result<Vec<f64>> {
    if n == 0 || m == 0 || src.len() != n * n {
        return Err(GraphError::Invalid(format!("cannot resize {} values as {n}×{n} to {m}×{m}", src.len())));
    }
    let scale = n as f64 / m as f64;
    let taps: Vec<(usize, usize, f64)> = (0..m)
        .map(|d| {
            let s = ((d as f64 + 0.5) * scale - 0.5).clamp(0.0, (n - 1) as f64);
            let lo = s.floor() as usize;
            (lo, (lo + 1).min(n - 1), s - lo as f64)
        })
        .collect();
    let mut out = Vec::with_capacity(m * m);
    for &(i0, i1, fi) in &taps {
        for &(j0, j1, fj) in &taps {
            let top = src[i0 * n + j0] * (1.0 - fj) + src[i0 * n + j1] * fj;
            let bottom = src[i1 * n + j0] * (1.0 - fj) + src[i1 * n + j1] * fj;
            out.push(top * (1.0 - fi) + bottom * fi);
        }
    }
    Ok(out)
}

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

/// Dense 0/1 adjacency of `g` (edges taken as undirected, self-loops dropped) with the nodes
/// sorted by degree, descending (stable), zero-padded to `n_max × n_max`.
fn sorted_padded(g: &Graph, n_max: usize) -> Result<Vec<f64>> {
    let n = g.num_nodes;
    let mut adj = vec![0.0; n * n];
    for (s, t) in g.undirected_pairs() {
        if s >= n || t >= n {
            return Err(GraphError::NodeOutOfRange { id: s.max(t), num_nodes: n });
        }
        adj[s * n + t] = 1.0;
        adj[t * n + s] = 1.0;
    }
    let deg: Vec<f64> = (0..n).map(|i| adj[i * n..(i + 1) * n].iter().sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| deg[b].total_cmp(&deg[a]));
    let mut out = vec![0.0; n_max * n_max];
    for (a, &i) in order.iter().enumerate() {
        for (b, &j) in order.iter().enumerate() {
            out[a * n_max + b] = adj[i * n + j];
        }
    }
    Ok(out)
}

/// The SAS estimate (sorting-and-smoothing, as the official `sorted_smooth`): sort each
/// graph's nodes by degree (descending), zero-pad to `N_max`, average
/// `Ā = (1/M) Σ_m A_m`, block-average with `h = ⌊log₂ N_max⌋ + 1` and stride `h`
/// (`K = ⌊N_max / h⌋` blocks; the last `N_max mod h` rows are dropped, like the official
/// `conv2d` without padding): `H_ab = (1/h²) Σ_{i∈a, j∈b} Ā_ij`, then TV-denoise `H` with
/// weight `λ = tv_scale · h` ([`tv_denoise`]), clamp to `[0, 1]`, symmetrise and resize
/// bilinearly to `r × r` ([`resize_bilinear`]). Errors on an empty set or graphs without nodes.
pub fn sas(graphs: &[Graph], r: usize, tv_scale: f64, tv_iterations: usize) -> Result<Graphon> {
    if graphs.is_empty() {
        return Err(GraphError::Invalid("SAS needs at least one graph".into()));
    }
    let n_max = graphs.iter().map(|g| g.num_nodes).max().unwrap_or(0);
    if n_max == 0 {
        return Err(GraphError::Invalid("SAS needs a graph with at least one node".into()));
    }
    if r == 0 {
        return Err(GraphError::Invalid("SAS resolution must be positive".into()));
    }
    let mut mean = vec![0.0; n_max * n_max];
    for g in graphs {
        let a = sorted_padded(g, n_max)?;
        mean.iter_mut().zip(&a).for_each(|(m, v)| *m += v / graphs.len() as f64);
    }
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
