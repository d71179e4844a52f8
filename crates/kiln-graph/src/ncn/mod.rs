//! Neural Common Neighbor (NCN) and NCN with completion (NCNC), Wang et al., ICLR 2024, with the
//! GCN dot-product (GAE) baseline, trained on the kiln-core engine from batches of target links.
//!
//! - [`config`]: [`NcnConfig`], the official command-line options; [`preset`]: the official
//!   Cora, CiteSeer and PubMed commands ([`NcnPreset`]).
//! - [`batch`]: target-link batches with common-neighbour matrices, completion candidates,
//!   target-link removal, checked negatives and predictor edge dropout, and the engine's
//!   [`kiln_core::train::BatchSource`] over them.
//! - [`model`]: [`Ncn`] (NCN, or NCNC with `completion`); [`mlp`]: its MLPs.
//! - [`gae`]: the GCN dot-product baseline [`Gae`].
//! - [`train`]: loss, training through [`kiln_core::train::Trainer`], evaluation.
//! - [`held_out`]: held-out links as a batch source, for the engine's validation and test loss.

pub mod batch;
pub mod config;
pub mod gae;
pub mod held_out;
pub mod mlp;
pub mod model;
pub mod preset;
pub mod train;

pub use batch::{BatchOptions, LinkBatch, LinkTask, LinkTrainSource, PairTensors, PreparedPairs};
pub use config::NcnConfig;
pub use gae::{Gae, GaeConfig};
pub use held_out::HeldOutSource;
pub use model::Ncn;
pub use preset::NcnPreset;
pub use train::{
    LinkScorer, LinkTrainConfig, evaluate_link_model, link_loss, link_phase, link_train_source, score_pairs,
    train_link_model,
};
