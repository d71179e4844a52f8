//! SPEN: Mitton & Murray-Smith, "Subgraph Permutation Equivariant Networks" (arXiv 2111.11840;
//! official code JoshuaMitton/LPEGN, `lpegn/models/equivariant_gnn_v2.py`, `layers/eq_gconv.py`,
//! `layers/equivariant_linear.py`), for graph classification.
//!
//! - Subgraphs ([`subgraphs`]): the k-hop ego-net `S_c = {v : d(c, v) ≤ k}` of every node
//!   (k = [`SpenConfig::hops`], 1 by default, the paper's k ∈ {1, 2}; k = 1 is
//!   `{c} ∪ N(c)`), with every edge among its nodes (the induced subgraph, as the official
//!   `get_subgraphs` in `saegnn/layers/subgraphs.py`: PyG's `subgraph` on the union of the
//!   self-looped neighbourhoods of c's neighbours for k = 2), gives
//!   `T2_c ∈ ℝ^{m×m×(F+1)}` (`[x_v, 0]` on the diagonal, `[0, 1]` on edges) and
//!   `T1_c ∈ ℝ^{m×F}`, `m = |S_c|`. Memory grows with `Σ_c |S_c|²`.
//! - Operators ([`basis`]): Maron et al.'s permutation-equivariant linear bases, 15 for 2→2,
//!   5 for 2→1 and 1→2, 2 for 1→1, and the invariant 2→0 (2) and 1→0 (1), each basis element
//!   with its own `d_in × d_out` matrix, plus biases; one set of weights per ego-net size
//!   (sizes ≥ `max_size` share the last).
//! - Layer ([`model`]): `T2' = [L₂→₂ T2 ‖ L₁→₂ T1]`, `T1' = [L₂→₁ T2 ‖ L₁→₁ T1]` per ego-net;
//!   an entry shared by several ego-nets becomes the mean of their outputs, then ELU and
//!   GraphNorm ([`graph_norm`]) per graph.
//! - Readout: `T0 = ELU([L₂→₀ T2 ‖ L₁→₀ T1])` per ego-net, the mean over each graph's ego-nets,
//!   then the MLP `2h → 256 → 128 → classes` (ReLU, dropout 0.5).
//! - Training ([`train`]): AdamW (weight decay 0), StepLR(30, 0.1), batches of 4, lr 0.0015 and
//!   50 epochs for MUTAG (the authors' `config.py`: `LEARNING_RATES`, `CHOSEN_EPOCH`).
//!
//! Defaults ([`SpenConfig::new`]): MUTAG's architecture `[64; 5]` (four equivariant layers of
//! `2 × 64` channels and the readout), weights per size 1, 2, 3 and ≥ 4. [`SpenConfig::small`]:
//! `[16; 3]`; both use 1-hop ego-nets (`with_hops(2)` for the 2-hop variant).
//! [`data`]: CSL and `2×C3` against `C6`, which 1-WL cannot separate. On CSL the 1-hop
//! ego-nets of the skips 4, 5, 6, 9, 11, 12, 13 and 16 are all the star `K_{1,4}`, shared alike,
//! so 1-hop SPEN gives those classes one embedding. Their 2-hop ego-nets tell some of them apart
//! (13 nodes with 19 edges for skip 4, 21 for skip 13), but skips 5, 6, 9, 11, 12 and 16 share
//! one 2-hop ego-net (13 nodes, 16 edges), so 2-hop SPEN's per-ego-net inputs cannot separate
//! those six either.
//!
//! Deviations: the first layer also reads `T1` (the node features) and outputs `2h` like the
//! others (the official first layer maps `T2` alone to `h`); edges are marked by an extra
//! channel of `T2` rather than by `to_dense_adj`'s edge attributes; the loss is the batch mean of
//! the cross-entropy (the official sums it over the batch); the readout's two invariant sets are
//! concatenated, as the official code does; weight sets are chosen by `min(m, max_size)` rather
//! than a per-data-set table of sizes; dropout after the MLP's layers follows `fully_connected`
//! with `do_prob = 0.5`. The lr is checked against the sibling `saegnn/utils/config.py` of the
//! official repository (the `lpegn` copy of `config.py` was not available).

pub mod basis;
pub mod config;
pub mod data;
pub mod graph_norm;
pub mod model;
pub mod subgraphs;
pub mod train;

pub use basis::{BasisLinear, Orders};
pub use config::SpenConfig;
pub use data::{csl, csl_dataset, cycle, triangles_vs_hexagon, two_triangles};
pub use graph_norm::GraphNorm;
pub use model::{Spen, SpenLayer};
pub use subgraphs::{EgoPlan, EgoTensors};
pub use train::{SpenBatch, SpenOutcome, SpenSource, SpenTraining, train_spen};
