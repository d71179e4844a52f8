//! # kiln-tabular
//!
//! Kiln tabular learning: TabPFN (Hollmann et al., "TabPFN: A Transformer That Solves Small
//! Tabular Classification Problems in a Second", ICLR 2023) trained here on a synthetic prior,
//! with a scikit-learn-like API.
//!
//! - [`prior`]: the prior datasets are drawn from: SCM/random-MLP and GP priors mixed as in
//!   TabPFN v1, rank-threshold classes, categorical features, missing values; deterministic by
//!   seed, callable by users ([`PriorConfig::generate`]).
//! - [`preprocess`]: v1's input preprocessing (z-score, power transform, outlier squashing,
//!   scaling by used features, padding), shared by training and inference.
//! - [`tabpfn`]: TabPFN itself: the transformer over a dataset (every row attends to the
//!   training rows only; no positional encoding), prior-data fitting on the kiln-core engine
//!   (endless [`tabpfn::train::PriorBatches`]), the inference ensemble over class shifts,
//!   feature shifts and power transform, and [`TabPfnClassifier`] (`fit` / `predict` /
//!   `predict_proba`, with the shipped checkpoint embedded in the binary). A second tabular
//!   method gets a folder beside it and shares the prior and preprocessing.
//! - [`csv`]: the CSV entry point behind `kiln tabular --train a.csv --test b.csv --target y`.
//!
//! ## Limits
//! The shipped model accepts at most 1024 training rows, 100 features and 10 classes (TabPFN
//! v1's limits); larger inputs are refused with a typed [`TabularError`].

pub mod csv;
pub mod error;
pub mod preprocess;
pub mod prior;
pub mod tabpfn;

pub use error::{Result, TabularError};
pub use prior::{PriorConfig, PriorDataset, PriorKind, PriorMix, generate};
pub use tabpfn::classifier::TabPfnClassifier;
pub use tabpfn::ensemble::EnsembleConfig;
pub use tabpfn::model::{TabPfn, TabPfnConfig};
