//! W2PGNN (Cao et al., "When to Pre-Train Graph Neural Networks? From Data Generation
//! Perspective!", KDD 2023; official code `caoyxuan/W2PGNN`): the feasibility of pre-training
//! as the distance between the downstream data's graphon and the best mixture of graphon
//! bases of the pre-training data. Host-side `f64` math.
//!
//! - [`graphon`]: the SAS estimate (Chan & Airoldi 2014). For graphs `G_1..G_M`: sort each
//!   graph's nodes by degree (descending), zero-pad its adjacency to `N_max`, average
//!   `Ā = (1/M) Σ A_m`, block-average with `h = ⌊log₂ N_max⌋ + 1`, stride `h`,
//!   `H_ab = h⁻² Σ_{i∈a,j∈b} Ā_ij`, TV-denoise `Ĥ = argmin_u ½‖u − H‖² + h·TV(u)` (Chambolle's
//!   projection algorithm, as scikit-image's `denoise_tv_chambolle`), resize bilinearly to
//!   `r × r`.
//! - [`generate`]: step/SBM, `xy`, `exp(−3|x−y|)`, ring band, Erdős–Rényi graphons, convex
//!   mixtures, and a seeded sampler.
//! - [`gw`]: `GW(W₁, W₂) = min_{T∈Π(p,q)} Σ (W₁_ik − W₂_jl)² T_ij T_kl`, `p, q` uniform; an
//!   entropic solver (Peyré et al. 2016) for the fit, a Frank–Wolfe one for the score.
//! - [`basis`]: integrated, per-domain and topological (k-means, k = 5) bases.
//! - [`feasibility`](mod@feasibility): `α = softmax(θ)` fitted by Adam on `GW_ε(Σ α_i B_i, Ŵ_down)`;
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
//! - the topological basis clusters the subset `mean/std degree, density, average
//!   clustering, transitivity`, z-scored, with a seeded k-means++ (sklearn's `KMeans` on all
//!   eight raw statistics in the official code); [`topology::topology_vector`] computes all
//!   eight (adding closeness, degree Pearson and assortativity), 0 where networkx gives NaN;
//! - self-loops are dropped from the adjacency before SAS;
//! - the entropic ε (5e-3) is this crate's choice (the official script leaves it to its GW
//!   helper).
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
pub mod feasibility;
pub mod generate;
pub mod graphon;
pub mod gw;
pub mod topology;

pub use basis::BasisKind;
pub use config::W2pgnnConfig;
pub use feasibility::{AlphaFit, Candidate, Feasibility, feasibility, fit_alpha};
pub use generate::GraphonFn;
pub use graphon::Graphon;
