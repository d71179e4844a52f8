//! ProtoPNet (Chen, Li, Tao, Barnett, Su, Rudin: "This Looks Like That: Deep Learning for
//! Interpretable Image Recognition", NeurIPS 2019), checked against cfchen-duke/ProtoPNet.
//!
//! - [`ProtoPNetConfig`]: paper defaults (`new`) and a small preset (`small`).
//! - [`ProtoPNet`]: backbone → add-on layers (sigmoid latent space) → prototype layer
//!   (`s_j = log((d_j + 1)/(d_j + ε))` of the closest patch) → last layer.
//! - [`loss`]: cross-entropy, cluster, separation and L1 costs.
//! - [`push()`]: projection of prototypes onto training patches with provenance; [`prune()`].
//! - [`crate::ProtoPNetSchedule`]: warm-up, joint, push, last-layer phases on the shared engine.

mod config;
pub mod loss;
mod model;
mod prune;
mod push;

pub use config::ProtoPNetConfig;
pub use model::{AddOnLayers, ProtoPNet, ProtoPNetOutput};
pub use prune::{PruneReport, keep_prototypes, prune};
pub use push::{LatentBatch, push};
// Shared with ST-ProtoPNet; re-exported where ProtoPNet users have always found them.
pub use crate::class_identity::class_identity;
pub use crate::push_set::{PrototypeSource, PushReport, PushSet};
