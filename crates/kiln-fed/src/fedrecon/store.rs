//! The server's merged prototypes: count-weighted online averages per class.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::PrototypeEntry;
use crate::error::{FedError, Result};

/// One class's merged prototype: `N_c` and the running sum `Σ n_{k,c} p_{k,c}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Merged {
    count: usize,
    sum: Vec<f64>,
}

/// The prototypes a server has merged so far, by class.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PrototypeStore {
    dim: Option<usize>,
    classes: BTreeMap<usize, Merged>,
}

impl PrototypeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Merges one client's prototypes: `p_c ← (N_c·p_c + n·p) / (N_c + n)`, `N_c ← N_c + n`.
    /// Entries with `count = 0` are ignored. All or nothing: on an error nothing is merged.
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] naming the class and `client` when a vector's length
    /// differs from the store's, or a value is not finite.
    pub fn merge(&mut self, client: usize, entries: &[PrototypeEntry]) -> Result<()> {
        let mut dim = self.dim;
        for e in entries.iter().filter(|e| e.count > 0) {
            let expected = *dim.get_or_insert(e.vector.len());
            if e.vector.len() != expected || e.vector.is_empty() {
                return Err(FedError::ParamMismatch {
                    path: format!("prototype[{}]", e.label),
                    client: Some(client),
                    reason: format!("{} values where {expected} (at least 1) are expected", e.vector.len()),
                });
            }
            if e.vector.iter().any(|v| !v.is_finite()) {
                return Err(FedError::ParamMismatch {
                    path: format!("prototype[{}]", e.label),
                    client: Some(client),
                    reason: "a value is not finite".into(),
                });
            }
        }
        self.dim = dim;
        for e in entries.iter().filter(|e| e.count > 0) {
            let merged =
                self.classes.entry(e.label).or_insert_with(|| Merged { count: 0, sum: vec![0.0; e.vector.len()] });
            let n = e.count as f64;
            for (s, &v) in merged.sum.iter_mut().zip(&e.vector) {
                *s += n * f64::from(v);
            }
            merged.count += e.count;
        }
        Ok(())
    }

    /// Classes known so far, ascending.
    pub fn classes(&self) -> Vec<usize> {
        self.classes.keys().copied().collect()
    }

    /// `N_c`: examples merged into class `label`'s prototype.
    pub fn count(&self, label: usize) -> usize {
        self.classes.get(&label).map_or(0, |m| m.count)
    }

    /// The merged prototype of `label`.
    pub fn prototype(&self, label: usize) -> Option<Vec<f32>> {
        let m = self.classes.get(&label)?;
        let n = m.count as f64;
        Some(m.sum.iter().map(|s| (s / n) as f32).collect())
    }

    /// Embedding width (`None` before the first merge).
    pub fn dim(&self) -> Option<usize> {
        self.dim
    }

    /// The nearest prototype's class for each embedding, `argmin_c ‖z − p_c‖²` (ties: the
    /// smaller class); `None` for every row when the store is empty.
    ///
    /// # Errors
    /// [`FedError::ParamMismatch`] when an embedding's width differs from the prototypes'.
    pub fn classify(&self, embeddings: &[Vec<f32>]) -> Result<Vec<Option<usize>>> {
        let prototypes: Vec<(usize, Vec<f32>)> =
            self.classes.keys().filter_map(|&c| Some((c, self.prototype(c)?))).collect();
        embeddings
            .iter()
            .map(|z| {
                if let Some(dim) = self.dim
                    && z.len() != dim
                {
                    return Err(FedError::ParamMismatch {
                        path: "embedding".into(),
                        client: None,
                        reason: format!("{} values where {dim} are expected", z.len()),
                    });
                }
                let mut best: Option<(usize, f32)> = None;
                for (c, p) in &prototypes {
                    let d: f32 = z.iter().zip(p).map(|(a, b)| (a - b) * (a - b)).sum();
                    if best.is_none_or(|(_, bd)| d < bd) {
                        best = Some((*c, d));
                    }
                }
                Ok(best.map(|(c, _)| c))
            })
            .collect()
    }
}
