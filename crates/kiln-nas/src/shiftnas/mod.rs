//! ShiftNAS (Zhang, Yu, Zhao, Ou: "ShiftNAS: Improving One-shot NAS via Probability Shift",
//! ICCV 2023, arXiv 2307.08300, §3; the official repository bestfleer/ShiftNAS holds only a
//! README) on the Once-for-All supernet of [`ofa`](crate::ofa).
//!
//! **Diagnosis (paper).** Sampling every gene uniformly gives a bell-shaped distribution of
//! subnet complexity, so the supernet trains mid-sized subnets most and the extremes least.
//!
//! **Method.** Each step:
//! 1. *Bins* ([`MacBins`]). The MAC range of the space is split into K bins; here the edges are
//!    the smallest subnet's MACs, the `j/K` quantiles of the MACs of uniformly sampled subnets
//!    (seeded) and the largest subnet's MACs; the target of bin k is its centre
//!    `c_k = (e_k + e_{k+1})/2`.
//! 2. *Bin draw.* `k ~ p = softmax(θ)` (from the engine's step seed).
//! 3. *Generator* ([`ArchGenerator`]). An LSTM (burn's `Lstm`) reads the bin embedding `e_k`
//!    as its first input and one learned position embedding per further gene; gene `t`'s head
//!    maps its output to logits, and a straight-through Gumbel-softmax gives a one-hot
//!    `o_t = onehot(argmax y) − sg(y) + y`, `y = softmax((logits + g)/τ)` (hard forward, soft
//!    gradient). Genes as [`SubnetConfig::gene_choices`](crate::ofa::SubnetConfig): a depth per
//!    unit, a kernel and an expand ratio per block slot, the resolution.
//! 4. *Matrix mapping* ([`ShiftNasModel::forward_relaxed`]). Fixed 0/1 matrices turn the
//!    one-hots into what the supernet runs: per block the hidden mask `Σ_e o^e_e · mask_e`
//!    (`[1, hidden_max, 1, 1]`), the kernel `Σ_k o^k_k · pad(W_k)` (`W_k` =
//!    `active_kernel(k)` centre-padded to the largest size; one `convolve`), and the depth gate
//!    `gate_b = Σ_{d > b} o^d_d` with `x ← x + gate_b · (block(x) − x)` for every block but a
//!    unit's first (which changes the shape and always runs, as in OFA). At hard one-hots this
//!    is exactly [`OfaSupernet::forward_subnet`](crate::ofa::OfaSupernet::forward_subnet) of
//!    the decoded subnet (tested). Blocks run through `ElasticMbBlock::forward_with`.
//! 5. *Differentiable MACs* ([`MacTables`]):
//!    `MACs(a) = Σ_r o^r_r (stem_r + Σ_b gate_b · (o^e_b)ᵀ T_{b,r} o^k_b) + head`, with
//!    `T_{b,r}[e][k]` block b's MACs at that resolution, expand and kernel — equal to
//!    [`subnet_macs`](crate::ofa::subnet_macs) at hard one-hots (tested).
//! 6. *Loss*: `L = CE(f(x; a), y) + λ · |MACs(a) − c_k| / c_k`; its gradient reaches the
//!    supernet (through CE) and the generator (through both terms).
//! 7. *Probability shift* ([`ProbabilityShift`]): with the step's CE `L`, bin k's performance
//!    variation `Δ_k ← β Δ_k + (1 − β)(L_prev,k − L)`, then `θ_j += η (Δ_j − mean Δ)` for all
//!    j; θ, Δ and the last losses live in the model's running state (saved with it).
//!
//! 8. *Generator warm-up* (our addition, [`ShiftNasPhase::GeneratorWarmUp`], optional:
//!    `warm_up_epochs`, 0 in [`ShiftNasConfig::new`]): before joint training, the generator
//!    alone minimises `(1/2K) Σ_k (|MACs(G(k)) − c_k| + |MACs(Ĝ(k)) − c_k|) / c_k` over all K
//!    bins at once (no supernet forward), `G(k)` a Gumbel sample and `Ĝ(k)` the noise-free
//!    arg-max architecture, both straight through. On the digits, 40 joint steps without it hit
//!    3 of 4 bins. With the sampled term alone, the arg-max architectures of 8 initialisations
//!    (200 warm-up steps) missed a bin in 6; with both terms and 600 steps (`small()`), in 1.
//!
//! After training, [`ShiftNasModel::generate`] gives the arg-max architecture for a bin and
//! [`ShiftNasModel::for_budget`] the one of the highest bin that fits a MAC budget, with no
//! search.
//!
//! **Reconstructions (the paper's text is high level and no code is released).**
//! - Bin edges by quantiles and centres as targets; the MAC-loss form `λ|MACs − c_k|/c_k`.
//! - The probability shift is our reading of "performance variation": an EMA of each bin's
//!   loss drop between its consecutive visits, moving θ by its deviation from the mean
//!   (`nas.md` §4); the paper also learns p "by gradient", which we do not.
//! - The generator is not autoregressive in its sampled choices: step t reads a position
//!   embedding, not the previous one-hot, so sampled genes are independent given k (their
//!   dependence on each other runs only through the LSTM state from `e_k`); after training the
//!   arg-max decoding is deterministic per bin either way.
//! - The hard gate form `x + gate·(block(x) − x)` for depth and the padded-kernel mixture are
//!   our realisation of the "matrix mapping"; both equal the discrete subnet at hard one-hots.
//! - Resolution is a hard choice (arg-max) in the supernet's forward; it gets its gradient only
//!   from the MAC term (at a hard one-hot the quadratic dependence is exact).
//! - The SE width of a relaxed block is that of the arg-max expand ratio (the digits space has
//!   no SE).
//!
//! **Deviations.** The generator warm-up (step 8) is not in the paper's text. Supernet and
//! generator are trained by the same step's loss, one Adam with the generator as its own
//! parameter group at a higher rate ([`ShiftNasConfig::phases`]); the
//! paper's separate schedules are not given. No distillation, no sandwich rule. Validation runs
//! the largest subnet. K, τ, λ, η, β and the generator's widths are ours
//! ([`ShiftNasConfig::new`]). Kernel sizes must be odd (as the elastic convolution requires).
//! Each training step reads its CE on the host (one synchronisation) to shift θ.

mod config;
mod error;
mod generator;
mod loss;
mod model;
mod train;

pub use config::ShiftNasConfig;
pub use error::ShiftNasError;
pub use generator::{ArchGenerator, ArchGeneratorConfig, RelaxedArch};
pub use loss::{MacBins, MacTables, ProbabilityShift, ShiftState};
pub use model::{ShiftNasLoss, ShiftNasModel, ShiftNasPhase, ShiftNasStage};
