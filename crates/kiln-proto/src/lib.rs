//! # kiln-proto
//!
//! Prototype classifiers ("this looks like that"): [`protopnet`] (Chen et al., NeurIPS 2019)
//! and [`st_protopnet`] (Wang et al., ICCV 2023), with push (projection), pruning and visual
//! explanations, trained on Kiln's shared engine.

pub mod explain;
pub mod protopnet;
pub mod render;
pub mod reproduce;
mod schedule;
pub mod similarity;
pub mod st_protopnet;

pub use protopnet::{ProtoPNet, ProtoPNetConfig};
pub use schedule::{ProtoPNetSchedule, prune_action, push_action};
pub use st_protopnet::{StProtoPNet, StProtoPNetConfig};
