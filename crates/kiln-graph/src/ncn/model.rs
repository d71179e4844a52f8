//! NCN and NCNC (Wang, Yang, Zhang & Li, "Neural Common Neighbor with Completion for Link
//! Prediction", ICLR 2024), after the official GraphPKU/NeuralCommonNeighbor code.
//!
//! **Encoder** ("puregcn"): `h = Âᴸ (X W_in)` with `Â = D̃^{-1/2}(A + I)D̃^{-1/2}`, one
//! parameter-free propagation per layer (L = 1 by default).
//!
//! **NCN** (§4, eq. 7): for a target `(i, j)`,
//! `s_ij = MLP_out(β · MLP_cn(Σ_{u ∈ N(i) ∩ N(j)} h_u) + MLP_ij(h_i ⊙ h_j))`, β learnable (init 1).
//! The paper writes a concatenation; the code adds the two branches, which we follow.
//!
//! **NCNC** (§5, eq. 9): the common-neighbour sum is completed with soft common neighbours,
//! `Σ_{N(i)∩N(j)} h_u + Σ_{u ∈ N(i)\N(j)} p̂_ju h_u + Σ_{u ∈ N(j)\N(i)} p̂_iu h_u`, where `p̂` is NCN's
//! own prediction (depth 1, no gradient), calibrated as in the code:
//! `p0 = σ(scale · (s − offset))`, `p̂ = α · pt · p0 / (pt · p0 + 1 − p0)`.
//! Defaults are the paper's Cora settings (scale 4.3, offset 2.8, pt 0.75, α 1) except the
//! width (256 → 64) and dropout (0.7 → 0), chosen for small CPU runs.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, sigmoid};

use super::batch::{CompletionTensors, PairTensors};
use crate::message_passing::{Aggregation, GraphTensors, propagate, scatter_sum};

/// Configuration of [`Ncn`].
#[derive(Config, Debug)]
pub struct NcnConfig {
    /// Input features.
    pub input: usize,
    /// Hidden width. Default: 64 (the paper: 256 on Cora).
    #[config(default = 64)]
    pub hidden: usize,
    /// Parameter-free propagation layers of the encoder. Default: 1.
    #[config(default = 1)]
    pub mp_layers: usize,
    /// Dropout on the input and inside the predictor. Default: 0 (the paper: 0.7 input on Cora).
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Use common-neighbour completion (NCNC). Default: false (NCN).
    #[config(default = false)]
    pub completion: bool,
    /// NCNC calibration scale. Default: 4.3.
    #[config(default = 4.3)]
    pub scale: f64,
    /// NCNC calibration offset. Default: 2.8.
    #[config(default = 2.8)]
    pub offset: f64,
    /// NCNC prior `pt`. Default: 0.75.
    #[config(default = 0.75)]
    pub pt: f64,
    /// NCNC `α`. Default: 1.
    #[config(default = 1.0)]
    pub alpha: f64,
}

impl NcnConfig {
    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> Ncn {
        let h = self.hidden;
        let lin = |a: usize, b: usize| LinearConfig::new(a, b).init(device);
        Ncn {
            encoder: lin(self.input, h),
            cn_mlp: vec![lin(h, h), lin(h, h), lin(h, h)],
            ij_mlp: vec![lin(h, h), lin(h, h)],
            out_mlp: vec![lin(h, h), lin(h, 1)],
            beta: Param::from_tensor(Tensor::ones([1], device)),
            dropout: DropoutConfig::new(self.dropout).init(),
            mp_layers: self.mp_layers,
            completion: self.completion,
            scale: self.scale,
            offset: self.offset,
            pt: self.pt,
            alpha: self.alpha,
        }
    }
}

/// NCN, or NCNC when built with `completion`.
#[derive(Module, Debug)]
pub struct Ncn {
    /// `W_in` of the encoder.
    pub encoder: Linear,
    /// `MLP_cn` (3 layers).
    pub cn_mlp: Vec<Linear>,
    /// `MLP_ij` (2 layers).
    pub ij_mlp: Vec<Linear>,
    /// `MLP_out` (2 layers, to one logit).
    pub out_mlp: Vec<Linear>,
    /// β, the weight of the common-neighbour branch.
    pub beta: Param<Tensor<1>>,
    dropout: Dropout,
    #[module(skip)]
    mp_layers: usize,
    #[module(skip)]
    completion: bool,
    #[module(skip)]
    scale: f64,
    #[module(skip)]
    offset: f64,
    #[module(skip)]
    pt: f64,
    #[module(skip)]
    alpha: f64,
}

fn mlp(layers: &[Linear], dropout: &Dropout, mut x: Tensor<2>) -> Tensor<2> {
    for (k, layer) in layers.iter().enumerate() {
        if k > 0 {
            x = dropout.forward(relu(x));
        }
        x = layer.forward(x);
    }
    x
}

impl Ncn {
    /// `true` for NCNC.
    pub fn completes(&self) -> bool {
        self.completion
    }

    /// Node representations `h = Âᴸ (X W_in)`: `[N, F] → [N, hidden]`.
    pub fn encode(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let norm = graph.gcn_norm(true);
        let mut h = self.encoder.forward(self.dropout.forward(x));
        for _ in 0..self.mp_layers {
            h = propagate(h, &norm, Aggregation::Sum);
        }
        h
    }

    /// `Σ_{u ∈ N(i) ∩ N(j)} h_u` for every target, `[P, hidden]` (a sparse × dense product).
    pub fn common_neighbor_sum(h: &Tensor<2>, pairs: &PairTensors) -> Tensor<2> {
        let [_, d] = h.dims();
        if pairs.num_cn == 0 {
            return Tensor::zeros([pairs.num_pairs, d], &h.device());
        }
        scatter_sum(h.clone().select(0, pairs.cn_node.clone()), pairs.cn_pair.clone(), pairs.num_pairs)
    }

    /// NCN's logits `[P]` from a common-neighbour sum `[P, hidden]`.
    fn predict(&self, h: &Tensor<2>, pairs: &PairTensors, cn: Tensor<2>) -> Tensor<1> {
        let hij = h.clone().select(0, pairs.i.clone()) * h.clone().select(0, pairs.j.clone());
        let z_ij = mlp(&self.ij_mlp, &self.dropout, hij);
        let z_cn = mlp(&self.cn_mlp, &self.dropout, cn);
        let z = z_cn * self.beta.val().unsqueeze_dim::<2>(0) + z_ij;
        let s = mlp(&self.out_mlp, &self.dropout, z);
        let [p, _] = s.dims();
        s.reshape([p])
    }

    /// NCN's logits for `pairs` (no completion).
    pub fn score_ncn(&self, h: &Tensor<2>, pairs: &PairTensors) -> Tensor<1> {
        self.predict(h, pairs, Self::common_neighbor_sum(h, pairs))
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
        let mut cn = Self::common_neighbor_sum(h, pairs);
        if let (true, Some(c)) = (self.completion, completion)
            && c.pairs.num_pairs > 0
        {
            let hd = h.clone().detach();
            let p = self.calibrate(self.score_ncn(&hd, &c.pairs)).detach();
            let weighted = h.clone().select(0, c.node.clone()) * p.unsqueeze_dim::<2>(1);
            cn = cn + scatter_sum(weighted, c.target.clone(), pairs.num_pairs);
        }
        self.predict(h, pairs, cn)
    }
}
