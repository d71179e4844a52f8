//! UniPT: Universal Parallel Tuning (Diao, Wan, Zhang, Feng, Lin, Lin, Shen, Lin;
//! "UniPT: Universal Parallel Tuning for Transfer Learning with Efficient Parameter and
//! Memory", CVPR 2024; official code Paranioar/UniPT, `VSE-infty/lib/adapter_for_cnn.py`).
//!
//! A frozen backbone runs without autodiff; its hidden states `h_0 … h_L` feed a light
//! parallel network, the only part that trains, so back-propagation never enters the backbone
//! and none of its activations are kept for it.
//!
//! For a CNN (this module):
//!
//! - *Down-projection*: `Down_i = BN(conv1×1(·))` to `D / r` channels (r = 2 for VSE∞);
//!   anchor `A = Down_L(h_L)`.
//! - *Pooling of early stages onto the anchor grid* ([`pool`]): `g = ReLU(conv1×1(h_L))` to
//!   `C_i` channels, nearest-upsampled to `h_i`'s grid, multiplied by `h_i` and summed over
//!   channels; `w = l1norm(ReLU(·))` within each `rate × rate` patch, `+ 1/rate²`;
//!   `D_i = Down_i(sum_pool(w ⊙ h_i))`.
//! - *Parallel interaction* ([`interaction`]), positions as tokens:
//!   `S_i = l1norm(ReLU(A D_iᵀ)) + I`, `m_i = S_i D_i`.
//! - *Confidence aggregation*: `c = softmax_i(wᵀ(mean(A) ⊙ mean(D_i)))` over `i < L`,
//!   `M = Σ_i c_i m_i`.
//! - *Output*: `Up(ReLU(A + P(M)))`, `P = BN(conv1×1)`, `Up = conv1×1` to `D`.
//!
//! [`UniPtClassifier`] adds mean pooling over positions and a linear classifier.
//!
//! # Deviations and unverified choices
//!
//! - The order of the pooling steps follows the official code exactly (upsample, multiply,
//!   channel sum, per-patch l1norm of the ReLU, `+ 1/rate²`, weighted sum-pool, then `Down_i`);
//!   the research notes are silent on it.
//! - The rates come from the actual grids (`h_i`'s side ÷ `h_L`'s), not the official fixed
//!   `[8, 4, 2, 1]` for 512-px inputs; a grid that is not an integer multiple is an error.
//! - No padding mask (a CNN has none; the official CNN code passes none either).
//! - Classification head: mean pooling and a linear layer instead of VSE∞'s GPO pooling and
//!   contrastive image–text loss (this crate transfers classifiers, not retrieval models).
//! - The backbone is a small kiln ResNet whose stages are the hidden states (the official code
//!   uses torchvision's ResNet `layer1…layer4`), and it runs in inference mode: its batch
//!   norms use their running statistics and are never updated.
//! - `UniPtConfig::small` is a CPU preset (r = 4), not from the paper.

mod config;
pub mod interaction;
mod model;
pub mod pool;
mod train;

pub use config::UniPtConfig;
pub use model::{Projection, UniPt, UniPtOutput};
pub use train::UniPtClassifier;
