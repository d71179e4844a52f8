//! The ProteinRPN model: RPN, functional attention, HEAL's GCN head, GMT pooling, readout.
//!
//! ```text
//! x₀ = ReLU(W_in x)                                  (HEAL: ReLU(proj(one-hot) + proj(ESM)))
//! f, D, … = RPN(x)                                   (rpn.rs)
//! x₁ = x₀ + FunctionalAttention(x₀, f)               (attention.rs)
//! h¹ = ReLU(GCN₁(x₁)), hˡ = hˡ⁻¹ + ReLU(GCNₗ(hˡ⁻¹))  on A ⊙ DDᵀ (the node-dropped graph)
//! g = GMT(h), ŷ = W₂ ReLU(W₁ g)                      (logits; σ gives the probabilities)
//! ```
//!
//! The perturbed view (training only) adds `sign(h)·normalize(U(0,1))·ε` after every head
//! layer (HEAL's `pertubed=True`) and gives the second embedding of NT-Xent.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use burn::tensor::activation::{relu, sigmoid};

use super::attention::{FunctionalAttention, FunctionalAttentionConfig};
use super::batch::ProteinBatch;
use super::config::ProteinRpnConfig;
use super::gmt::{Gmt, GmtConfig};
use super::rpn::{RegionProposal, RegionProposalConfig, RpnOutput};
use super::structure::{FEATURES, Protein};
use crate::error::Result;
use crate::layers::{GcnConv, GcnConvConfig};
use crate::message_passing::GraphTensors;

/// ProteinRPN (Mitra, Huang & Kellis, arXiv 2409.00610).
#[derive(Module, Debug)]
pub struct ProteinRpn {
    /// Input projection `W_in`.
    pub embed: Linear,
    /// The region proposal network.
    pub rpn: RegionProposal,
    /// Functional attention.
    pub attention: FunctionalAttention,
    /// The head's GCN layers.
    pub head: Vec<GcnConv>,
    /// GMT pooling.
    pub gmt: Gmt,
    /// Readout `W₁`.
    pub readout1: Linear,
    /// Readout `W₂`.
    pub readout2: Linear,
    #[module(skip)]
    noise: f64,
    #[module(skip)]
    cutoff: f64,
    #[module(skip)]
    contrast_weight: f64,
    #[module(skip)]
    supcon_weight: f64,
    #[module(skip)]
    rpn_weight: f64,
    #[module(skip)]
    temperature: f64,
}

/// Everything a forward pass gives.
#[derive(Debug, Clone)]
pub struct ProteinRpnOutput {
    /// Label logits `[B, L]`.
    pub logits: Tensor<2>,
    /// Graph embedding of the clean view `[B, hidden]`.
    pub embedding: Tensor<2>,
    /// Graph embedding of the perturbed view, when asked for.
    pub perturbed: Option<Tensor<2>>,
    /// The RPN's proposal.
    pub rpn: RpnOutput,
}

impl ProteinRpn {
    pub(crate) fn new(config: &ProteinRpnConfig, device: &Device) -> Self {
        let h = config.hidden;
        Self {
            embed: LinearConfig::new(FEATURES, h).init(device),
            rpn: RegionProposalConfig::new(FEATURES)
                .with_hidden(config.rpn_hidden)
                .with_hops(config.rpn_hops)
                .with_threshold(config.threshold)
                .with_alpha(config.region_alpha)
                .init(device),
            attention: FunctionalAttentionConfig::new(h, h).init(device),
            head: (0..config.head_layers).map(|_| GcnConvConfig::new(h, h).init(device)).collect(),
            gmt: GmtConfig::new(h).with_heads(config.gmt_heads).with_seeds(config.gmt_seeds()).init(device),
            readout1: LinearConfig::new(h, config.readout_hidden).init(device),
            readout2: LinearConfig::new(config.readout_hidden, config.labels).init(device),
            noise: config.noise,
            cutoff: config.cutoff,
            contrast_weight: config.contrast_weight,
            supcon_weight: config.supcon_weight,
            rpn_weight: config.rpn_weight,
            temperature: config.temperature,
        }
    }

    /// `(contrast, supcon, rpn, temperature)`: the weights of the function loss and the
    /// contrastive temperature.
    pub(crate) fn weights(&self) -> (f64, f64, f64, f64) {
        (self.contrast_weight, self.supcon_weight, self.rpn_weight, self.temperature)
    }

    /// The head's GCN stack on the node-dropped graph, optionally perturbed.
    fn head_forward(&self, x: Tensor<2>, graph: &GraphTensors, perturb: bool) -> Tensor<2> {
        let mut h = x;
        for (l, conv) in self.head.iter().enumerate() {
            let y = relu(conv.forward_normalized(h.clone(), graph));
            h = if l == 0 { y } else { h + y };
            if perturb {
                let u = Tensor::<2>::random(h.dims(), Distribution::Uniform(0.0, 1.0), &h.device());
                let [n, c] = u.dims();
                let unit = u.clone() / u.powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12).expand([n, c]);
                h = h.clone() + h.sign() * unit * self.noise;
            }
        }
        h
    }

    /// The forward pass; `perturbed` adds the second (noisy) view.
    pub fn forward(&self, batch: &ProteinBatch, perturbed: bool) -> ProteinRpnOutput {
        let rpn = self.rpn.forward(batch);
        let x0 = relu(self.embed.forward(batch.x.clone()));
        let x1 = x0.clone() + self.attention.forward(x0, rpn.functionality.clone(), &batch.graph);
        let keep = rpn.keep.clone();
        let dropped = keep.clone().select(0, batch.graph.src.clone()) * keep.select(0, batch.graph.dst.clone());
        let graph = GraphTensors { weight: Some(dropped), ..batch.graph.clone() }.gcn_norm(true);
        let embed = |h: Tensor<2>| self.gmt.forward(h, batch);
        let embedding = embed(self.head_forward(x1.clone(), &graph, false));
        let perturbed = perturbed.then(|| embed(self.head_forward(x1, &graph, true)));
        let logits = self.readout2.forward(relu(self.readout1.forward(embedding.clone())));
        ProteinRpnOutput { logits, embedding, perturbed, rpn }
    }

    /// Label probabilities and residue scores (anchor functionality `f`) of one protein.
    pub fn predict(&self, protein: &Protein) -> Result<(Vec<f32>, Vec<f32>)> {
        let device = self.embed.weight.val().device();
        let graph = protein.graph(self.cutoff as f32);
        let batch = ProteinBatch::of_graphs(&[&graph], &device)?;
        let out = self.forward(&batch, false);
        let labels = kiln_core::tensor::try_to_vec(sigmoid(out.logits))?;
        let scores = kiln_core::tensor::try_to_vec(out.rpn.functionality)?;
        Ok((labels, scores))
    }
}
