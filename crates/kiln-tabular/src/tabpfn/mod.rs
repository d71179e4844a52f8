//! TabPFN (Hollmann, Müller, Eggensperger, Hutter: "TabPFN: A Transformer That Solves Small
//! Tabular Classification Problems in a Second", ICLR 2023), checked against automl/TabPFN v1.
//!
//! A transformer is fitted once, offline, to datasets drawn from a prior ([`crate::prior`]) so
//! that one forward pass approximates the posterior predictive
//! `p(y_test | x_test, D_train) = ∫ p(y_test | x_test, φ) p(φ | D_train) dφ`: the loss is the
//! cross-entropy of the held-out rows of each prior dataset, `L = −Σ log q_θ(y_test | x_test,
//! D_train)`.
//!
//! - [`layer`], [`model`]: post-LN transformer over the rows of a dataset; training rows embed
//!   `x` and `y`, test rows `x` only; keys and values are the training rows only.
//! - [`train`]: prior-data fitting on the engine ([`train::PriorBatches`], resumable).
//! - [`ensemble`]: the inference ensemble (class shifts, feature shifts, power transform).
//! - [`classifier`]: [`TabPfnClassifier`](classifier::TabPfnClassifier) with the shipped
//!   weights.
//!
//! Deviations from v1 are listed in the crate README and `docs/results/tabular.md`.

pub mod classifier;
pub mod ensemble;
pub mod layer;
pub mod model;
pub mod train;
