//! [`ProteinRpnConfig`]: the paper's and official scripts' defaults, and a CPU preset.

use burn::config::Config;
use burn::prelude::Device;

use super::model::ProteinRpn;
use crate::error::GraphError;

/// Configuration of a [`ProteinRpn`] and of its training. The residue features are
/// [`FEATURES`](super::structure::FEATURES) wide.
#[derive(Config, Debug)]
pub struct ProteinRpnConfig {
    /// Function labels (GO terms; here the planted motifs).
    pub labels: usize,
    /// Width of the head: input projection, functional attention, GCN layers, GMT.
    /// Default: 512 (HEAL's `GraphCNN`).
    #[config(default = 512)]
    pub hidden: usize,
    /// Width of the RPN's GCN layers. Default: 256 (`GraphRPN(hidden_dim=256)`).
    #[config(default = 256)]
    pub rpn_hidden: usize,
    /// RPN depth k (GCN layers and soft-propagation hops). Default: 2.
    #[config(default = 2)]
    pub rpn_hops: usize,
    /// Initial learnable threshold τ of `f = σ(2(z − τ))`. Default: 0.5.
    #[config(default = 0.5)]
    pub threshold: f64,
    /// Mixing of the soft region propagation `s ← a·Âs + (1−a)·s`. Default: 0.5.
    #[config(default = 0.5)]
    pub region_alpha: f64,
    /// GCN layers of the head (residual after the first). Default: 3.
    #[config(default = 3)]
    pub head_layers: usize,
    /// GMT attention heads. Default: 8.
    #[config(default = 8)]
    pub gmt_heads: usize,
    /// GMT pooling ratio: the first GMPool_G has `⌈ratio · max_nodes⌉` seeds. Default: 0.25.
    #[config(default = 0.25)]
    pub gmt_ratio: f64,
    /// GMT's `num_nodes` (largest protein expected). Default: 300 (PyG's; HEAL passes 10000).
    #[config(default = 300)]
    pub max_nodes: usize,
    /// Hidden width of the readout MLP. Default: 1024.
    #[config(default = 1024)]
    pub readout_hidden: usize,
    /// Contact cutoff between Cα atoms (Å). Default: 10.
    #[config(default = 10.0)]
    pub cutoff: f64,
    /// Weight of NT-Xent between the clean and perturbed views. Default: 0.05.
    #[config(default = 0.05)]
    pub contrast_weight: f64,
    /// Temperature of NT-Xent and SupCon. Default: 0.1.
    #[config(default = 0.1)]
    pub temperature: f64,
    /// Scale of the perturbation `x + sign(x)·normalize(U)·ε` after each head layer.
    /// Default: 0.1.
    #[config(default = 0.1)]
    pub noise: f64,
    /// Weight of SupCon (proteins sharing a label are positives; not in the official code).
    /// Default: 0.05.
    #[config(default = 0.05)]
    pub supcon_weight: f64,
    /// Weight of the RPN's auxiliary loss during function training. Default: 1.
    #[config(default = 1.0)]
    pub rpn_weight: f64,
    /// Pre-training epochs of the RPN. Default: 20.
    #[config(default = 20)]
    pub pretrain_epochs: usize,
    /// Pre-training learning rate (Adam). Default: 1e-3.
    #[config(default = 1e-3)]
    pub pretrain_lr: f64,
    /// Pre-training batch size. Default: 32.
    #[config(default = 32)]
    pub pretrain_batch: usize,
    /// Function-training epochs (at most). Default: 100.
    #[config(default = 100)]
    pub epochs: usize,
    /// Function-training learning rate (Adam). Default: 1e-4.
    #[config(default = 1e-4)]
    pub lr: f64,
    /// Function-training batch size. Default: 48.
    #[config(default = 48)]
    pub batch: usize,
    /// Early-stopping patience on the validation loss. Default: 5.
    #[config(default = 5)]
    pub patience: usize,
}

impl ProteinRpnConfig {
    /// The CPU preset: hidden 64, RPN 32, 4 GMT heads, readout 128, proteins up to 64 residues.
    pub fn small(labels: usize) -> Self {
        Self::new(labels)
            .with_hidden(64)
            .with_rpn_hidden(32)
            .with_gmt_heads(4)
            .with_readout_hidden(128)
            .with_max_nodes(64)
    }

    /// Seeds of the first GMPool_G, `⌈ratio · max_nodes⌉` (at least 1).
    pub fn gmt_seeds(&self) -> usize {
        ((self.gmt_ratio * self.max_nodes as f64).ceil() as usize).max(1)
    }

    /// Errors when a width is zero, `hidden` is not a multiple of `gmt_heads`, or a weight,
    /// ratio or temperature is out of range.
    pub fn validate(&self) -> crate::error::Result<()> {
        let sizes = [
            ("labels", self.labels),
            ("hidden", self.hidden),
            ("rpn_hidden", self.rpn_hidden),
            ("head_layers", self.head_layers),
            ("gmt_heads", self.gmt_heads),
            ("max_nodes", self.max_nodes),
            ("readout_hidden", self.readout_hidden),
            ("batch", self.batch),
            ("pretrain_batch", self.pretrain_batch),
        ];
        if let Some((name, _)) = sizes.iter().find(|(_, v)| *v == 0) {
            return Err(GraphError::Invalid(format!("ProteinRPN needs {name} > 0")));
        }
        if !self.hidden.is_multiple_of(self.gmt_heads) {
            return Err(GraphError::Invalid(format!(
                "hidden {} is not a multiple of {} heads",
                self.hidden, self.gmt_heads
            )));
        }
        let positive = [("gmt_ratio", self.gmt_ratio), ("temperature", self.temperature), ("cutoff", self.cutoff)];
        if let Some((name, v)) = positive.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
            return Err(GraphError::Invalid(format!("ProteinRPN needs {name} > 0, got {v}")));
        }
        if !(0.0..=1.0).contains(&self.region_alpha) || self.gmt_ratio > 1.0 {
            return Err(GraphError::Invalid("region_alpha and gmt_ratio must lie in [0, 1]".into()));
        }
        Ok(())
    }

    /// Builds the model on `device` (see [`validate`](Self::validate)).
    pub fn init(&self, device: &Device) -> crate::error::Result<ProteinRpn> {
        self.validate()?;
        Ok(ProteinRpn::new(self, device))
    }
}
