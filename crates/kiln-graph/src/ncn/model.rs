//! NCN and NCNC (Wang, Yang, Zhang & Li, "Neural Common Neighbor with Completion for Link
//! Prediction", ICLR 2024), after the official GraphPKU/NeuralCommonNeighbor code
//! (`MPNN.py`'s `GCN` with `puregcn`, `Predictor.py`'s `CNLinkPredictor` and
//! `IncompleteCN1Predictor`); the options are [`super::NcnConfig`]'s.
//!
//! **Encoder** ("puregcn"): `h⁰ = drop_g(X' W_in)` with `X' = drop_x(X)`, then per layer
//! `hˡ = Â hˡ⁻¹` (`+ hˡ⁻¹` when residual; tail dropout after the last), `Â = D̃^{-1/2}(A + I)D̃^{-1/2}`
//! on the (edge-dropped) graph; with jumping knowledge `h = Σ_l w_l hˡ`, `w ~ N(0, 1)` learned.
//!
//! **NCN** (§4, eq. 7): for a target `(i, j)`, with `h' = h + MLP_x(h)` (`xlin`),
//! `s_ij = MLP_out(β · MLP_cn(Σ_{u ∈ N(i) ∩ N(j)} h'_u) + MLP_ij(h_i ⊙ h_j))`, β learnable
//! (init 1). The paper writes a concatenation; the code adds the two branches, which we follow,
//! and, as the code, takes `h_i ⊙ h_j` before `xlin`.
//!
//! **NCNC** (§5, eq. 9): the common-neighbour sum is completed with soft common neighbours,
//! `Σ_{N(i)∩N(j)} h'_u + Σ_{u ∈ N(i)\N(j)} p̂_ju h'_u + Σ_{u ∈ N(j)\N(i)} p̂_iu h'_u`, where `p̂` is NCN's
//! own prediction on `h'` (depth 1, no gradient), calibrated as in the code:
//! `p0 = σ(scale · (s − offset))`, `p̂ = α · pt · p0 / (pt · p0 + 1 − p0)`.
//!
//! Deviations: predictor edge dropout is drawn once per training batch on the host
//! ([`super::LinkTrainSource`]), and the completion candidates' own common neighbours use that
//! same dropped adjacency (the official depth-0 call drops edges a second time); NCNC scores
//! every completion candidate (the official `--trndeg`/`--tstdeg` default of −1, no sampling).

use burn::module::{Module, Param};
use burn::nn::{Dropout, Linear};
use burn::prelude::Tensor;
use burn::tensor::activation::sigmoid;

use super::batch::{CompletionTensors, PairTensors};
use super::mlp::Mlp;
use crate::message_passing::{Aggregation, GraphTensors, propagate, scatter_sum};

/// NCN, or NCNC when built with `completion`.
#[derive(Module, Debug)]
pub struct Ncn {
    /// `W_in` of the encoder.
    pub encoder: Linear,
    /// Jumping-knowledge weights, one per propagation.
    pub jk_weights: Option<Param<Tensor<1>>>,
    /// `MLP_x` of `h' = h + MLP_x(h)`.
    pub xlin: Option<Mlp>,
    /// `MLP_cn`.
    pub cn_mlp: Mlp,
    /// `MLP_ij`.
    pub ij_mlp: Mlp,
    /// `MLP_out`, to one logit.
    pub out_mlp: Mlp,
    /// β, the weight of the common-neighbour branch.
    pub beta: Param<Tensor<1>>,
    pub(super) input_dropout: Dropout,
    pub(super) encoder_dropout: Dropout,
    pub(super) tail_dropout: Dropout,
    pub(super) edge_dropout: Dropout,
    pub(super) predictor_dropout: Dropout,
    #[module(skip)]
    pub(super) mp_layers: usize,
    #[module(skip)]
    pub(super) residual: bool,
    #[module(skip)]
    pub(super) mask_input: bool,
    #[module(skip)]
    pub(super) predictor_edge_dropout: f64,
    #[module(skip)]
    pub(super) completion: bool,
    #[module(skip)]
    pub(super) scale: f64,
    #[module(skip)]
    pub(super) offset: f64,
    #[module(skip)]
    pub(super) pt: f64,
    #[module(skip)]
    pub(super) alpha: f64,
}

impl Ncn {
    /// `true` for NCNC.
    pub fn completes(&self) -> bool {
        self.completion
    }

    /// `true` when training batches remove their target links (`--maskinput`).
    pub fn masks_input(&self) -> bool {
        self.mask_input
    }

    /// The predictor's edge dropout in training.
    pub fn predictor_edge_dropout(&self) -> f64 {
        self.predictor_edge_dropout
    }

    /// `true` when the predictor has `xlin`.
    pub fn has_xlin(&self) -> bool {
        self.xlin.is_some()
    }

    /// Node representations (see the module documentation): `[N, F] → [N, hidden]`.
    pub fn encode(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let mut h = self.encoder_dropout.forward(self.encoder.forward(self.input_dropout.forward(x)));
        let mut norm = graph.gcn_norm(true);
        let mut layers = Vec::with_capacity(self.mp_layers);
        for layer in 0..self.mp_layers {
            if self.edge_dropout.prob > 0.0 && graph.num_edges > 0 {
                norm = self.drop_edges(graph).gcn_norm(true);
            }
            let mut next = propagate(h.clone(), &norm, Aggregation::Sum);
            if layer + 1 == self.mp_layers {
                next = self.tail_dropout.forward(next);
            }
            h = if self.residual { next + h } else { next };
            layers.push(h.clone());
        }
        match &self.jk_weights {
            Some(w) if !layers.is_empty() => {
                let [n, d] = h.dims();
                let count = layers.len();
                (Tensor::stack::<3>(layers, 0) * w.val().reshape([count, 1, 1])).sum_dim(0).reshape([n, d])
            }
            _ => h,
        }
    }

    /// `graph` with each edge kept with probability `1 − p` and scaled by `1 / (1 − p)`
    /// (the official `DropAdj`; only while training).
    fn drop_edges(&self, graph: &GraphTensors) -> GraphTensors {
        let device = graph.src.device();
        let keep = self.edge_dropout.forward(Tensor::<1>::ones([graph.num_edges], &device));
        let weight = match &graph.weight {
            Some(w) => w.clone() * keep,
            None => keep,
        };
        GraphTensors { weight: Some(weight), ..graph.clone() }
    }

    /// `h' = h + MLP_x(h)`, or `h` without `xlin`.
    pub fn with_xlin(&self, h: &Tensor<2>) -> Tensor<2> {
        match &self.xlin {
            Some(mlp) => h.clone() + mlp.forward(h.clone(), &self.predictor_dropout),
            None => h.clone(),
        }
    }

    /// `Σ_{u ∈ N(i) ∩ N(j)} h_u` for every target, `[P, hidden]` (a sparse × dense product).
    pub fn common_neighbor_sum(h: &Tensor<2>, pairs: &PairTensors) -> Tensor<2> {
        let [_, d] = h.dims();
        if pairs.num_cn == 0 {
            return Tensor::zeros([pairs.num_pairs, d], &h.device());
        }
        scatter_sum(h.clone().select(0, pairs.cn_node.clone()), pairs.cn_pair.clone(), pairs.num_pairs)
    }

    /// Logits `[P]` from `h_i ⊙ h_j` `[P, hidden]` and a common-neighbour sum `[P, hidden]`.
    fn predict(&self, hij: Tensor<2>, cn: Tensor<2>) -> Tensor<1> {
        let z_ij = self.ij_mlp.forward(hij, &self.predictor_dropout);
        let z_cn = self.cn_mlp.forward(cn, &self.predictor_dropout);
        let z = z_cn * self.beta.val().unsqueeze_dim::<2>(0) + z_ij;
        let s = self.out_mlp.forward(z, &self.predictor_dropout);
        let [p, _] = s.dims();
        s.reshape([p])
    }

    fn pair_product(h: &Tensor<2>, pairs: &PairTensors) -> Tensor<2> {
        h.clone().select(0, pairs.i.clone()) * h.clone().select(0, pairs.j.clone())
    }

    /// NCN's logits for `pairs` (no completion).
    pub fn score_ncn(&self, h: &Tensor<2>, pairs: &PairTensors) -> Tensor<1> {
        let hx = self.with_xlin(h);
        self.predict(Self::pair_product(h, pairs), Self::common_neighbor_sum(&hx, pairs))
    }

    /// NCNC's calibrated probability `p̂ = α·pt·p0 / (pt·p0 + 1 − p0)`, `p0 = σ(scale·(s − offset))`.
    pub fn calibrate(&self, logits: Tensor<1>) -> Tensor<1> {
        let p0 = sigmoid((logits - self.offset) * self.scale);
        let num = p0.clone() * (self.alpha * self.pt);
        // pt·p0 + 1 − p0 = p0·(pt − 1) + 1
        num / (p0 * (self.pt - 1.0) + 1.0)
    }

    /// Logits `[P]` for `pairs`: NCN, or NCNC when the model completes and `completion` is given.
    pub fn score(&self, h: &Tensor<2>, pairs: &PairTensors, completion: Option<&CompletionTensors>) -> Tensor<1> {
        let hx = self.with_xlin(h);
        let mut cn = Self::common_neighbor_sum(&hx, pairs);
        if let (true, Some(c)) = (self.completion, completion)
            && c.pairs.num_pairs > 0
        {
            // The official depth-0 call sees `h'` (and applies `xlin` to it once more).
            let p = self.calibrate(self.score_ncn(&hx.clone().detach(), &c.pairs)).detach();
            let weighted = hx.clone().select(0, c.node.clone()) * p.unsqueeze_dim::<2>(1);
            cn = cn + scatter_sum(weighted, c.target.clone(), pairs.num_pairs);
        }
        self.predict(Self::pair_product(h, pairs), cn)
    }
}
