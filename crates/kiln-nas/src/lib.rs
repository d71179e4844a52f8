//! # kiln-nas
//!
//! Supernets and architecture search. So far:
//! - [`elastic`]: Once-for-All's elastic operators: elastic kernel (kernel-transform matrices,
//!   7 → 5 → 3) and elastic width with importance sorting, in an inverted-residual block;
//! - [`search`]: multi-objective search: NSGA-II (non-dominated sorting, crowding distance,
//!   tournament selection, crossover, mutation), predictor-assisted NSGA-II in the spirit of
//!   DyNAS-T/LINAS, random search as the baseline, and the hypervolume indicator.
//!
//! - [`ofa`]: the Once-for-All supernet for small images (elastic depth and resolution too),
//!   in-place subnets, extraction, BN recalibration, progressive shrinking with in-place
//!   distillation, analytic MACs and parameters, a measured latency table, and the real
//!   evaluation of subnets a search calls ([`ofa::SubnetEvaluator`], [`ofa::problem_for`]).
//!
//! The family's experiment is `examples/reproduce_nas/` (`cargo xtask reproduce nas`).
//!
//! `kiln search` (in kiln-cli) drives [`ofa`] and [`search`] end to end and writes the Pareto
//! front as CSV and PNG.

pub mod elastic;
pub mod macs;
pub mod ofa;
pub mod search;
