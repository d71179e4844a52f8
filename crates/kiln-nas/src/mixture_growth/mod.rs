//! # MixtureGrowth
//!
//! Pham, Teterwak, Plummer et al., *MixtureGrowth: Growing Neural Networks by Recombining
//! Learned Parameters*, WACV 2024; official code `chaudatascience/mixturegrowth`
//! (`models/layers.py`, `models/template_mixing_wrn_no_bank.py`, `main.py`,
//! `models/net2net.py`).
//!
//! **Template mixing** ([`template`]). Every convolution and the classifier has weight
//! `W = Σ_t α_t T_t`: templates `T_t` and per-layer coefficients `α`. Two half-width *seeds*
//! each own one template set of `T = 2` templates per layer (`template_size [0.5, 0.5, 1.0]`,
//! `num_templates_each_set [2, 2]`).
//!
//! **Growth** ([`grow`]). Each weight becomes the block matrix
//! `[[W₀, W₂], [W₃, W₁]]`: the seeds on the diagonal and two new blocks that recombine the
//! learned template sets 0 and 1 (`member_template_sets [0, 1, 0, 1]`) with new coefficients;
//! [`GrowInit::Orthogonal`] (default) takes `α_m = s·v_min([α₀; …; α_{m−1}])`, the unit
//! right-singular vector of the smallest singular value of the earlier coefficients (a Jacobi
//! eigen-solver on the host, [`crate::linalg`]), `s = coefs_noise_growing = 1`. The stem stacks the seeds'
//! outputs, the classifier adds the seeds' logits (`[W₀, W₁]` along inputs), BatchNorms are
//! concatenated. Baselines: [`GrowInit::Copy`], [`GrowInit::Zero`], [`GrowInit::Random`] new
//! coefficients, [`MixtureGrowth::net2net`] (function-preserving widening of one seed) and the
//! full width from scratch ([`MixtureGrowthConfig::init_scratch`]).
//!
//! **Network** ([`model`]). Pre-activation WRN-d-k of template layers; paper: two WRN-28-5 seeds
//! → WRN-28-10 on CIFAR-100. **Training** ([`train`]): seeds (100 epochs each), growth, grown
//! (20 epochs at 1e-3), SGD 0.9 with weight decay 5e-4 on templates and BNs and none on the
//! coefficients, warm-up + cosine, as typed [`GrowthStage`]s on the kiln-core engine; analytic
//! cost in [`TemplateWrn::cost`] for accuracy vs cumulative training MACs. [`store`]: save/load.
//!
//! ## Deviations from the official code
//! - Templates are per layer, as in the official CIFAR network (`template_mixing_wrn_no_bank`,
//!   `cross_layer_sharing` off). The official ImageNet ResNet-50 variant's bank
//!   (`template_mixing_wrn_imagenet_bank`), where a hand-written `bank_cfg` table puts layers of
//!   one shape into groups that share their template sets (each layer keeping its own
//!   coefficients, with per-group template counts), is not implemented.
//! - Orthogonal init: every new member `m ∈ {2, 3}` gets the singular vector of the stack of
//!   members `0..m`. The official `growth_update` skips member 2 (`if i == num_ensembles:
//!   continue`), which keeps the value `nn.init.orthogonal_` gave it at construction; our seeds
//!   are separate networks, so member 2 has no such value (this is the rule of the code's own
//!   commented-out loop).
//! - Seeds train in one phase on the sum of their losses, interleaved on the same batches;
//!   officially seed 0 trains 100 epochs, then seed 1 another 100 on its own (equal cost, since
//!   they share nothing; only the data order differs).
//! - SGD momentum is plain (the engine has no Nesterov); the grown phase is one warm-up +
//!   cosine cycle (officially timm's cosine with 4 cycles, `reset_lr_scheduler_growing 4`).
//! - A fresh seed's coefficients are `N(0, 1/members)` per entry, the variance of the official
//!   orthogonal `[members, T]` initialisation, drawn independently per seed.
//! - Net2Net: the exact factor-2 widening (each channel copied once, incoming weights halved),
//!   expressed as a grown template network; `net2net.py` picks the copied unit at random per
//!   new channel (and rescales rows), so its widening is not exactly function-preserving.
//! - Global average pooling instead of `AvgPool2d(8)` (the same at 32 px).
//! - Resuming a run after the growth action is not supported (the checkpoint holds a grown
//!   network, the run starts from seeds).

pub mod config;
pub mod grow;
pub mod model;
pub mod store;
pub mod template;
pub mod train;

use std::path::PathBuf;

pub use crate::linalg::{smallest_right_singular_vector, symmetric_eigen};
pub use config::MixtureGrowthConfig;
pub use grow::{GrowInit, concat_norms, new_coefficients};
pub use model::{NetworkForm, TemplateWrn, WrnBlock};
pub use store::{NetworkSpec, load_network, save_network};
pub use template::{BlockLayout, TemplateConv2d, TemplateLinear, TemplateMixing};
pub use train::{GROW_SEED_STREAM, GrowthStage, MixtureGrowth};

/// What can go wrong in MixtureGrowth.
#[derive(Debug, thiserror::Error)]
pub enum MixtureGrowthError {
    /// A configuration field is out of range.
    #[error("invalid MixtureGrowth configuration: {0}")]
    InvalidConfig(String),
    /// Growth was given something that is not a seed network.
    #[error("not a seed network: {0}")]
    NotASeed(String),
    /// The two seeds do not come from one configuration.
    #[error("seeds do not match: {0}")]
    SeedMismatch(String),
    /// A tensor could not be read back to the host.
    #[error("reading a tensor to the host failed: {0}")]
    TensorRead(String),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
