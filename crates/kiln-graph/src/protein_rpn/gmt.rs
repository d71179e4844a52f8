//! A compact Graph Multiset Transformer (Baek, Kang & Hwang, "Accurate Learning of Graph
//! Representations with Graph Multiset Pooling", ICLR 2021), as HEAL configures it
//! (`HEAL/pool.py`: `["GMPool_G", "GMPool_G"]`, 8 heads, layer norm, ratio 0.25).
//!
//! A pooling block (PMA) attends from learned seeds `S ∈ ℝ^{k×d}` to a set:
//! `Q = S W_q`, `O = Q + softmax(Q Kᵀ / √d + M) V` per head (heads split the d channels;
//! the scale is the full `√d`, as the reference code), `O ← LN(O)`,
//! `O ← LN(O + ReLU(O W_o))`, where M is `−1e9` on padding slots.
//! - GMPool_G: `K = GCN_K(X, A)`, `V = GCN_V(X, A)` over the nodes (graph-aware keys);
//! - GMPool_I: `K = X W_K`, `V = X W_V` over an already pooled set.
//!
//! [`Gmt`]: `X ← X W_1`; GMPool_G with `⌈ratio · max_nodes⌉` seeds over the nodes; then a pool
//! with one seed over those seeds; `W_2` on the result. In HEAL's code the second block is also
//! a GMPool_G that recomputes its keys and values from the *nodes*, so the first block's output
//! is never used; here the second block is a GMPool_I over the first block's output (the GMT
//! paper's GMPool_G → … → GMPool_I ordering), so both blocks count.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, softmax};

use super::batch::ProteinBatch;
use crate::layers::{GcnConv, GcnConvConfig};

/// Configuration of a [`Pma`] block.
#[derive(Config, Debug)]
pub struct PmaConfig {
    /// Channels d.
    pub channels: usize,
    /// Heads (dividing d).
    pub heads: usize,
    /// Seeds k.
    pub seeds: usize,
    /// Keys and values from a GCN over the nodes (GMPool_G) rather than a linear map
    /// (GMPool_I).
    pub graph: bool,
}

impl PmaConfig {
    /// Builds the block on `device`.
    pub fn init(&self, device: &Device) -> Pma {
        let d = self.channels;
        let xavier = Initializer::XavierUniform { gain: 1.0 };
        Pma {
            seeds: xavier.init_with([self.seeds, d], Some(d), Some(self.seeds), device),
            fc_q: LinearConfig::new(d, d).init(device),
            gcn_k: self.graph.then(|| GcnConvConfig::new(d, d).init(device)),
            gcn_v: self.graph.then(|| GcnConvConfig::new(d, d).init(device)),
            lin_k: (!self.graph).then(|| LinearConfig::new(d, d).init(device)),
            lin_v: (!self.graph).then(|| LinearConfig::new(d, d).init(device)),
            ln0: LayerNormConfig::new(d).init(device),
            ln1: LayerNormConfig::new(d).init(device),
            fc_o: LinearConfig::new(d, d).init(device),
            heads: self.heads.max(1),
        }
    }
}

/// Pooling by multi-head attention from learned seeds.
#[derive(Module, Debug)]
pub struct Pma {
    /// Seeds S, `[k, d]`.
    pub seeds: Param<Tensor<2>>,
    /// `W_q`.
    pub fc_q: Linear,
    /// GMPool_G keys.
    pub gcn_k: Option<GcnConv>,
    /// GMPool_G values.
    pub gcn_v: Option<GcnConv>,
    /// GMPool_I keys.
    pub lin_k: Option<Linear>,
    /// GMPool_I values.
    pub lin_v: Option<Linear>,
    /// First layer norm.
    pub ln0: LayerNorm,
    /// Second layer norm.
    pub ln1: LayerNorm,
    /// `W_o`.
    pub fc_o: Linear,
    #[module(skip)]
    heads: usize,
}

impl Pma {
    /// Attends from the seeds to `keys`/`values` `[B, M, d]` with the additive `mask` `[B, M]`.
    fn attend(&self, keys: Tensor<3>, values: Tensor<3>, mask: Option<Tensor<2>>) -> Tensor<3> {
        let [b, m, d] = keys.dims();
        let k = self.seeds.dims()[0];
        let h = self.heads;
        let dh = d / h;
        let q = self.fc_q.forward(self.seeds.val()).unsqueeze_dim::<3>(0).expand([b, k, d]);
        let split = |t: Tensor<3>, rows: usize| t.reshape([b, rows, h, dh]).swap_dims(1, 2);
        let (qh, kh, vh) = (split(q.clone(), k), split(keys, m), split(values, m));
        let mut scores = qh.clone().matmul(kh.swap_dims(2, 3)) / (d as f64).sqrt();
        if let Some(mask) = mask {
            scores = scores + mask.reshape([b, 1, 1, m]).expand([b, h, k, m]);
        }
        let out = qh + softmax(scores, 3).matmul(vh);
        let out = self.ln0.forward(out.swap_dims(1, 2).reshape([b, k, d]));
        self.ln1.forward(out.clone() + relu(self.fc_o.forward(out)))
    }

    /// GMPool_G: pools the nodes `x` `[N, d]` of `batch`, `→ [B, k, d]`.
    pub fn pool_nodes(&self, x: Tensor<2>, batch: &ProteinBatch) -> Tensor<3> {
        let (b, m) = (batch.num_graphs, batch.max_nodes);
        let d = x.dims()[1];
        let dense = |t: Tensor<2>| t.select(0, batch.dense_index.clone()).reshape([b, m, d]);
        let (keys, values) = match (&self.gcn_k, &self.gcn_v, &self.lin_k, &self.lin_v) {
            (Some(gk), Some(gv), _, _) => {
                (gk.forward_normalized(x.clone(), &batch.normalized), gv.forward_normalized(x, &batch.normalized))
            }
            (_, _, Some(lk), Some(lv)) => (lk.forward(x.clone()), lv.forward(x)),
            _ => unreachable!("a PMA has GCN or linear keys"),
        };
        self.attend(dense(keys), dense(values), Some(batch.dense_mask.clone()))
    }

    /// GMPool_I: pools a set `[B, M, d]`, `→ [B, k, d]`.
    pub fn pool_set(&self, set: Tensor<3>) -> Tensor<3> {
        let (keys, values) = match (&self.lin_k, &self.lin_v) {
            (Some(lk), Some(lv)) => (lk.forward(set.clone()), lv.forward(set)),
            _ => unreachable!("pool_set needs linear keys (GMPool_I)"),
        };
        self.attend(keys, values, None)
    }
}

/// Configuration of a [`Gmt`].
#[derive(Config, Debug)]
pub struct GmtConfig {
    /// Channels d (input, hidden and output).
    pub channels: usize,
    /// Heads. Default: 8.
    #[config(default = 8)]
    pub heads: usize,
    /// Seeds of the first block. Default: 75 (`⌈0.25 · 300⌉`).
    #[config(default = 75)]
    pub seeds: usize,
}

impl GmtConfig {
    /// Builds the pooling on `device`.
    pub fn init(&self, device: &Device) -> Gmt {
        let d = self.channels;
        Gmt {
            lin1: LinearConfig::new(d, d).init(device),
            pool_g: PmaConfig::new(d, self.heads, self.seeds.max(1), true).init(device),
            pool_i: PmaConfig::new(d, self.heads, 1, false).init(device),
            lin2: LinearConfig::new(d, d).init(device),
        }
    }
}

/// Graph Multiset Transformer pooling: nodes `[N, d]` to one vector per protein `[B, d]`.
#[derive(Module, Debug)]
pub struct Gmt {
    /// `W_1`.
    pub lin1: Linear,
    /// GMPool_G over the nodes.
    pub pool_g: Pma,
    /// One-seed pool over the first block's seeds.
    pub pool_i: Pma,
    /// `W_2`.
    pub lin2: Linear,
}

impl Gmt {
    /// `[N, d] → [B, d]`.
    pub fn forward(&self, x: Tensor<2>, batch: &ProteinBatch) -> Tensor<2> {
        let pooled = self.pool_i.pool_set(self.pool_g.pool_nodes(self.lin1.forward(x), batch));
        let [b, _, d] = pooled.dims();
        self.lin2.forward(pooled.reshape([b, d]))
    }
}
