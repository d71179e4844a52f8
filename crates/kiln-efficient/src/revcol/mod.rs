//! RevCol: reversible column networks (Cai, Zhou, Han, Li, Zhang, Chen, Zhou and Zhang,
//! "Reversible Column Networks", ICLR 2023; official code megvii-research/RevCol,
//! `models/revcol.py`, `models/revcol_function.py`, `loss.py`).
//!
//! A patchifying stem gives x = LN(Conv_{p×p/p}(image)). N columns of L levels follow; column
//! i's level k is
//!
//! `c_k^i = α_k ⊙ c_k^{i−1} + F_k(c_{k−1}^i, c_{k+1}^{i−1})`, with c_{−1}^i = x, c^0 = 0 and the
//! top level reading c_{L−2}^i only,
//!
//! where F_k is a fusion (down-sampled lower level of this column plus up-sampled upper level
//! of the previous one) followed by ConvNeXt blocks ([`level`], [`block`]), and α_k is a
//! per-channel scale, 0.5 at first, used as sign(α)·max(|α|, 1e-3) ([`column`](mod@column)). Because α_k is
//! invertible, `c_k^{i−1} = (c_k^i − F_k(c_{k−1}^i, c_{k+1}^{i−1})) / α_k` rebuilds every
//! column from the next one ([`Column::inverse`]), so the backward ([`reversible`]) stores no
//! activations: it re-runs one F_k at a time under autodiff. A classifier reads the top level
//! of the last column; with intermediate supervision, heads every N/4 columns add
//! reconstruction and classification terms ([`heads`]).
//!
//! ```ignore
//! let model = RevColConfig::small().with_columns(8).init(&device)?;
//! ```
//!
//! Deviations from the official code:
//! - The |α| clamp is applied functionally at each forward (official: in place on the
//!   parameter), so α's gradient is zero while |α| < 1e-3.
//! - Drop-path masks come from a per-step seed (official: saved and restored RNG states).
//! - The reconstruction term is a mean squared error on normalised images (official: BCE).
//! - The levels' count and widths are free (`channels`), not fixed to 4; the official
//!   ImageNet heads (1280-wide projection) are a plain LN + linear head here.
//! - [`RevColConfig::reversible`] = false gives the same network trained through autodiff's
//!   stored graph, for comparison.
//!
//! Limitation (measured, `cargo xtask reproduce efficient`): rebuilding divides by α and feeds
//! rebuilt states back into F, so f32 errors compound with depth. At initialisation the
//! reversible gradients match autodiff's to ~1e-5 at 4 columns but drift to ~5e-3 at 8 and
//! O(1) at 16 columns of the small preset; the memory saving itself holds at every depth.

pub mod block;
pub mod column;
pub mod config;
pub mod heads;
pub mod level;
pub mod model;
pub mod reversible;

pub use column::Column;
pub use config::RevColConfig;
pub use model::RevCol;
pub use reversible::ReversibleGradients;
