//! [`HeiConfig`]: the paper's defaults (`main_HEI.py`) and a CPU preset.

use burn::config::Config;
use serde::{Deserialize, Serialize};

use super::pattern::NeighbourPattern;

/// The network that classifies the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeiBackbone {
    /// LINKX (Lim et al., NeurIPS 2021): `MLP(ReLU(W[h_A ‖ h_X] + h_A + h_X))`.
    Linkx,
    /// A two-layer GCN (Kipf & Welling, ICLR 2017).
    Gcn,
}

/// How the backbone is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeiObjective {
    /// HEI: environments inferred from the neighbour-dissimilarity `z` by the environment
    /// network (trained adversarially during the warm-up), IRM penalty across them.
    Hei,
    /// Empirical risk minimisation: cross-entropy and the L2 term only.
    Erm,
    /// The ablation: the IRM penalty across environments drawn uniformly at random per node
    /// (fixed, one-hot), the environment network unused.
    RandomEnvironments,
}

/// Configuration of a [`Hei`](super::Hei) node classifier and its objective.
#[derive(Config, Debug)]
pub struct HeiConfig {
    /// Classes.
    pub classes: usize,
    /// Environments K. Default: 4 (the paper's; grid 2–8).
    #[config(default = 4)]
    pub environments: usize,
    /// Hidden width of the backbone. Default: 128.
    #[config(default = 128)]
    pub hidden: usize,
    /// Hidden width of the environment network `1 → h → K`. Default: 16.
    #[config(default = 16)]
    pub env_hidden: usize,
    /// Dropout of the backbone. Default: 0.5.
    #[config(default = 0.5)]
    pub dropout: f64,
    /// The backbone. Default: LINKX.
    #[config(default = "HeiBackbone::Linkx")]
    pub backbone: HeiBackbone,
    /// The objective. Default: HEI.
    #[config(default = "HeiObjective::Hei")]
    pub objective: HeiObjective,
    /// Penalty weight λ once the warm-up is over. Default: 1e4.
    #[config(default = 1e4)]
    pub penalty_weight: f64,
    /// Coefficient of the explicit `Σ‖θ‖²` term. Default: 1e-3.
    #[config(default = 1e-3)]
    pub l2: f64,
    /// Warm-up epochs (λ = 0, environment network ascending P). Default: 5.
    #[config(default = 5)]
    pub warmup_epochs: usize,
    /// Total epochs, warm-up included. Default: 500.
    #[config(default = 500)]
    pub epochs: usize,
    /// Early-stopping patience on validation accuracy; the best validation epoch's model is
    /// kept. Default: 100 (the paper's).
    #[config(default = 100)]
    pub patience: usize,
    /// Backbone learning rate (AdamW). Default: 1e-2.
    #[config(default = 1e-2)]
    pub lr: f64,
    /// Backbone weight decay (AdamW, decoupled). Default: 1e-3.
    #[config(default = 1e-3)]
    pub weight_decay: f64,
    /// Environment-network learning rate (Adam, ascent on P). Default: 1e-3.
    #[config(default = 1e-3)]
    pub env_lr: f64,
    /// How the neighbour pattern `z` is estimated. Default: the local distance (`main_HEI.py`'s
    /// `norm2`).
    #[config(default = "NeighbourPattern::LocalDistance")]
    pub neighbour_pattern: NeighbourPattern,
}

impl HeiConfig {
    /// The CPU preset: the paper's settings with hidden 64 and 200 epochs.
    pub fn small(classes: usize) -> Self {
        Self::new(classes).with_hidden(64).with_epochs(200)
    }

    /// Checks the sizes and the neighbour pattern's parameters; errors name the offending field.
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |what: &str| Err(crate::error::GraphError::Invalid(format!("HEI: {what}")));
        if self.classes < 2 {
            return bad("classes must be at least 2");
        }
        if self.environments == 0 || self.hidden == 0 || self.env_hidden == 0 {
            return bad("environments, hidden and env_hidden must be positive");
        }
        if self.warmup_epochs > self.epochs {
            return bad("warmup_epochs exceeds epochs");
        }
        if !(0.0..1.0).contains(&self.dropout) || self.penalty_weight < 0.0 || self.l2 < 0.0 {
            return bad("dropout must lie in [0, 1), penalty_weight and l2 be non-negative");
        }
        self.neighbour_pattern.validate()
    }
}
