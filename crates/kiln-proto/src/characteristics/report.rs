//! [`CharacteristicReport`]: how much each prototype relies on each characteristic, as data
//! (JSON) and as text, e.g. `prototype 7: hue 0.91, shape 0.12, ...` (largest first), the line
//! drawn beside the prototype in an explanation.

use kiln_data::transform::Modification;
use serde::{Deserialize, Serialize};

use super::local::LocalImportance;

/// What a report's importances are over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Local importances on one image (`Δ`).
    Image,
    /// Global importances over a set of images (the similarity-weighted mean of `Δ`).
    Set {
        /// Number of images.
        images: usize,
    },
}

/// One prototype's importances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrototypeCharacteristics {
    /// The prototype's index.
    pub prototype: usize,
    /// One importance per modification of the report, in its order.
    pub importance: Vec<f32>,
}

/// The importance of each modification for each prototype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharacteristicReport {
    /// One image or a set.
    pub scope: Scope,
    /// The modifications, the order of every prototype's `importance`.
    pub modifications: Vec<Modification>,
    /// Every prototype's importances, by prototype index.
    pub prototypes: Vec<PrototypeCharacteristics>,
}

impl CharacteristicReport {
    /// The report of one image's local importances.
    pub fn local(local: &LocalImportance) -> Self {
        let prototypes = local
            .delta
            .iter()
            .enumerate()
            .map(|(prototype, delta)| PrototypeCharacteristics { prototype, importance: delta.clone() })
            .collect();
        Self { scope: Scope::Image, modifications: local.modifications.clone(), prototypes }
    }

    /// The importance of modification `name` (e.g. `"hue"`) for `prototype`.
    pub fn importance(&self, prototype: usize, name: &str) -> Option<f32> {
        let k = self.column(name)?;
        self.prototypes.iter().find(|p| p.prototype == prototype).and_then(|p| p.importance.get(k).copied())
    }

    /// The mean over all prototypes of the importance of modification `name`.
    pub fn mean(&self, name: &str) -> Option<f32> {
        let k = self.column(name)?;
        let values: Vec<f32> = self.prototypes.iter().filter_map(|p| p.importance.get(k).copied()).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f32>() / values.len() as f32)
    }

    /// `prototype 7: hue 0.91, shape 0.12, ...`: the prototype's importances, largest first.
    pub fn line(&self, prototype: usize) -> Option<String> {
        self.items(prototype).map(|items| format!("prototype {prototype}: {items}"))
    }

    /// `hue 0.91, shape 0.12, ...`: the prototype's importances, largest first.
    pub fn items(&self, prototype: usize) -> Option<String> {
        let p = self.prototypes.iter().find(|p| p.prototype == prototype)?;
        let mut pairs: Vec<(&str, f32)> =
            self.modifications.iter().map(Modification::name).zip(p.importance.iter().copied()).collect();
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
        let items: Vec<String> = pairs.iter().map(|(name, v)| format!("{name} {v:.2}")).collect();
        Some(items.join(", "))
    }

    /// A heading naming the scope, then one [`line`](Self::line) per prototype.
    pub fn to_text(&self) -> String {
        let heading = match self.scope {
            Scope::Image => "local importance on this image (similarity drop at the prototype's patch):".to_string(),
            Scope::Set { images } => format!("global importance over {images} images (similarity-weighted mean drop):"),
        };
        let lines: Vec<String> = self.prototypes.iter().filter_map(|p| self.line(p.prototype)).collect();
        format!("{heading}\n  {}\n", lines.join("\n  "))
    }

    /// The column of modification `name`.
    fn column(&self, name: &str) -> Option<usize> {
        self.modifications.iter().position(|m| m.name() == name)
    }
}
