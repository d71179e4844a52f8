//! # kiln-nas
//!
//! Supernets, architecture search, and networks of many sizes from few training runs:
//! - [`elastic`]: Once-for-All's elastic operators: elastic kernel (kernel-transform matrices,
//!   7 → 5 → 3) and elastic width with importance sorting, in an inverted-residual block;
//! - [`search`]: multi-objective search: NSGA-II (non-dominated sorting, crowding distance,
//!   tournament selection, crossover, mutation), predictor-assisted NSGA-II in the spirit of
//!   DyNAS-T/LINAS, random search as the baseline, the hypervolume indicator; activity rules
//!   and canonical encodings, one seeded initial population shared by the three searches, and
//!   evaluations cached per canonical architecture;
//! - [`ofa`]: the Once-for-All supernet for small images (elastic depth and resolution too),
//!   in-place subnets, extraction, BN recalibration, progressive shrinking (the simple schedule
//!   and OFA's own: n subnets per step, sub-stages, a frozen teacher), analytic MACs and
//!   parameters, a measured latency table, and the real evaluation of subnets a search calls
//!   ([`ofa::SubnetEvaluator`], [`ofa::problem_for`]);
//! - [`nn_factory`]: NN-Factory (Xu et al., 2023): a modular supernet with gated channel
//!   modules and a generative assembler that customises a network to a class subset and a MAC
//!   budget in one forward pass, with L1-pruning and random-assembly baselines;
//! - [`vit`] and [`stitch`]: a small DeiT-style ViT and linear stitch layers (least-squares
//!   initialisation), shared by [`snnet`] (SN-Net, Pan et al., CVPR 2023: stitching
//!   independently trained anchors) and [`learngene`] (Learngene Pool, Shi et al., AAAI 2024:
//!   stitching blocks distilled from one ancestry model);
//! - [`mixture_growth`]: MixtureGrowth (Pham et al., WACV 2024): template-mixing wide ResNets
//!   grown from two half-width seeds by recombining their templates, with Net2Net, copy, zero
//!   and random growth as baselines;
//! - [`macs`]: analytic MACs and parameters of layers, and [`linalg`]: the small host-side
//!   solvers (Cholesky, Gaussian elimination, Jacobi eigen-decomposition) the families share.
//!
//! The family's experiment is `examples/reproduce_nas/` (`cargo xtask reproduce nas`).
//!
//! `kiln search` (in kiln-cli) drives [`ofa`] and [`search`] end to end on any image data and
//! writes the Pareto front as CSV and PNG; `kiln extract` exports one front member as a run.

pub mod elastic;
pub mod instatune;
pub mod learngene;
pub mod linalg;
pub mod macs;
pub mod mixture_growth;
pub mod mos;
pub mod nn_factory;
pub mod ofa;
pub mod search;
pub mod shiftnas;
pub mod snnet;
pub mod sortednet;
pub mod stitch;
pub mod vit;
