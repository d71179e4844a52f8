//! HEI (Yang et al., "Heterophily-informed Invariant Learning for Node Classification under
//! Structure Shift" / "Graph Neural Networks under Heterophilic Structure Shift", WWW 2025;
//! reference code `Yangjinluan/HEI`, `main_HEI.py`).
//!
//! Train and test nodes differ in node homophily `h_v = |{u∈N(v): y_u=y_v}| / |N(v)|`. HEI
//! infers environments from a label-free estimate of each node's neighbour pattern and learns
//! a predictor whose risk is invariant across them:
//!
//! 1. `z_v = mean_{u∈N(v)} sim(v, u)`, standardised on the training nodes
//!    ([`NeighbourPattern`], [`standardize`]); `sim` is chosen by [`HeiConfig::neighbour_pattern`]:
//!    - [`NeighbourPattern::LocalDistance`] (default, `main_HEI.py`'s `norm2`):
//!      `‖x_v − x_u‖₂` ([`local_dissimilarity`]);
//!    - [`NeighbourPattern::Cosine`]: `⟨x_v, x_u⟩ / (‖x_v‖‖x_u‖)` (`main_HEI.py`'s `cos` takes
//!      the dot product without the norms);
//!    - [`NeighbourPattern::PostAggregation`] (reconstruction): `⟨h_v, h_u⟩`,
//!      `h = D̃⁻¹(A + I)X`;
//!    - [`NeighbourPattern::SimRank`] (reconstruction): the SimRank score `s(v, u)`,
//!      `s(a, b) = C/(|I(a)||I(b)|) Σ_{a'∈I(a)} Σ_{b'∈I(b)} s(a', b')`, `s(a, a) = 1`, C = 0.8
//!      ([`SimRank`]).
//! 2. `q_v = softmax(MLP_{1→16→K}(z_v))`, K = 4 ([`EnvironmentNet`]).
//! 3. `R_k(s) = (1/N) Σ_v q_vk · CE(s·f_v, y_v)`, `P = Σ_k (∂R_k/∂s|_{s=1})²` (IRMv1), with
//!    `∂CE/∂s = −f_{v,y} + Σ_c softmax(f_v)_c f_{v,c}` in closed form ([`irm_penalty`]).
//! 4. Backbone loss `(CE + 1e-3 Σ‖θ‖² + λ max(P, 0)) / (1 + λ)`, λ = 0 in the first 5 epochs
//!    ([`HeiPhase::Warmup`]) and 1e4 afterwards ([`HeiPhase::Invariant`]); during the warm-up
//!    the environment network takes Adam (1e-3) steps *up* P (adversarial environments).
//! 5. Backbones: LINKX (hidden 128, dropout 0.5, AdamW lr 1e-2, weight decay 1e-3, 500
//!    epochs) and a two-layer GCN ([`Linkx`], [`Gcn2`]).
//!
//! Evaluation splits the test nodes at the median true homophily into High and Low
//! ([`split_by_homophily`]); accuracy is reported on Full, High and Low ([`HeiOutcome`]).
//!
//! Model selection as in the paper: the epoch of best validation accuracy is kept, patience 100
//! ([`kiln_core::train::Selection`]). Deviations: AdamW's moments restart when the
//! invariant phase begins (one optimiser per phase). The penalty's derivative is the exact
//! closed form rather than autodiff through a scale tensor. The post-aggregation and SimRank
//! patterns are reconstructed from their definitions (the official `main_zin_post.py` and the
//! `struct_sim` sources are not published; the paper's tables use SimRank, our default stays
//! the published `main_HEI.py` default `norm2`). The data are a contextual SBM
//! ([`hei_sbm`]), not the paper's Chameleon/Squirrel/Actor/Penn94 splits.

mod backbone;
mod config;
mod data;
mod environment;
mod model;
mod pattern;
mod penalty;
mod simrank;
mod train;

pub use backbone::{Gcn2, Linkx};
pub use config::{HeiBackbone, HeiConfig, HeiObjective};
pub use data::{HeiSbm, HeiTask, hei_sbm, node_homophily, split_by_homophily};
pub use environment::{EnvironmentNet, standardize};
pub use model::{Hei, HeiBatch};
pub use pattern::{NeighbourPattern, local_dissimilarity};
pub use penalty::{
    HeiPhase, backbone_loss, environment_risks, irm_penalty, nll_scale_derivative, penalty_lambda, phase_of_epoch,
    scaled_nll,
};
pub use simrank::{SIMRANK_MAX_NODES, SimRank};
pub use train::{HeiOutcome, HeiSource, hei_phases, train_hei};
