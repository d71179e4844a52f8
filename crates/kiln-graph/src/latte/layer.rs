//! One LATTE layer: node-level attention per (meta-)relation, relation-level attention per node.
//!
//! For a relation φ from type s to type d and an edge `j → i` (`i` of type d):
//! `e_ijᵏ = s_φ · LeakyReLU₀.₂(a_lᵠᵏ · W_lᵈ h_i + a_rᵠᵏ · W_rˢ h_j)` for heads k,
//! `α_ij = softmax_{j ∈ N_φ(i)} e_ij` (attention dropout in training),
//! `h_iᵠ = ‖_k Σ_j α_ijᵏ (W_rˢ h_j)ᵏ`. Then, over the relations into type(i) and "self",
//! `β_i = softmax(W_β^{type(i)} h_i)` and `h_i' = ReLU(Σ_φ β_iᵠ h_iᵠ + β_i^self W_l h_i)`.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor};
use burn::tensor::activation::{leaky_relu, relu, softmax};

use crate::message_passing::{GraphTensors, scatter_sum, segment_softmax};

/// What a layer computes besides the new features.
#[derive(Debug, Clone)]
pub struct LayerOutput {
    /// New features of every type, `[count_t, hidden]`.
    pub h: Vec<Tensor<2>>,
    /// Node-level attention `α` per relation, `[E_φ, heads]` (`None` for a relation without
    /// edges), before dropout.
    pub alpha: Vec<Option<Tensor<2>>>,
    /// Relation-level attention `β` per type, `[count_t, R_t + 1]`: columns are the relations
    /// into the type in order, then "self".
    pub beta: Vec<Tensor<2>>,
}

/// A LATTE layer over a fixed list of relations `(src_type, dst_type)`.
#[derive(Module, Debug)]
pub struct LatteLayer {
    /// `W_l` per node type (target side and self).
    pub w_l: Vec<Linear>,
    /// `W_r` per node type (source side, the messages).
    pub w_r: Vec<Linear>,
    /// `W_β` per node type, input → (relations into the type) + 1.
    pub w_beta: Vec<Linear>,
    /// `a_l` per relation, `[R, heads, hidden / heads]`.
    pub att_l: Param<Tensor<3>>,
    /// `a_r` per relation, `[R, heads, hidden / heads]`.
    pub att_r: Param<Tensor<3>>,
    /// The sharpening scale `s_φ` per relation, `[R]`, initialised to 1.
    pub sharpen: Param<Tensor<1>>,
    dropout: Dropout,
    #[module(skip)]
    relations: Vec<(usize, usize)>,
    #[module(skip)]
    heads: usize,
    #[module(skip)]
    negative_slope: f64,
}

impl LatteLayer {
    /// A layer from `input` to `hidden` features over `relations` (`(src_type, dst_type)`), for
    /// `types` node types. `heads` must divide `hidden` and `relations` must not be empty.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        types: usize,
        relations: Vec<(usize, usize)>,
        input: usize,
        hidden: usize,
        heads: usize,
        attention_dropout: f64,
        negative_slope: f64,
        device: &Device,
    ) -> Self {
        let r = relations.len();
        let c = hidden / heads;
        let glorot = Initializer::XavierUniform { gain: 1.0 };
        let linear = || LinearConfig::new(input, hidden).with_bias(false).init(device);
        let into = |t: usize| relations.iter().filter(|rel| rel.1 == t).count();
        Self {
            w_l: (0..types).map(|_| linear()).collect(),
            w_r: (0..types).map(|_| linear()).collect(),
            w_beta: (0..types).map(|t| LinearConfig::new(input, into(t) + 1).init(device)).collect(),
            att_l: glorot.init_with([r, heads, c], Some(c), Some(1), device),
            att_r: glorot.init_with([r, heads, c], Some(c), Some(1), device),
            sharpen: Param::from_tensor(Tensor::ones([r], device)),
            dropout: DropoutConfig::new(attention_dropout).init(),
            relations,
            heads,
            negative_slope,
        }
    }

    /// The relations `(src_type, dst_type)` the layer attends over.
    pub fn relations(&self) -> &[(usize, usize)] {
        &self.relations
    }

    /// The attention scores `e_ijᵏ = s_φ · LeakyReLU(a_l·W_l h_i + a_r·W_r h_j)` of relation `r`
    /// for the pairs `src[p] → dst[p]` (any pairs, not only edges: LATTE-2proximity scores
    /// sampled negatives with it), `[P, heads]`, before the softmax.
    pub fn scores(&self, h: &[Tensor<2>], r: usize, src: Tensor<1, Int>, dst: Tensor<1, Int>) -> Tensor<2> {
        let (s, d) = self.relations[r];
        let k = self.heads;
        let targets = self.w_l[d].forward(h[d].clone().select(0, dst));
        let sources = self.w_r[s].forward(h[s].clone().select(0, src));
        let [p, hidden] = targets.dims();
        let c = hidden / k;
        let a_l = self.att_l.val().slice([r..r + 1, 0..k, 0..c]);
        let a_r = self.att_r.val().slice([r..r + 1, 0..k, 0..c]);
        let score_l = (targets.reshape([p, k, c]) * a_l).sum_dim(2).reshape([p, k]);
        let score_r = (sources.reshape([p, k, c]) * a_r).sum_dim(2).reshape([p, k]);
        let e = leaky_relu(score_l + score_r, self.negative_slope);
        e * self.sharpen.val().narrow(0, r, 1).unsqueeze_dim::<2>(0)
    }

    /// One step: `h[t]` is `[count_t, input]`, `graphs[φ]` the edges of relation φ (`src` in the
    /// source type, `dst` in the target type, `num_nodes` the target count).
    pub fn forward(&self, h: &[Tensor<2>], graphs: &[GraphTensors]) -> LayerOutput {
        let k = self.heads;
        let left: Vec<Tensor<2>> = h.iter().zip(&self.w_l).map(|(x, w)| w.forward(x.clone())).collect();
        let right: Vec<Tensor<2>> = h.iter().zip(&self.w_r).map(|(x, w)| w.forward(x.clone())).collect();
        let mut messages = Vec::with_capacity(self.relations.len());
        let mut alphas = Vec::with_capacity(self.relations.len());
        for (r, (&(s, d), g)) in self.relations.iter().zip(graphs).enumerate() {
            let [n_d, hidden] = left[d].dims();
            let c = hidden / k;
            if g.num_edges == 0 {
                messages.push(Tensor::zeros([n_d, hidden], &left[d].device()));
                alphas.push(None);
                continue;
            }
            let n_s = right[s].dims()[0];
            let source = right[s].clone().reshape([n_s, k, c]);
            let e = self.scores(h, r, g.src.clone(), g.dst.clone());
            let alpha = segment_softmax(e, g.dst.clone(), n_d);
            let dropped = self.dropout.forward(alpha.clone());
            let m = source.select(0, g.src.clone()) * dropped.reshape([g.num_edges, k, 1]);
            messages.push(scatter_sum(m.reshape([g.num_edges, hidden]), g.dst.clone(), n_d));
            alphas.push(Some(alpha));
        }
        let mut out = Vec::with_capacity(h.len());
        let mut betas = Vec::with_capacity(h.len());
        for (t, x) in h.iter().enumerate() {
            let beta = softmax(self.w_beta[t].forward(x.clone()), 1);
            let into: Vec<usize> = (0..self.relations.len()).filter(|&r| self.relations[r].1 == t).collect();
            let [n, _] = beta.dims();
            let mut sum = left[t].clone() * beta.clone().slice([0..n, into.len()..into.len() + 1]);
            for (col, &r) in into.iter().enumerate() {
                sum = sum + messages[r].clone() * beta.clone().slice([0..n, col..col + 1]);
            }
            out.push(relu(sum));
            betas.push(beta);
        }
        LayerOutput { h: out, alpha: alphas, beta: betas }
    }
}
