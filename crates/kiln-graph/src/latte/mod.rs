//! LATTE: Tran & Gao, "Layer-stacked Attention for Heterogeneous Network Embedding"
//! (arXiv 2009.08072; JonnyTran/LATTE `conv.py`, `run.py`).
//!
//! - Input: per node type `h_v⁰ = dropout₀.₂(ReLU(W_t x_v))`, or a learnt embedding when the
//!   type has no features ([`input`]).
//! - Layer t attends over meta-relations of order ≤ t: `Φ_1` the graph's relations (with
//!   reverses: call [`HeteroGraph::add_reverse`](crate::hetero::HeteroGraph::add_reverse)),
//!   `Φ_t = Φ_1 ∪ join(Φ_{t−1}, Φ_1)`, where two relations join when the target type of the first
//!   is the source type of the second; the joined edges' values are the previous layer's
//!   attention `max_k α` multiplied along the path, after dropping edges below 0.5 (keeping
//!   each target's arg-max) ([`join`]).
//! - Node-level attention, 2 heads: `e_ij = s_φ · LeakyReLU₀.₂(a_l·W_l h_i + a_r·W_r h_j)`,
//!   `α = softmax_{j∈N_φ(i)}` with dropout 0.2, `h_iᵠ = Σ_j α_ij W_r h_j`; relation-level
//!   `β_i = softmax(W_β^{type(i)} h_i)` over the relations into type(i) and self, and
//!   `h_i^(t) = ReLU(Σ_φ β_iᵠ h_iᵠ + β_i^self W_l h_i)` ([`layer`]).
//! - Output: `[h^(1) ‖ … ‖ h^(T)]` of the target type → linear → softmax cross-entropy
//!   ([`model`], [`train`]). Mean β per relation ([`mean_beta`]) reads as relation importance.
//!
//! Defaults ([`LatteConfig::new`]): 128 per layer, T = 2, 2 heads, dropout 0.2, Adam lr 1e-3 with
//! weight decay 1e-2, 250 epochs ([`LatteTraining`]). [`LatteConfig::small`]: 32 per layer.
//!
//! Deviations: training is full-batch (the paper samples neighbourhoods in batches of 2048);
//! early stopping (patience 10) is not applied — the engine runs a fixed number of epochs, so
//! pick `epochs` or read the validation curve in the report; "messages flow source → target"
//! (PyG), so the paper's head type of a relation is our target type; layer t keeps the order-1
//! relations besides the joined ones; joined values are used to filter edges (and are reported
//! as weights) but not to scale messages, and the notes' `diag(1/(deg_a + deg_b))` normalisation
//! of the product is not applied; LATTE-2proximity (the LINE-style loss) is left out.

pub mod config;
pub mod input;
pub mod join;
pub mod layer;
pub mod model;
pub mod train;

pub use config::LatteConfig;
pub use join::{attention_join, filter_by_attention};
pub use layer::{LatteLayer, LayerOutput};
pub use model::{Latte, LatteForward, MetaRelation};
pub use train::{LatteBatch, LatteOutcome, LatteSource, LatteTraining, macro_f1, mean_beta, train_latte};
