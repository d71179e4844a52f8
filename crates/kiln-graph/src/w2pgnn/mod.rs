//! W2PGNN (Cao et al., "When to Pre-Train Graph Neural Networks? From Data Generation
//! Perspective!", KDD 2023; official code `caoyxuan/W2PGNN`): the feasibility of pre-training
//! as the distance between the downstream data's graphon and the best mixture of graphon
//! bases of the pre-training data. Host-side `f64` math.
//!
//! - [`estimate`]: the graphon estimators, chosen by [`GraphonEstimator`]
//!   ([`W2pgnnConfig::estimator`]), each resized bilinearly to `r × r` at the end. All start
//!   from the degree alignment: sort each graph's nodes by degree (descending), zero-pad its
//!   adjacency to `N_max`, average `Ā = (1/M) Σ A_m`.
//!   - SAS (Chan & Airoldi 2014, the default): block-average with `h = ⌊log₂ N_max⌋ + 1`,
//!     stride `h`, `H_ab = h⁻² Σ_{i∈a,j∈b} Ā_ij`, TV-denoise
//!     `Ĥ = argmin_u ½‖u − H‖² + h·TV(u)` (Chambolle's projection algorithm, as
//!     scikit-image's `denoise_tv_chambolle`).
//!   - LG (Channarond, Daudin & Robin 2012): sort `Ā`'s nodes by degree, cut the normalised
//!     degrees `d_i = Σ_j Ā_ij/(N−1)` at the `K − 1` largest gaps (official `K = ⌊N_max/h⌋`),
//!     `P_bc = Σ_{i∈b,j∈c,i≠j} Ā_ij / #pairs`.
//!   - USVT (Chatterjee 2015): `clip_{[0,1]}(Σ_{s_k ≥ τ√N_max} s_k u_k v_kᵀ)` of `Ā`'s SVD
//!     (official τ = 0.1).
//!   - SBA (Airoldi, Costa & Chan 2013): greedy pivot blocks of the nodes whose estimated
//!     slice distance `d̂_ij = (|Σ_{k∉{i,j}} (Ā¹_ik − Ā¹_jk)(Ā²_ik − Ā²_jk)|/(N−2))^½` (two
//!     halves of the graphs) is at most Δ (official Δ = 0.1), then the block averages of `Ā`.
//! - [`graphon`]: [`Graphon`], bilinear resizing (OpenCV's `INTER_LINEAR`); re-exports SAS.
//! - [`generate`]: step/SBM, `xy`, `exp(−3|x−y|)`, ring band, Erdős–Rényi graphons, convex
//!   mixtures, and a seeded sampler.
//! - [`gw`]: `GW(W₁, W₂) = min_{T∈Π(p,q)} Σ (W₁_ik − W₂_jl)² T_ij T_kl`, `p, q` uniform; an
//!   entropic solver (Peyré et al. 2016) and a Frank–Wolfe one; the fit differentiates
//!   through either ([`FitCoupling`], Frank–Wolfe by default), the score uses Frank–Wolfe.
//! - [`basis`]: integrated, per-domain and topological (k-means, k = 5, on the eight
//!   [`topology::topology_vector`] statistics) bases.
//! - [`feasibility`](mod@feasibility): `α = softmax(θ)` fitted by Adam on `GW(Σ α_i B_i, Ŵ_down)`;
//!   `ζ = −GW(Σ α_i B_i, Ŵ_down)`; the basis kind with the largest `ζ` wins.
//! - [`config`]: [`W2pgnnConfig`], the paper's values (`new`, r = 1000) and `small` (r = 64).
//!
//! Deviations from the official code:
//! - the sampler symmetrises (one draw per pair `i < j`); the official one draws every ordered
//!   pair and does not;
//! - every basis and the downstream estimate are fitted at the same `r × r` resolution (the
//!   official fit uses the block step functions resized to the largest of them);
//! - the entropic GW starts from the product coupling and stops on `‖ΔT‖_F < 1e-11`; the score
//!   uses a Frank–Wolfe GW whose linear step is an exact assignment (Hungarian), not POT's
//!   network simplex (same optimum for uniform weights and equal sizes);
//! - `fit_alpha` returns the `α` of the lowest loss seen, not the last;
//! - the topological basis clusters all eight statistics of [`topology::topology_vector`]
//!   (as the official `cal_topo` + `KMeans(n_clusters = 5)`), but z-scored and with a seeded
//!   k-means++ (sklearn's `KMeans` runs on the raw statistics with an unseeded init);
//!   closeness, degree Pearson and assortativity are 0 where networkx gives NaN;
//! - self-loops are dropped from the adjacency before every estimator;
//! - the fit's coupling: the official `entropic_gw` (ε = 1e-5 on the half square loss,
//!   log-domain Sinkhorn, gradient by autograd through the unrolled iterations) is, at that ε,
//!   a hard coupling; Kiln takes the limit, the Frank–Wolfe coupling, with the envelope
//!   gradient ([`FitCoupling::Exact`]); [`FitCoupling::Entropic`] runs the entropic solver at
//!   the config's ε (5e-3, this crate's earlier default; see [`coupling`]);
//! - LG sorts the mean `Ā` by its own degrees and cuts at the largest gaps' magnitudes
//!   `d_(i) − d_(i+1)` of the descending sequence (the official code takes `topk` of the signed
//!   differences of the unsorted mean, which for a descending sequence picks the smallest
//!   gaps); a `K` beyond `N_max` is an error (the official `topk` fails too);
//! - LG and SBA average a block pair over the pairs of distinct nodes (`n_b(n_b − 1)` on the
//!   diagonal, as the papers); the official code divides by `n_b²`, counting the zero diagonal;
//! - SBA visits the nodes in degree order (the official code: a fresh unseeded random order)
//!   and joins a pivot's block when `d̂ ≤ Δ` (official: `< Δ`; they differ at equality, e.g.
//!   Δ = 0 merges nodes with identical slices here); `d̂` is Airoldi et al.'s estimate with
//!   the halves' means (the official code scales the sums by `1/((⌊M/2⌋+1)(N−⌊M/2⌋))`, which
//!   shifts what Δ means); with one graph both halves are that graph, as the official code;
//! - USVT computes the SVD of the symmetric `Ā` as its eigen-decomposition (cyclic Jacobi,
//!   `O(N³)` a sweep: slow for `N` in the thousands); the official `torch.svd` gives the same
//!   terms;
//! - defaults: the official node-classification `generator_down.py` sets `--threshold-usvt`
//!   and `--threshold-sba` to 0.1 (as Xu et al.'s scripts; `universal_svd`'s own default is
//!   2.02) and estimates with LG; the graph-classification script defines neither threshold
//!   (its default method "LP" falls back to SAS). The matrix-completion (MC) and
//!   GW-barycentre estimators of the same file are not ported.
//!
//! Notes. The official TV weight `h` is strong: ROF shrinks a block's contrast by about
//! `λ·perimeter/area ≈ 4h²/N`, so on small graphs the SAS graphon is nearly constant (a
//! two-block SBM at r = 32: L2 0.16 from 10 graphs of 200 nodes, 0.077 from 3 graphs of
//! 1000); [`W2pgnnConfig::tv_scale`] scales it. For a graphon whose degrees are all equal
//! (a ring band) the product coupling is a fixed point of the entropic GW iteration, so
//! `GW_ε(W, W)` stays at the product coupling's value there; the Frank–Wolfe score does not
//! (its first linear step leaves the product coupling). Each GW iteration costs `O(r³)`
//! (two `r × r` products), so `new()`'s r = 1000 is slow on the host; `small()` is r = 64.

pub mod basis;
pub mod config;
pub mod coupling;
pub mod estimate;
pub mod feasibility;
pub mod generate;
pub mod graphon;
pub mod gw;
pub mod topology;

pub use basis::BasisKind;
pub use config::W2pgnnConfig;
pub use coupling::FitCoupling;
pub use estimate::GraphonEstimator;
pub use feasibility::{AlphaFit, Candidate, Feasibility, feasibility, fit_alpha};
pub use generate::GraphonFn;
pub use graphon::Graphon;
