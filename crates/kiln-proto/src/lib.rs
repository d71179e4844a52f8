//! # kiln-proto
//!
//! Prototype classifiers ("this looks like that"): [`protopnet`] (Chen et al., NeurIPS 2019)
//! and [`st_protopnet`] (Wang et al., ICCV 2023), with push (projection), pruning and visual
//! explanations, trained on Kiln's shared engine; robust stable classification-by-components
//! [`cbc`] (Saralajew et al., AAAI 2025) with certified L2 radii ([`certify`]) and a PGD-L2
//! attack ([`attack`]) for any classifier.
//!
//! The family's experiment (`docs/results/proto.md`) is `examples/reproduce_proto/`, run by
//! `cargo xtask reproduce proto`.

pub mod attack;
pub mod cbc;
pub mod certify;
pub mod class_identity;
pub mod error;
pub mod explain;
pub mod glvq;
pub mod protopnet;
pub mod push_set;
pub mod render;
mod schedule;
pub mod similarity;
pub mod st_protopnet;

pub use attack::{PgdConfig, Scores, pgd_l2};
pub use cbc::{CbcObjective, CbcTraining, RobustCbcConfig, StableCbc};
pub use certify::Certificate;
pub use error::RobustError;
pub use protopnet::{ProtoPNet, ProtoPNetConfig};
pub use push_set::{PUSH_BATCH_SIZE, PrototypeSource, PushReport, PushSet};
pub use schedule::{ProtoPNetSchedule, PrototypeStage, prune_action, push_action};
pub use st_protopnet::{StProtoPNet, StProtoPNetConfig};
