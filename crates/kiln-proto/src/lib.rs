//! # kiln-proto
//!
//! Prototype classifiers ("this looks like that"): [`protopnet`] (Chen et al., NeurIPS 2019)
//! and [`st_protopnet`] (Wang et al., ICCV 2023), with push (projection), pruning and visual
//! explanations, trained on Kiln's shared engine; robust stable classification-by-components
//! [`cbc`] (Saralajew et al., AAAI 2025) with certified L2 radii ([`certify`]) and a PGD-L2
//! attack ([`attack`]) for any classifier.
//!
//! Also from Saralajew et al.: [`rbf`] (the RBF network and the robust RBF network, with the
//! closed-form certified radius) and [`deep_cbc`] (deep CBC: a CNN backbone, a softmax over
//! channels and a global max-pool as component detections, then the CBC head). [`prob_psenn`]
//! (Vadillo et al., 2024) makes the prototypes of Li et al.'s PSENN distributions and splits
//! its predictive uncertainty into aleatoric and epistemic parts.
//!
//! [`characteristics`] (Nauta et al., 2021) explains what a prototype's similarity rests on
//! (hue, saturation, contrast, brightness, texture, shape) by how much it drops when the image
//! is modified in that respect.
//!
//! [`eval_protopnet`] (Huang et al., ICCV 2023) adds shallow-deep feature alignment and score
//! aggregation to a TesNet-style network; [`interpretability`] measures, for any prototype
//! model, how consistently and how stably its prototypes land on annotated object parts.
//!
//! The family's experiments are `examples/reproduce_proto/` (`docs/results/proto.md`), run by
//! `cargo xtask reproduce proto`, and `examples/reproduce_proto_robust/` (the robust models:
//! clean, certified and PGD accuracy per radius; `docs/results/proto-robust.md`), run by
//! `cargo xtask reproduce proto-robust`.

pub mod attack;
pub mod cbc;
pub mod certify;
pub mod characteristics;
pub mod class_identity;
pub mod deep_cbc;
pub mod error;
pub mod eval_protopnet;
pub mod explain;
pub mod glvq;
pub mod interpretability;
pub mod prob_psenn;
pub mod protopnet;
pub mod push_set;
pub mod rbf;
pub mod render;
mod schedule;
pub mod similarity;
pub mod st_protopnet;

pub use attack::{PgdConfig, Scores, pgd_l2};
pub use cbc::{CbcObjective, CbcTraining, RobustCbcConfig, StableCbc};
pub use certify::Certificate;
pub use error::RobustError;
pub use eval_protopnet::{EvalProtoPNet, EvalProtoPNetConfig, EvalProtoPNetSchedule};
pub use protopnet::{ProtoPNet, ProtoPNetConfig};
pub use push_set::{PUSH_BATCH_SIZE, PrototypeSource, PushReport, PushSet};
pub use schedule::{ProtoPNetSchedule, PrototypeStage, prune_action, push_action};
pub use st_protopnet::{StProtoPNet, StProtoPNetConfig, StProtoPNetSchedule};
