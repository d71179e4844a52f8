//! PCA frames of (weighted) point sets and frame averaging (Puny, Atzmon, Ben-Hamu, Misra,
//! Grover, Smith, Lipman, "Frame Averaging for Invariant and Equivariant Network Design",
//! ICLR 2022, §3.1 and the E(3) frame of their Appendix).
//!
//! For a point set `X = {x_i}` with weights `w_i ≥ 0` (a column of a soft partition `Z`):
//!
//! - centroid `c = Σ_i w_i x_i / Σ_i w_i`;
//! - covariance `C = Σ_i w_i (x_i − c)(x_i − c)ᵀ / Σ_i w_i`, eigenvectors `v₁, v₂, v₃` sorted by
//!   decreasing eigenvalue, `R = [v₁ v₂ v₃]`;
//! - the frame `F(X) = {(R·diag(s), c)}` over sign patterns `s ∈ {±1}³`: all 8 for E(3), the 4
//!   with `det(R·diag(s)) = +1` for SE(3) (after making `det R = +1`).
//!
//! Frame averaging of a backbone `ψ`: the invariant `⟨ψ⟩(X) = 1/|F| Σ_{(R,c)∈F} ψ(Rᵀ(X − c))`
//! and the equivariant `⟨ψ⟩(X) = 1/|F| Σ_{(R,c)∈F} R ψ(Rᵀ(X − c))` (+ `c` for positions).
//! `F(g·X) = g·F(X)` for every `g ∈ E(3)` when the eigenvalues are distinct, which makes both
//! exact; with repeated eigenvalues the frame is not unique and the averages only approximate.
//!
//! Gradients do not flow through the eigenvectors: the rotations are computed on the host in
//! `f64` (nalgebra's symmetric eigen-solver) from detached values. The centroids returned with
//! them are tensors built from `Z` and `X`, so gradients reach the weights through them.

use burn::prelude::{Tensor, TensorData};
use nalgebra::{Matrix3, Point3, SymmetricEigen, Vector3};

use crate::error::{GeomError, Result};

/// The group a frame averages over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum FrameGroup {
    /// Rotations and translations: 4 frames (sign patterns with `det = +1`).
    Se3,
    /// Rotations, reflections and translations: 8 frames.
    #[default]
    E3,
}

impl FrameGroup {
    /// The sign patterns `s` of the frames `R·diag(s)`.
    pub fn sign_patterns(self) -> Vec<[f64; 3]> {
        let all: Vec<[f64; 3]> =
            (0..8).map(|m| [0, 1, 2].map(|b| if (m >> b) & 1 == 1 { -1.0 } else { 1.0 })).collect();
        match self {
            Self::E3 => all,
            Self::Se3 => all.into_iter().filter(|s| s[0] * s[1] * s[2] > 0.0).collect(),
        }
    }

    /// Number of frames: 4 or 8.
    pub fn len(self) -> usize {
        match self {
            Self::Se3 => 4,
            Self::E3 => 8,
        }
    }

    /// Never empty (clippy's companion of [`len`](Self::len)).
    pub fn is_empty(self) -> bool {
        false
    }
}

/// The weighted centroid and the covariance eigenvectors of a point set (host side).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PcaFrame {
    /// `c = Σ w_i x_i / Σ w_i`.
    pub centroid: Point3<f64>,
    /// Columns `v₁, v₂, v₃`, eigenvalues decreasing; `det = +1`.
    pub rotation: Matrix3<f64>,
    /// Eigenvalues, decreasing.
    pub eigenvalues: Vector3<f64>,
}

impl PcaFrame {
    /// The frame of `points` weighted by `weights` (`None`: all 1). Errors on an empty set,
    /// mismatched lengths, negative or non-finite weights, or zero total weight.
    pub fn of(points: &[Point3<f64>], weights: Option<&[f64]>) -> Result<Self> {
        if points.is_empty() {
            return Err(GeomError::Invalid("PCA frame of an empty point set".into()));
        }
        if let Some(w) = weights {
            if w.len() != points.len() {
                return Err(GeomError::Invalid(format!("{} weights for {} points", w.len(), points.len())));
            }
            if let Some(i) = w.iter().position(|v| !v.is_finite() || *v < 0.0) {
                return Err(GeomError::Invalid(format!("weight {i} is {} (must be finite and ≥ 0)", w[i])));
            }
        }
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        let total: f64 = (0..points.len()).map(weight).sum();
        if total <= 0.0 {
            return Err(GeomError::Invalid("PCA frame with zero total weight".into()));
        }
        Ok(Self::from_moments(points.iter().enumerate().map(|(i, p)| (p.coords, weight(i))), total))
    }

    /// The frame from `(x_i, w_i)` pairs with `total = Σ w_i > 0` (no checks).
    fn from_moments(items: impl Iterator<Item = (Vector3<f64>, f64)> + Clone, total: f64) -> Self {
        let c = items.clone().fold(Vector3::zeros(), |acc, (x, w)| acc + x * w) / total;
        let cov = items.fold(Matrix3::zeros(), |acc, (x, w)| {
            let d = x - c;
            acc + d * d.transpose() * w
        }) / total;
        let (rotation, eigenvalues) = sorted_eigen(cov);
        Self { centroid: Point3::from(c), rotation, eigenvalues }
    }

    /// The frames `R·diag(s)` of `group`.
    pub fn rotations(&self, group: FrameGroup) -> Vec<Matrix3<f64>> {
        group
            .sign_patterns()
            .into_iter()
            .map(|s| self.rotation * Matrix3::from_diagonal(&Vector3::new(s[0], s[1], s[2])))
            .collect()
    }
}

/// Eigenvectors of a symmetric 3×3 matrix as columns, eigenvalues decreasing, `det = +1`.
fn sorted_eigen(cov: Matrix3<f64>) -> (Matrix3<f64>, Vector3<f64>) {
    let eig = SymmetricEigen::new(cov);
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let mut r = Matrix3::from_columns(&order.map(|i| eig.eigenvectors.column(i).into_owned()));
    if r.determinant() < 0.0 {
        let flipped = -r.column(2);
        r.set_column(2, &flipped);
    }
    (r, Vector3::new(eig.eigenvalues[order[0]], eig.eigenvalues[order[1]], eig.eigenvalues[order[2]]))
}

/// The frames of every part of a soft partition, batched.
#[derive(Debug, Clone)]
pub struct PartFrames {
    /// Weighted centroids `[B, K, 3]` (differentiable in `X` and `Z`).
    pub centroids: Tensor<3>,
    /// Frame rotations `[B, K, S, 3, 3]` (detached), `S = group.len()`.
    pub rotations: Tensor<5>,
    /// Square roots of the covariance eigenvalues (the part's extents), decreasing, `[B, K, 3]`
    /// (detached; invariant).
    pub extents: Tensor<3>,
    /// The group averaged over.
    pub group: FrameGroup,
}

/// Weighted centroids `c_k = Σ_i Z_ik x_i / (Σ_i Z_ik + ε)`: `[B, N, 3] × [B, N, K] → [B, K, 3]`.
pub fn weighted_centroids(points: Tensor<3>, z: Tensor<3>) -> Tensor<3> {
    let mass = z.clone().sum_dim(1).swap_dims(1, 2).clamp_min(1e-12); // [B, K, 1]
    z.swap_dims(1, 2).matmul(points) / mass
}

/// PCA frames of every column of `z` over `points` (`[B, N, 3]`, `[B, N, K]`). A part of zero
/// mass gets the identity frame; its weight is zero wherever the frame is used.
pub fn part_frames(points: Tensor<3>, z: Tensor<3>, group: FrameGroup) -> PartFrames {
    let [b, n, _] = points.dims();
    let k = z.dims()[2];
    let device = points.device();
    let xs = kiln_core::tensor::to_vec(points.clone().detach());
    let zs = kiln_core::tensor::to_vec(z.clone().detach());
    let s = group.len();
    let mut rot = Vec::with_capacity(b * k * s * 9);
    let mut ext = Vec::with_capacity(b * k * 3);
    for bi in 0..b {
        for ki in 0..k {
            let items = (0..n).map(|i| {
                let p = &xs[(bi * n + i) * 3..(bi * n + i) * 3 + 3];
                (Vector3::new(p[0] as f64, p[1] as f64, p[2] as f64), zs[(bi * n + i) * k + ki] as f64)
            });
            let total: f64 = items.clone().map(|(_, w)| w).sum();
            let rotations = if total > 0.0 {
                let f = PcaFrame::from_moments(items, total);
                ext.extend(f.eigenvalues.iter().map(|e| e.max(0.0).sqrt() as f32));
                f.rotations(group)
            } else {
                ext.extend([0.0; 3]);
                vec![Matrix3::identity(); s]
            };
            for r in rotations {
                // Row-major 3×3.
                rot.extend((0..9).map(|e| r[(e / 3, e % 3)] as f32));
            }
        }
    }
    let rotations = Tensor::from_data(TensorData::new(rot, [b, k, s, 3, 3]), &device);
    let extents = Tensor::from_data(TensorData::new(ext, [b, k, 3]), &device);
    PartFrames { centroids: weighted_centroids(points, z), rotations, extents, group }
}

impl PartFrames {
    /// Local coordinates `y_iks = R_ksᵀ (x_i − c_k)`: `[B, N, 3] → [B, K, S, N, 3]`.
    pub fn to_local(&self, points: Tensor<3>) -> Tensor<5> {
        let [b, n, _] = points.dims();
        let [_, k, s, _, _] = self.rotations.dims();
        let centred = points.unsqueeze_dim::<4>(1) - self.centroids.clone().unsqueeze_dim::<4>(2); // [B,K,N,3]
        // (Rᵀ d)_j = Σ_a d_a R_aj: d [B,K,N,3] × R as [B,K,3,S·3].
        let r = self.rotations.clone().permute([0, 1, 3, 2, 4]).reshape([b, k, 3, s * 3]);
        centred.matmul(r).reshape([b, k, n, s, 3]).swap_dims(2, 3)
    }

    /// Vectors rotated back to the world, `R_ks v`: `[B, K, S, N, 3] → [B, K, S, N, 3]`.
    pub fn to_world(&self, vectors: Tensor<5>) -> Tensor<5> {
        // (R v)_j = Σ_a v_a R_ja = (v Rᵀ)_j.
        vectors.matmul(self.rotations.clone().swap_dims(3, 4))
    }

    /// The equivariant frame average `1/|F| Σ_s R_ks v_iks`: `[B, K, S, N, 3] → [B, K, N, 3]`.
    pub fn average_vectors(&self, vectors: Tensor<5>) -> Tensor<4> {
        self.to_world(vectors).mean_dim(2).squeeze_dim(2)
    }
}

/// The invariant frame average `1/|F| Σ_s f_s` over dimension 2 (the frames):
/// `[B, K, S, …] → [B, K, …]`.
pub fn average_invariant<const D: usize, const D2: usize>(features: Tensor<D>) -> Tensor<D2> {
    features.mean_dim(2).squeeze_dim(2)
}

/// Points `[B, N, 3]` as host rows per cloud (for the helpers above and the tests).
pub fn host_points(points: &Tensor<3>) -> Vec<Vec<Point3<f32>>> {
    let [b, n, _] = points.dims();
    let v = kiln_core::tensor::to_vec(points.clone().detach());
    (0..b)
        .map(|bi| {
            (0..n).map(|i| Point3::new(v[(bi * n + i) * 3], v[(bi * n + i) * 3 + 1], v[(bi * n + i) * 3 + 2])).collect()
        })
        .collect()
}
