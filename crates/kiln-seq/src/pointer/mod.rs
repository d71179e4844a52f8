//! Pointer Networks (Vinyals, Fortunato, Jaitly, "Pointer Networks", NeurIPS 2015; no official
//! code).
//!
//! An LSTM encoder reads the input elements `P₁..P_n` into states `e₁..e_n`; an LSTM decoder,
//! started from the encoder's final state, emits `d_i` at output step `i` and points at an input
//! with additive attention whose scores are the output distribution itself (§2.3):
//!
//! ```text
//! u_j^i = vᵀ tanh(W₁ e_j + W₂ d_i),   j ∈ {0 (end), 1..n}
//! p(C_i | C_1..C_{i−1}, P) = softmax(u^i)
//! ```
//!
//! The decoder's next input is the chosen element's coordinates (the target's under teacher
//! forcing); its first input is a learned start vector. Training maximises the log-likelihood
//! of the target pointers ([`train`]); inference is greedy or a beam search restricted to
//! valid outputs ([`infer`]).
//!
//! Tasks ([`task`]): sorting numbers (argsort), the planar convex hull ([`hull`]: Andrew's
//! monotone chain, counter-clockwise from the lowest index, then end) and the planar TSP
//! ([`tsp`]: Held–Karp for `n ≤ 10` from city 0 with the second index below the last, the best
//! of 10 seeded 2-opt runs beyond, not proven optimal). Metrics ([`metrics`]): exact-sequence
//! accuracy; hull area coverage and failures; TSP mean tour length and gap.
//!
//! Paper defaults ([`PointerNetConfig::new`], [`PointerTrainConfig::new`]): one LSTM layer of
//! 256 units (512 in some experiments), SGD at learning rate 1.0, batch 128, weights uniform in
//! `[−0.08, 0.08]`, gradient L2 norm clipped to 2.0, 1M training examples.
//!
//! ## Deviations from the paper
//! - The CPU preset ([`PointerNetConfig::small`], [`PointerTrainConfig::small`]) uses 128
//!   units and Adam at 1e-3 instead of SGD at 1.0; the learning test and the reproduce section
//!   go further for their budgets (64 units, Adam at 1e-2, 4096 examples × 8–16 epochs instead
//!   of 1M examples). At that scale sorting is learned, while the hull and TSP models stay on
//!   or just past a long loss plateau.
//! - Gradient clipping is per parameter tensor (burn's `GradientClipping::Norm`), not one norm
//!   over all parameters.
//! - The end symbol is a learned encoder state `e₀` in the attention (slot 0); the paper does
//!   not say how its end token is represented. Its decoder input is a zero vector (only used
//!   after the end, where the loss is masked).
//! - Padding: inputs of different lengths share a batch; padded slots get score `−1e9` before
//!   the softmax (probability exactly 0) and padded output steps are masked out of the loss.
//!   The encoder's final state is each sequence's own (padding does not update it).
//! - Greedy decoding is unconstrained (only padding is excluded); beam search excludes repeats
//!   (hull) or enforces a permutation (sort, TSP) when asked via [`Constraint`].

pub mod config;
pub mod hull;
pub mod infer;
pub mod metrics;
pub mod model;
pub mod task;
pub mod train;
pub mod tsp;

pub use config::PointerNetConfig;
pub use infer::Decode;
pub use model::{Feed, PointerNet};
pub use task::{Constraint, PointerBatch, PointerExample, Task};
pub use train::{PointerOptimizer, PointerTrainConfig, fit};
