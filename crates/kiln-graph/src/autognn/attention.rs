//! Auto-GNN's seven attention functions over the edges `j → i` of a graph.
//!
//! With `h = Wx` split into `K` heads (`h_i ∈ ℝ^{K×C}`) and per-head vectors `a_l, a_r, w_G ∈
//! ℝ^C`, the coefficient of edge `j → i` in head `k` is
//!
//! | kind | `α_ij` |
//! |---|---|
//! | const | `1` |
//! | gcn | `1/√(d_i d_j)`, `d` the in-degree (self-loop included) |
//! | gat | `softmax_j LeakyReLU(a_lᵀh_i + a_rᵀh_j)` |
//! | sym-gat | `softmax_j (e_ij + e_ji)`, `e` GAT's score |
//! | cos | `softmax_j ⟨a_l⊙h_i, a_r⊙h_j⟩` |
//! | linear | `softmax_j tanh(a_rᵀh_j)` |
//! | gene-linear | `softmax_j w_Gᵀ tanh(a_l⊙h_i + a_r⊙h_j)` |
//!
//! where `softmax_j` normalises over the edges that share the target `i`
//! ([`segment_softmax`]). As in GraphNAS's layer (on which the paper builds), const and gcn are
//! not normalised.

use burn::prelude::Tensor;
use burn::tensor::activation::leaky_relu;

use super::space::AttentionKind;
use crate::message_passing::{GraphTensors, scatter_sum, segment_softmax};

/// The attention vectors of one layer, `[K, C]` each.
#[derive(Debug, Clone)]
pub struct AttentionParams {
    /// `a_l`, applied to the target `h_i`.
    pub a_l: Tensor<2>,
    /// `a_r`, applied to the source `h_j`.
    pub a_r: Tensor<2>,
    /// `w_G` of gene-linear (`None` for the other kinds).
    pub w_g: Option<Tensor<2>>,
    /// Slope of GAT's LeakyReLU (0.2).
    pub negative_slope: f64,
}

/// `Σ_c h[·, k, c] · a[k, c]`: `[M, K, C] × [K, C] → [M, K]`.
fn project(h: Tensor<3>, a: Tensor<2>) -> Tensor<2> {
    let [m, k, _] = h.dims();
    (h * a.unsqueeze_dim::<3>(0)).sum_dim(2).reshape([m, k])
}

/// The raw score `e_ij` of every edge, `[E, K]`, for the softmaxed kinds (const: ones, gcn:
/// `1/√(d_i d_j)`). `h` is `[N, K, C]`.
pub fn attention_scores(
    kind: AttentionKind,
    h: Tensor<3>,
    graph: &GraphTensors,
    params: &AttentionParams,
) -> Tensor<2> {
    let [_, k, _] = h.dims();
    let e = graph.num_edges;
    let device = h.device();
    let (src, dst) = (graph.src.clone(), graph.dst.clone());
    let slope = params.negative_slope;
    match kind {
        AttentionKind::Const => Tensor::ones([e, k], &device),
        AttentionKind::Gcn => {
            let deg = scatter_sum(Tensor::ones([e, 1], &device), dst.clone(), graph.num_nodes);
            let inv = deg.clamp_min(1e-12).powf_scalar(-0.5);
            (inv.clone().select(0, dst) * inv.select(0, src)).expand([e, k])
        }
        AttentionKind::Gat | AttentionKind::SymGat => {
            let left = project(h.clone(), params.a_l.clone());
            let right = project(h, params.a_r.clone());
            let forward = leaky_relu(left.clone().select(0, dst.clone()) + right.clone().select(0, src.clone()), slope);
            if kind == AttentionKind::Gat {
                forward
            } else {
                forward + leaky_relu(left.select(0, src) + right.select(0, dst), slope)
            }
        }
        AttentionKind::Cos => {
            let hi = h.clone().select(0, dst);
            let hj = h.select(0, src);
            project(hi * hj, params.a_l.clone() * params.a_r.clone())
        }
        AttentionKind::Linear => project(h, params.a_r.clone()).select(0, src).tanh(),
        AttentionKind::GeneLinear => {
            let [_, _, c] = h.dims();
            let l = h.clone().select(0, dst) * params.a_l.clone().unsqueeze_dim::<3>(0);
            let r = h.select(0, src) * params.a_r.clone().unsqueeze_dim::<3>(0);
            let w = params.w_g.clone().unwrap_or_else(|| Tensor::ones([k, c], &device));
            project((l + r).tanh(), w)
        }
    }
}

/// The coefficients `α_ij`, `[E, K]`: [`attention_scores`], softmaxed over each target's
/// edges for the kinds that are ([`AttentionKind::softmaxed`]). `graph` is taken as it is: the
/// layer adds the self-loops first.
pub fn attention_coefficients(
    kind: AttentionKind,
    h: Tensor<3>,
    graph: &GraphTensors,
    params: &AttentionParams,
) -> Tensor<2> {
    let scores = attention_scores(kind, h, graph, params);
    if kind.softmaxed() { segment_softmax(scores, graph.dst.clone(), graph.num_nodes) } else { scores }
}
