//! Settings of an Auto-GNN search: how a child is built and trained ([`ChildConfig`]) and how
//! the reinforced conservative controller explores ([`AutoGnnConfig`]).

use burn::config::Config;

use super::space::AutoGnnSpace;

/// How a child architecture is built and trained (GraphNAS's citation settings: dropout 0.6 on
/// each layer's input and on the attention coefficients, Adam at 0.005 with weight decay 5e-4).
#[derive(Config, Debug)]
pub struct ChildConfig {
    /// Dropout on each layer's input. Default: 0.6.
    #[config(default = 0.6)]
    pub dropout: f64,
    /// Dropout on the attention coefficients. Default: 0.6.
    #[config(default = 0.6)]
    pub attention_dropout: f64,
    /// A skip connection `Linear(input → output)` around every layer. Default: true.
    #[config(default = true)]
    pub skip: bool,
    /// Batch norm after every hidden layer's activation. Default: true.
    #[config(default = true)]
    pub batch_norm: bool,
    /// Width of the pooled aggregators' per-neighbour MLP. Default: 128.
    #[config(default = 128)]
    pub pool_dim: usize,
    /// Slope of GAT's LeakyReLU. Default: 0.2.
    #[config(default = 0.2)]
    pub negative_slope: f64,
    /// Learning rate (Adam). Default: 0.005.
    #[config(default = 0.005)]
    pub lr: f64,
    /// L2 penalty. Default: 5e-4.
    #[config(default = 5e-4)]
    pub weight_decay: f32,
    /// Epochs of a child trained from scratch. Default: 200.
    #[config(default = 200)]
    pub epochs: usize,
    /// Epochs of a child that inherited weights. Default: 50.
    #[config(default = 50)]
    pub inherit_epochs: usize,
}

/// An Auto-GNN search.
#[derive(Config, Debug)]
pub struct AutoGnnConfig {
    /// The search space. Default: the paper's.
    #[config(default = "AutoGnnSpace::paper()")]
    pub space: AutoGnnSpace,
    /// How children are built and trained.
    #[config(default = "ChildConfig::new()")]
    pub child: ChildConfig,
    /// Architectures kept by the conservative explorer, the parents of the next children.
    /// Default: 5.
    #[config(default = 5)]
    pub top_k: usize,
    /// Inherit the parent's weights under the sharing constraint. Default: true.
    #[config(default = true)]
    pub share: bool,
    /// Width of the policy's action embeddings. Default: 32.
    #[config(default = 32)]
    pub embedding: usize,
    /// Hidden width of the policy's LSTM. Default: 64.
    #[config(default = 64)]
    pub controller_hidden: usize,
    /// Learning rate of the policy (Adam). Default: 3.5e-4 (ENAS, GraphNAS).
    #[config(default = 3.5e-4)]
    pub controller_lr: f64,
    /// Decay of the reward baseline's moving average. Default: 0.95.
    #[config(default = 0.95)]
    pub baseline_decay: f64,
    /// Weight of the policy's entropy bonus. Default: 1e-4.
    #[config(default = 1e-4)]
    pub entropy_weight: f64,
    /// Seed of the first architecture, the controller and the children's training. Default: 0.
    #[config(default = 0)]
    pub seed: u64,
}

impl AutoGnnConfig {
    /// A CPU-sized search: [`AutoGnnSpace::small`], children trained 30 epochs (10 when they
    /// inherit weights); search it with a budget of 60 children.
    pub fn small() -> Self {
        Self::new()
            .with_space(AutoGnnSpace::small())
            .with_child(ChildConfig::new().with_epochs(30).with_inherit_epochs(10))
    }

    /// The budget of [`Self::small`]'s search: 60 children.
    pub const SMALL_BUDGET: usize = 60;
}
