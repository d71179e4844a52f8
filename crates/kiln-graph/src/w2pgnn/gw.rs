//! Gromov–Wasserstein discrepancy between two graphons seen as metric-measure spaces: the
//! `n₁ × n₁` and `n₂ × n₂` matrices `C₁ = W₁`, `C₂ = W₂` with uniform weights `p = 1/n₁`,
//! `q = 1/n₂`, and the square loss:
//!
//! `GW(W₁, W₂) = min_{T ∈ Π(p, q)} Σ_{i,j,k,l} (C₁_ik − C₂_jl)² T_ij T_kl = ⟨L ⊗ T, T⟩`,
//!
//! with the tensor product (Peyré, Cuturi & Solomon, ICML 2016, Prop. 1)
//! `L ⊗ T = c₁ 1ᵀ + 1 c₂ᵀ − 2 C₁ T C₂ᵀ`, `c₁ = (C₁ ⊙ C₁) p`, `c₂ = (C₂ ⊙ C₂) q`.

use crate::error::{GraphError, Result};

/// A solved GW problem.
#[derive(Debug, Clone, PartialEq)]
pub struct GwSolution {
    /// `⟨L ⊗ T, T⟩` at the returned coupling.
    pub loss: f64,
    /// The entropic objective `⟨L ⊗ T, T⟩ + ε Σ T log T` (equal to `loss` for the exact solver).
    pub objective: f64,
    /// The coupling `T`, `n₁ × n₂`, row-major.
    pub coupling: Vec<f64>,
    /// Outer iterations run.
    pub iterations: usize,
}

/// `a (m × k) · b (k × n)`, row-major.
pub(crate) fn matmul(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        let row = &mut c[i * n..(i + 1) * n];
        for (l, &x) in a[i * k..(i + 1) * k].iter().enumerate() {
            if x != 0.0 {
                row.iter_mut().zip(&b[l * n..(l + 1) * n]).for_each(|(r, y)| *r += x * y);
            }
        }
    }
    c
}

/// The two (symmetric) matrices and their constant part `c₁ 1ᵀ + 1 c₂ᵀ`.
struct Problem<'a> {
    c1: &'a [f64],
    c2: &'a [f64],
    n1: usize,
    n2: usize,
    constant: Vec<f64>,
}

impl<'a> Problem<'a> {
    fn new(c1: &'a [f64], n1: usize, c2: &'a [f64], n2: usize) -> Result<Self> {
        if n1 == 0 || n2 == 0 || c1.len() != n1 * n1 || c2.len() != n2 * n2 {
            return Err(GraphError::Invalid(format!("GW needs square non-empty matrices, got {n1} and {n2}")));
        }
        if c1.iter().chain(c2).any(|v| !v.is_finite()) {
            return Err(GraphError::Invalid("GW matrices must be finite".into()));
        }
        let mean_sq =
            |c: &[f64], n: usize, i: usize| c[i * n..(i + 1) * n].iter().map(|v| v * v).sum::<f64>() / n as f64;
        let a: Vec<f64> = (0..n1).map(|i| mean_sq(c1, n1, i)).collect();
        let b: Vec<f64> = (0..n2).map(|j| mean_sq(c2, n2, j)).collect();
        let constant = (0..n1 * n2).map(|k| a[k / n2] + b[k % n2]).collect();
        Ok(Self { c1, c2, n1, n2, constant })
    }

    /// `C₁ T C₂` (`C₂` symmetric).
    fn cross(&self, t: &[f64]) -> Vec<f64> {
        let ct = matmul(self.c1, t, self.n1, self.n1, self.n2);
        matmul(&ct, self.c2, self.n1, self.n2, self.n2)
    }

    /// `L ⊗ T`.
    fn tensor(&self, t: &[f64]) -> Vec<f64> {
        self.cross(t).iter().zip(&self.constant).map(|(x, c)| c - 2.0 * x).collect()
    }

    fn product(&self) -> Vec<f64> {
        vec![1.0 / (self.n1 * self.n2) as f64; self.n1 * self.n2]
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Sinkhorn–Knopp scaling for `min ⟨C, T⟩ − ε H(T)` over `Π(p, q)` with uniform marginals:
/// `T = diag(u) K diag(v)`, `K = exp(−(C − min C)/ε)`, `u ← p / K v`, `v ← q / Kᵀu`, until
/// the row marginals are within `1e-12` (L1) or `iterations` are spent. Errors when the
/// scaling overflows (ε too small for the range of `C`).
pub fn sinkhorn(cost: &[f64], n1: usize, n2: usize, epsilon: f64, iterations: usize) -> Result<Vec<f64>> {
    let cmin = cost.iter().copied().fold(f64::INFINITY, f64::min);
    let kernel: Vec<f64> = cost.iter().map(|c| (-(c - cmin) / epsilon).max(-700.0).exp()).collect();
    let (p, q) = (1.0 / n1 as f64, 1.0 / n2 as f64);
    let (mut u, mut v) = (vec![1.0; n1], vec![1.0; n2]);
    for it in 0..iterations {
        for i in 0..n1 {
            u[i] = p / dot(&kernel[i * n2..(i + 1) * n2], &v);
        }
        let mut ktu = vec![0.0; n2];
        for i in 0..n1 {
            ktu.iter_mut().zip(&kernel[i * n2..(i + 1) * n2]).for_each(|(s, k)| *s += k * u[i]);
        }
        v.iter_mut().zip(&ktu).for_each(|(v, s)| *v = q / s);
        if it % 10 == 9 || it + 1 == iterations {
            let err: f64 = (0..n1).map(|i| (u[i] * dot(&kernel[i * n2..(i + 1) * n2], &v) - p).abs()).sum();
            if !err.is_finite() {
                return Err(GraphError::Invalid(format!("Sinkhorn overflowed: epsilon {epsilon} is too small")));
            }
            if err < 1e-12 {
                break;
            }
        }
    }
    Ok((0..n1 * n2).map(|k| u[k / n2] * kernel[k] * v[k % n2]).collect())
}

/// Entropic GW (Peyré et al. 2016; POT's `entropic_gromov_wasserstein`): from the product
/// coupling `T = p qᵀ`, repeat `T ← Sinkhorn(2·L ⊗ T, ε)` (the projected mirror step of the
/// objective `⟨L ⊗ T, T⟩ + ε Σ T log T`, whose gradient is `2 L ⊗ T + ε(log T + 1)`) until
/// `‖ΔT‖_F < 1e-11` or `iterations` outer steps. Its `loss` has a positive bias of order ε
/// (a blurred coupling) even for `W₁ = W₂`.
pub fn entropic_gw(
    c1: &[f64],
    n1: usize,
    c2: &[f64],
    n2: usize,
    epsilon: f64,
    iterations: usize,
    sinkhorn_iterations: usize,
) -> Result<GwSolution> {
    if epsilon.is_nan() || epsilon <= 0.0 {
        return Err(GraphError::Invalid(format!("entropic GW needs epsilon > 0, got {epsilon}")));
    }
    let pb = Problem::new(c1, n1, c2, n2)?;
    let mut t = pb.product();
    let mut done = 0;
    for it in 0..iterations {
        let cost: Vec<f64> = pb.tensor(&t).iter().map(|x| 2.0 * x).collect();
        let next = sinkhorn(&cost, n1, n2, epsilon, sinkhorn_iterations)?;
        let change: f64 = next.iter().zip(&t).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt();
        t = next;
        done = it + 1;
        if change < 1e-11 {
            break;
        }
    }
    let loss = dot(&pb.tensor(&t), &t);
    let entropy: f64 = t.iter().filter(|&&x| x > 0.0).map(|x| x * x.ln()).sum();
    Ok(GwSolution { loss, objective: loss + epsilon * entropy, coupling: t, iterations: done })
}

/// "Exact" GW by conditional gradient (Frank–Wolfe), as POT's `gromov_wasserstein`: from
/// `T = p qᵀ`, the direction is the linear program `min_{G ∈ Π(p,q)} ⟨2 L ⊗ T, G⟩`, solved
/// exactly — with equal sizes and uniform weights its optimum is a permutation matrix over
/// `n` (Birkhoff), found by the Hungarian algorithm — then the exact line search of the
/// quadratic `f(T + τΔ) = f(T) + bτ + aτ²`, `a = −2⟨C₁ΔC₂, Δ⟩`,
/// `b = ⟨c₁1ᵀ + 1c₂ᵀ, Δ⟩ − 4⟨C₁TC₂, Δ⟩` on `[0, 1]`; stop when the loss changes by less
/// than `1e-9` (relative) or `1e-15` (absolute). Needs `n₁ = n₂`. A local optimum, like POT's.
pub fn exact_gw(c1: &[f64], c2: &[f64], n: usize, iterations: usize) -> Result<GwSolution> {
    let pb = Problem::new(c1, n, c2, n)?;
    let mut t = pb.product();
    let mut loss = dot(&pb.tensor(&t), &t);
    let mut done = 0;
    for it in 0..iterations {
        done = it + 1;
        let cross = pb.cross(&t);
        let grad: Vec<f64> = cross.iter().zip(&pb.constant).map(|(x, c)| 2.0 * (c - 2.0 * x)).collect();
        let perm = hungarian(&grad, n);
        let mut delta: Vec<f64> = t.iter().map(|x| -x).collect();
        for (i, &j) in perm.iter().enumerate() {
            delta[i * n + j] += 1.0 / n as f64;
        }
        let a = -2.0 * dot(&pb.cross(&delta), &delta);
        let b = dot(&pb.constant, &delta) - 4.0 * dot(&cross, &delta);
        let tau = if a > 0.0 {
            (-b / (2.0 * a)).clamp(0.0, 1.0)
        } else if a + b < 0.0 {
            1.0
        } else {
            0.0
        };
        t.iter_mut().zip(&delta).for_each(|(x, d)| *x += tau * d);
        let next = dot(&pb.tensor(&t), &t);
        let change = (loss - next).abs();
        loss = next;
        if change <= 1e-9 * loss.abs() || change <= 1e-15 {
            break;
        }
    }
    Ok(GwSolution { loss: loss.max(0.0), objective: loss.max(0.0), coupling: t, iterations: done })
}

/// `∂/∂C₁ Σ (C₁_ik − C₂_jl)² T_ij T_kl` at a fixed coupling (the envelope theorem: at an
/// optimal `T` of either solver the derivative of the optimal value is this partial, the
/// entropy term not depending on `C₁`): with `Σ_j T_ij = p_i`,
///
/// `∂GW/∂C₁_ik = 2 Σ_{j,l} (C₁_ik − C₂_jl) T_ij T_kl = 2 (C₁_ik p_i p_k − (T C₂ Tᵀ)_ik)`,
///
/// i.e. `2 (C₁ ⊙ p pᵀ − T C₂ Tᵀ)` with `p = 1/n₁` (each entry of `C₁` an independent
/// variable). POT's `gromov_wasserstein2` hands the same gradient to autograd.
pub fn gw_gradient(c1: &[f64], n1: usize, c2: &[f64], n2: usize, coupling: &[f64]) -> Result<Vec<f64>> {
    if c1.len() != n1 * n1 || c2.len() != n2 * n2 || coupling.len() != n1 * n2 {
        return Err(GraphError::Invalid("GW gradient: sizes of C1, C2 and T disagree".into()));
    }
    let tc2 = matmul(coupling, c2, n1, n2, n2);
    let mut tt = vec![0.0; n2 * n1];
    for i in 0..n1 {
        for j in 0..n2 {
            tt[j * n1 + i] = coupling[i * n2 + j];
        }
    }
    let tc2t = matmul(&tc2, &tt, n1, n2, n1);
    let pp = 1.0 / (n1 * n1) as f64;
    Ok(c1.iter().zip(&tc2t).map(|(c, m)| 2.0 * (c * pp - m)).collect())
}

/// The minimum-cost perfect matching of an `n × n` cost matrix (Hungarian algorithm with
/// potentials, O(n³)): `result[i]` is the column of row `i`.
pub fn hungarian(cost: &[f64], n: usize) -> Vec<usize> {
    let (mut u, mut v) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    let (mut p, mut way) = (vec![0usize; n + 1], vec![0usize; n + 1]);
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let (mut delta, mut j1) = (f64::INFINITY, 0);
            for j in 1..=n {
                if !used[j] {
                    let cur = cost[(i0 - 1) * n + j - 1] - u[i0] - v[j];
                    if cur < minv[j] {
                        (minv[j], way[j]) = (cur, j0);
                    }
                    if minv[j] < delta {
                        (delta, j1) = (minv[j], j);
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![0; n];
    for j in 1..=n {
        if p[j] > 0 {
            out[p[j] - 1] = j - 1;
        }
    }
    out
}
