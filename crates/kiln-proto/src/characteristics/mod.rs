//! Prototype characteristics: Nauta, Jutte, Provoost and Seifert, "This Looks Like That,
//! Because ... Explaining Prototypes for Interpretable Image Recognition" (PKDD 2021 workshops;
//! official code M-Nauta/Explaining_Prototypes, `prototype_activation.py`).
//!
//! A prototype's visual similarity can rest on colour hue, saturation, contrast, brightness,
//! texture or shape. Each is probed by a whole-image modification
//! ([`kiln_data::transform::Modification`]) that changes it and little else, and the importance
//! of the characteristic is how much the prototype's similarity drops:
//!
//! - local ([`local_importance`]): `Δ_{j,μ}(x) = g_j(x)[p*_j] − g_j(μ(x))[p*_j]`, with
//!   `p*_j = argmax_p g_j(x)[p]` the prototype's nearest patch on the original image and the
//!   modified image's similarity read at that same patch (no new maximum);
//! - global ([`global_importance`]): `I_{j,μ}(X) = Σ_x Δ_{j,μ}(x) g_j(x) / Σ_x g_j(x)` over a set
//!   (the training and the test set separately, as the paper).
//!
//! `g` is the network's similarity map ([`SimilarityMaps`]): ProtoPNet's `log((d+1)/(d+ε))`,
//! ST-ProtoPNet's projections. A [`CharacteristicReport`] holds the importances as JSON and as
//! text (`prototype 7: hue 0.91, shape 0.12, ...`), the line `kiln explain --characteristics`
//! draws beside each prototype.
//!
//! Deviations: the images are modified at the size the model sees (the paper modifies the
//! cropped CUB images before resizing to 224 px), so [`CharacteristicsConfig::small`] scales the
//! warp to the image; global weights are clamped at 0 (see [`global_importance`]); the paper's
//! Shapiro–Wilk and Welch tests between the training and test sets are not computed.

mod config;
mod error;
mod global;
mod local;
mod maps;
mod report;

pub use config::CharacteristicsConfig;
pub use error::CharacteristicsError;
pub use global::{global_from_local, global_importance, weighted_importance};
pub use local::{LocalImportance, local_importance};
pub use maps::SimilarityMaps;
pub use report::{CharacteristicReport, PrototypeCharacteristics, Scope};
