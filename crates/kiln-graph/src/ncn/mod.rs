//! Neural Common Neighbor (NCN) and NCN with completion (NCNC), Wang et al., ICLR 2024, with the
//! GCN dot-product (GAE) baseline, trained on the kiln-core engine from batches of target links.
//!
//! - [`batch`]: target-link batches with common-neighbour matrices, completion candidates and
//!   target-link removal, and the engine's [`kiln_core::train::BatchSource`] over them.
//! - [`model`]: [`Ncn`] (NCN, or NCNC with `completion`).
//! - [`gae`]: the GCN dot-product baseline [`Gae`].
//! - [`train`]: loss, training through [`kiln_core::train::Trainer`], evaluation.
//! - [`held_out`]: held-out links as a batch source, for the engine's validation and test loss.

pub mod batch;
pub mod gae;
pub mod held_out;
pub mod model;
pub mod train;

pub use batch::{BatchOptions, LinkBatch, LinkTask, LinkTrainSource, PairTensors, PreparedPairs};
pub use gae::{Gae, GaeConfig};
pub use held_out::HeldOutSource;
pub use model::{Ncn, NcnConfig};
pub use train::{
    LinkScorer, LinkTrainConfig, evaluate_link_model, link_loss, link_phase, link_train_source, score_pairs,
    train_link_model,
};
