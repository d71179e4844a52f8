//! The APEN model: layers Φ(X, Z_l) on a hierarchy of soft partitions (Atzmon et al., ICLR
//! 2024, §3).
//!
//! Layer Φ(X, Z) with `Z ∈ [0,1]^{n×k}`, rows summing to 1, point features `h_i` (invariant):
//!
//! 1. per part `k`: the weighted centroid `c_k` and PCA frames `{R_ks}` ([`crate::frame`]);
//! 2. local coordinates `y_iks = R_ksᵀ(x_i − c_k)`, a pointwise `φ_iks = ReLU(W₂ ReLU(W_y y_iks
//!    + W_h h_i))`, the part code `g_ks = max_i Z_ik φ_iks` (weighted max pool, `φ ≥ 0`);
//! 3. `o_iks = ReLU(W_o φ_iks + W_g g_ks)`, a vector `v_iks = W_v o_iks`;
//! 4. frame averages `F_ik = 1/|F| Σ_s o_iks` (invariant), `V_ik = c_k + 1/|F| Σ_s R_ks v_iks`
//!    (equivariant), `G_k = 1/|F| Σ_s g_ks`;
//! 5. mixed per point by Z: `h'_i = Σ_k Z_ik F_ik`, `u_i = Σ_k Z_ik V_ik`.
//!
//! Coarsening `Z_{l+1} = Z_l P_l` with `P_l = softmax_rows(MLP([G_k, e_k, m_k/Σm, Ḡ]))`: the part
//! code, the part's PCA extents, its share of the points, and `Ḡ`, the mass-weighted mean of
//! the `G_k` (all invariant to independent part motions). With one-hot
//! `P_l` ([`Merge::Hard`]) `Z_{l+1}` coarsens `Z_l` exactly. The part logits are `log Z_L`
//! (the last partition is the segmentation), the class head reads `[Ḡ_L, mean_i h'_i]`, and
//! the vectors `u_i` of the last layer are the per-point part centres.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, softmax};

use super::config::ApenConfig;
use crate::frame::{FrameGroup, part_frames};

/// Factor on the part-local coordinates `y_iks` before ψ: parts are ≈ 0.1–0.3 across, and ψ
/// learns faster on coordinates of order 1 (a constant factor keeps the invariance).
pub const LOCAL_SCALE: f32 = 4.0;

/// How a layer's merge matrix `P_l` is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Merge {
    /// The row-softmax itself (training).
    #[default]
    Soft,
    /// One-hot rows at the argmax: every partition is hard and coarsens the one before.
    Hard,
}

/// What one layer Φ(X, Z) returns.
#[derive(Debug, Clone)]
pub struct LayerOutput {
    /// Invariant point features `h'_i`, `[B, N, W]`.
    pub features: Tensor<3>,
    /// Equivariant point vectors `u_i` (positions), `[B, N, 3]`.
    pub vectors: Tensor<3>,
    /// Invariant part codes `G_k`, `[B, K, W]`.
    pub part_features: Tensor<3>,
    /// Part masses `Σ_i Z_ik`, `[B, K]`.
    pub mass: Tensor<2>,
    /// Part extents (square roots of the covariance eigenvalues), `[B, K, 3]`.
    pub extents: Tensor<3>,
}

/// One layer Φ(X, Z): a frame-averaged PointNet-lite per part.
#[derive(Module, Debug)]
pub struct ApenLayer {
    /// `W_y`: local coordinates → width.
    pub embed_y: Linear,
    /// `W_h`: incoming point features → width (absent in the first layer).
    pub embed_h: Option<Linear>,
    /// `W₂`.
    pub point: Linear,
    /// `W_o`.
    pub out_point: Linear,
    /// `W_g`.
    pub out_part: Linear,
    /// `W_v`: → 3-vectors.
    pub vector: Linear,
    /// Frames over E(3) (8) rather than SE(3) (4).
    pub e3: bool,
}

impl ApenLayer {
    /// A layer reading point features of width `input` (0 for the first layer).
    pub fn new(input: usize, width: usize, group: FrameGroup, device: &Device) -> Self {
        let lin = |i: usize, o: usize| LinearConfig::new(i, o).init(device);
        Self {
            embed_y: lin(3, width),
            embed_h: (input > 0).then(|| LinearConfig::new(input, width).with_bias(false).init(device)),
            point: lin(width, width),
            out_point: lin(width, width),
            out_part: LinearConfig::new(width, width).with_bias(false).init(device),
            vector: lin(width, 3),
            e3: group == FrameGroup::E3,
        }
    }

    /// The frames' group.
    pub fn group(&self) -> FrameGroup {
        if self.e3 { FrameGroup::E3 } else { FrameGroup::Se3 }
    }

    /// Φ(X, Z): points `[B, N, 3]`, partition `[B, N, K]`, point features `[B, N, H]`.
    pub fn forward(&self, points: Tensor<3>, z: Tensor<3>, h: Option<Tensor<3>>) -> LayerOutput {
        let [b, _, _] = points.dims();
        let k = z.dims()[2];
        let frames = part_frames(points.clone(), z.clone(), self.group());
        let mut a = self.embed_y.forward(frames.to_local(points) * LOCAL_SCALE); // [B,K,S,N,W]
        if let (Some(lin), Some(h)) = (&self.embed_h, h) {
            a = a + lin.forward(h).unsqueeze_dims::<5>(&[1, 2]);
        }
        let phi = relu(self.point.forward(relu(a)));
        let zt = z.clone().swap_dims(1, 2); // [B,K,N]
        let g = (phi.clone() * zt.clone().unsqueeze_dims::<5>(&[2, 4])).max_dim(3); // [B,K,S,1,W]
        let o = relu(self.out_point.forward(phi) + self.out_part.forward(g.clone()));
        let v = self.vector.forward(o.clone()); // [B,K,S,N,3]
        let f_k: Tensor<4> = o.mean_dim(2).squeeze_dim(2); // [B,K,N,W]
        let v_k = frames.average_vectors(v) + frames.centroids.clone().unsqueeze_dim::<4>(2); // [B,K,N,3]
        let w = zt.clone().unsqueeze_dim::<4>(3); // [B,K,N,1]
        let width = g.dims()[4];
        LayerOutput {
            features: (f_k * w.clone()).sum_dim(1).squeeze_dim(1),
            vectors: (v_k * w).sum_dim(1).squeeze_dim(1),
            part_features: g.mean_dim(2).reshape([b, k, width]),
            mass: zt.sum_dim(2).squeeze_dim(2),
            extents: frames.extents.clone(),
        }
    }
}

/// The merge head of one coarsening: `[G_k, e_k, m_k/Σm, Ḡ] → P_l` rows.
#[derive(Module, Debug)]
pub struct MergeHead {
    /// First layer `2W + 4 → W`.
    pub hidden: Linear,
    /// Second layer `W → K_{l+1}`.
    pub out: Linear,
}

/// The mass-weighted mean of part codes, `Ḡ = Σ_k m_k G_k / Σ_k m_k`: `[B, K, W], [B, K] → [B, W]`.
pub fn pooled_parts(part_features: Tensor<3>, mass: Tensor<2>) -> Tensor<2> {
    let total = mass.clone().sum_dim(1).clamp_min(1e-12); // [B,1]
    (part_features * mass.unsqueeze_dim::<3>(2)).sum_dim(1).squeeze_dim::<2>(1) / total
}

impl MergeHead {
    /// `P = softmax_rows(MLP([G_k, e_k, m_k / Σm, Ḡ]))`, `[B, K, K_{l+1}]`, with `e_k` the part's
    /// extents (× [`LOCAL_SCALE`]) and `m_k / Σm` its share of the points.
    pub fn forward(&self, out: &LayerOutput) -> Tensor<3> {
        let [b, k, w] = out.part_features.dims();
        let ctx = pooled_parts(out.part_features.clone(), out.mass.clone()).unsqueeze_dim::<3>(1).expand([b, k, w]);
        let share = (out.mass.clone() / out.mass.clone().sum_dim(1).clamp_min(1e-12)).unsqueeze_dim::<3>(2);
        let x = Tensor::cat(vec![out.part_features.clone(), out.extents.clone() * LOCAL_SCALE, share, ctx], 2);
        softmax(self.out.forward(relu(self.hidden.forward(x))), 2)
    }
}

/// What [`Apen::forward`] returns.
#[derive(Debug, Clone)]
pub struct ApenOutput {
    /// Per-point part logits `log Z_L` (clamped at `ln 10⁻⁶`), `[B, N, parts]`.
    pub logits: Tensor<3>,
    /// Class logits `[B, classes]`.
    pub class_logits: Tensor<2>,
    /// The partitions `Z₀ (= fine), Z₁, …, Z_L`, each `[B, N, K_l]`.
    pub partitions: Vec<Tensor<3>>,
    /// Per-point part centres from the last layer (equivariant), `[B, N, 3]`.
    pub vectors: Tensor<3>,
}

/// APEN: one [`ApenLayer`] per partition, a [`MergeHead`] per coarsening, and a class head.
#[derive(Module, Debug)]
pub struct Apen {
    /// Φ for `Z₀ … Z_L`.
    pub layers: Vec<ApenLayer>,
    /// The merges `P₀ … P_{L−1}`.
    pub merges: Vec<MergeHead>,
    /// Class head, first layer `2W → W`.
    pub class_hidden: Linear,
    /// Class head, `W → classes`.
    pub class_out: Linear,
    /// Parts `K₀` of the fine partition the model expects.
    pub fine_parts: usize,
}

impl Apen {
    /// The model `config` describes (validated by [`ApenConfig::init`]).
    pub(crate) fn new(config: &ApenConfig, device: &Device) -> Self {
        let w = config.width;
        let sizes = config.sizes();
        let layers =
            (0..sizes.len()).map(|l| ApenLayer::new(if l == 0 { 0 } else { w }, w, config.group, device)).collect();
        let merges = sizes
            .windows(2)
            .map(|s| MergeHead {
                hidden: LinearConfig::new(2 * w + 4, w).init(device),
                out: LinearConfig::new(w, s[1]).init(device),
            })
            .collect();
        Self {
            layers,
            merges,
            class_hidden: LinearConfig::new(2 * w, w).init(device),
            class_out: LinearConfig::new(w, config.classes).init(device),
            fine_parts: config.fine_parts,
        }
    }

    /// The forward pass with soft merges: points `[B, N, 3]`, the fine partition `[B, N, K₀]`.
    pub fn forward(&self, points: Tensor<3>, fine: Tensor<3>) -> ApenOutput {
        self.forward_with(points, fine, Merge::Soft)
    }

    /// The forward pass with the merges used as `merge` says.
    pub fn forward_with(&self, points: Tensor<3>, fine: Tensor<3>, merge: Merge) -> ApenOutput {
        let mut z = fine;
        let mut partitions = vec![z.clone()];
        let mut h = None;
        let mut last = None;
        for (l, layer) in self.layers.iter().enumerate() {
            // The layers see the partition detached: only the part CE trains the merges (else the class
            // head pulls Z towards uniform rows, whose frames see the whole cloud).
            let out = layer.forward(points.clone(), z.clone().detach(), h.take());
            if let Some(head) = self.merges.get(l) {
                let mut p = head.forward(&out);
                if merge == Merge::Hard {
                    let k_next = p.dims()[2];
                    p = p.argmax(2).squeeze_dim::<2>(2).one_hot::<3>(k_next).float();
                }
                z = z.matmul(p);
                partitions.push(z.clone());
            }
            h = Some(out.features.clone());
            last = Some(out);
        }
        let Some(last) = last else { unreachable!("an APEN has at least one layer") };
        let pooled = pooled_parts(last.part_features, last.mass);
        let points_mean = last.features.mean_dim(1).squeeze_dim::<2>(1);
        let class_logits =
            self.class_out.forward(relu(self.class_hidden.forward(Tensor::cat(vec![pooled, points_mean], 1))));
        let logits = z.clamp_min(1e-6).log();
        ApenOutput { logits, class_logits, partitions, vectors: last.vectors }
    }
}
