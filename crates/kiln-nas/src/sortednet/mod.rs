//! SortedNet (Valipour, Rezagholizadeh, Rajabzadeh, Kavehzadeh, Tahaei, Chen, Ghodsi:
//! "SortedNet: A Scalable and Generalized Framework for Training Modular Deep Neural Networks",
//! arXiv 2309.00255, 2023; no official code found) on the Once-for-All supernet of
//! [`ofa`](crate::ofa).
//!
//! **Nested (sorted) sub-models.** A sub-model b = (d, e) ([`SortedSubmodel`]) runs the first
//! d blocks of every unit and, in every block, the first `e · c_in` hidden channels, with the
//! largest kernel and the largest resolution. Each dimension keeps a prefix of its components,
//! so
//!
//! `θ_b ⊂ θ_b′  when  d ≤ d′ and e ≤ e′`
//!
//! ([`SortedSubmodel::is_nested_in`]); the digits supernet has |depths| × |expands| = 3 × 3 = 9
//! sub-models ([`SortedSubmodel::all`], in size order).
//!
//! **Training step** ([`SortedNetModel`], the typed [`SortedNetStage`]). Per optimiser step,
//! draw `g_acc` sub-models `b_1 … b_{g_acc} ~ P_B` (uniform by default, deterministic from the
//! engine's step seed) and minimise, on one mini-batch (x, y),
//!
//! `L = (1/g_acc) Σ_{i=1}^{g_acc} CE(f(x; θ_{b_i}), y)`
//!
//! with one optimiser step. *Our reading* of the paper's gradient accumulation (Algorithm 1:
//! sample b ~ P_B, back-propagate its loss, accumulate the gradients over `g_acc` samples, then
//! update once): the accumulated gradient is `Σ_i ∇ CE_i`, which we scale by `1/g_acc` (the
//! usual normalisation of accumulated gradients) and compute on one shared mini-batch; an
//! accumulation over `g_acc` different mini-batches would differ only in the batches seen.
//! Every depth exits through the supernet's one classifier head (the paper's shared exit
//! head). Validation runs the largest sub-model.
//!
//! **Search-free selection** ([`largest_within`]): the parameters are ordered by construction,
//! so a budget picks the largest nested sub-model whose MACs fit, without any search.
//!
//! **Deviations.** The paper's CNN experiments nest ResNet/MobileNet widths and depths on
//! CIFAR-10; here the sorted dimensions are OFA's unit depth and expand ratio, one value shared
//! by all units and blocks (3 × 3 sub-models on the digits); kernel and resolution stay at
//! their largest. Optimiser and rate (Adam, 10⁻³ in [`SortedNetConfig::new`]) are ours: the
//! notes give none. P_B may be weighted ([`SubmodelDistribution::Weighted`]); the paper uses
//! uniform. The baselines of the issue (independent sub-models, a truncated normal network)
//! are not part of this module.

mod config;
mod error;
mod model;
mod train;

pub use config::{SortedNetConfig, SubmodelDistribution};
pub use error::SortedNetError;
pub use model::{SortedNetModel, SortedNetStage, SortedSubmodel};
pub use train::largest_within;
