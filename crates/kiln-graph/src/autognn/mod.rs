//! Auto-GNN (Zhou, Song, Huang & Hu, "Auto-GNN: Neural Architecture Search of Graph Neural
//! Networks", arXiv:1909.03184, 2019): architecture search over two-layer message-passing
//! networks with a reinforced conservative controller and constrained parameter sharing.
//!
//! - [`AutoGnnSpace`]: per layer five action classes, hidden width {4 … 256}, heads
//!   {1, 2, 4, 6, 8, 16}, seven attention functions, four aggregators, eight activations; an
//!   architecture is kiln-nas's flat encoding, 5 genes per layer (10 for two layers), the last
//!   layer's width fixed to the classes ([`AutoGnnSpace::search_space`]).
//! - [`attention_coefficients`]: const, gcn `1/√(d_i d_j)`, gat, sym-gat `e_ij + e_ji`, cos
//!   `⟨a_l⊙Wh_i, a_r⊙Wh_j⟩`, linear `tanh(a_rᵀWh_j)`, gene-linear
//!   `w_Gᵀ tanh(a_l⊙Wh_i + a_r⊙Wh_j)`, on [`segment_softmax`](crate::message_passing::segment_softmax).
//! - [`SearchLayer`]: one layer that covers the whole space, on
//!   [`aggregate`](crate::message_passing::aggregate); [`AutoGnnModel`]: a child network with
//!   skip connections and batch norm, trained on the kiln-core engine ([`train_child`]).
//! - [`sharing`]: a child inherits a parent layer only when shapes, attention and activation
//!   match ([`homogeneous`], [`inherit`]); batch norm and skips never.
//! - [`Controller`]: an LSTM policy proposing one action class and its new value for a parent,
//!   trained with REINFORCE on the validation gain.
//! - [`AutoGnn::search`]: the conservative explorer over the top-k architectures, returning a
//!   kiln-nas [`SearchTrace`](kiln_nas::search::SearchTrace) (in [`AutoGnnSearch`]);
//!   [`AutoGnn::random_baseline`]: kiln-nas's random search at the same budget.
//! - Data: the embedded digits as a k-NN graph ([`digits_knn`], k = 10, 10% labelled) and a
//!   contextual SBM ([`csbm_task`]).
//!
//! # Reconstructions
//!
//! There is no official code; what the paper leaves open is filled in as follows.
//! - **Layer.** GraphNAS's `GeoLayer` (the code base the paper extends): self-loops added,
//!   `W` without bias, heads concatenated in hidden layers and averaged in the last, a bias
//!   after the heads, dropout 0.6 on inputs and coefficients; const and gcn coefficients are
//!   not softmaxed, the other five are (softmax over each *target's* edges, as in GAT, where
//!   GraphNAS indexes its softmax by `edge_index[0]`). Linear uses `a_r` alone (GraphNAS's
//!   `a_l + a_r` on `h_j` is the same family); `w_G` is per head (GraphNAS shares one
//!   `Linear(C, 1)` across heads).
//! - **Aggregators.** As in GraphNAS, mean-pool, max-pool and mlp pass each message through a
//!   per-neighbour MLP `C → 128 → C` and then take the mean, max or sum; sum takes none. We
//!   put a ReLU between the two Linears (GraphSAGE's pooling); GraphNAS has none.
//! - **Model.** Each layer's activation applies to its output, the last layer's included (the
//!   logits, as in GraphNAS); a skip Linear around every layer and batch norm after hidden
//!   layers, because the paper's sharing rule excludes their parameters.
//! - **Controller.** Conservative explorer: the `top_k` (5) best children with their trained
//!   weights; the parent of each step is drawn uniformly from them. The guided modifier is one
//!   LSTM over the parent's genes with a class head and a value head (the paper describes an
//!   RNN choosing the action class and its value; sizes, embedding and sampling are ours).
//!   Reward `acc(child) − acc(parent)`; baseline an exponential moving average (decay 0.95,
//!   ENAS/GraphNAS), entropy bonus 1e-4, Adam 3.5e-4, one update per child. A proposal that
//!   repeats an evaluated child is redrawn up to 10 times.
//! - **Sharing.** Homogeneous means same input width, width per head, heads, head
//!   concatenation, attention and activation; a homogeneous layer takes `W`, `a_l`, `a_r`,
//!   bias, and `w_G`/pooling MLP when both have them (the aggregator is not part of the rule).
//!   A child with any inherited layer trains `inherit_epochs` instead of `epochs`.
//! - **Training of a child.** Adam 0.005, weight decay 5e-4, the epoch of best validation
//!   accuracy kept; that accuracy is the child's score.
//!
//! # Deviations
//!
//! - [`AutoGnnSpace::small`] cuts widths to {4, 8, 16, 32} and heads to {1, 2, 4} (pooled
//!   messages are `E × K × 128`); [`AutoGnnConfig::small`] trains children 30 epochs (10 when
//!   inheriting) and is meant for a budget of 60.
//! - The first architecture is drawn uniformly at random; the search trains exactly `budget`
//!   children.
//! - `search` takes an [`AutoGnnTask`] (graph and split) rather than a bare graph, and returns
//!   [`AutoGnnSearch`] (the kiln-nas trace plus each child's lineage), with errors as kiln-nas
//!   [`SearchError`](kiln_nas::search::SearchError) (an empty space is `EmptySpace`).

mod attention;
mod config;
mod controller;
mod data;
mod layer;
mod model;
mod search;
pub mod sharing;
mod space;

pub use attention::{AttentionParams, attention_coefficients, attention_scores};
pub use config::{AutoGnnConfig, ChildConfig};
pub use controller::{Controller, PolicyNet, Proposal};
pub use data::{AutoGnnTask, Csbm, csbm_task, digits_knn, knn_graph, labelled_split};
pub use layer::{PoolMlp, SearchLayer, SearchLayerConfig};
pub use model::{AutoGnnModel, train_child};
pub use search::{AutoGnn, AutoGnnSearch, ChildRecord};
pub use sharing::{homogeneous, inherit};
pub use space::{
    ActionClass, ActivationKind, AggregatorKind, Architecture, AttentionKind, AutoGnnSpace, GENES_PER_LAYER,
    LayerChoice,
};
