//! Model selection on validation data: keep the epoch with the best validation metric, and
//! stop once it has not improved for `patience` epochs (early stopping).

use serde::{Deserialize, Serialize};

use super::report::EpochRecord;
use crate::error::{CoreError, Result};

/// Whether a larger or a smaller value of the selection metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Goal {
    /// Larger is better (accuracy).
    Maximize,
    /// Smaller is better (loss).
    Minimize,
}

/// Which model [`Trainer::fit`](super::Trainer::fit) returns when validation data is given:
/// the one after the epoch with the best value of `metric` (a key of
/// [`Evaluation::scalars`](super::Evaluation::scalars): `"accuracy"`, `"loss"`, a loss term),
/// not the last one. With `patience`, training stops after that many epochs without a strict
/// improvement.
///
/// A resumed run tracks the best epoch from the point where it resumed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The validation scalar compared across epochs.
    pub metric: String,
    /// Its direction.
    pub goal: Goal,
    /// Epochs without improvement after which the run stops; `None`: never stop early.
    pub patience: Option<usize>,
}

impl Selection {
    /// Keep the epoch with the largest `metric`.
    pub fn max(metric: impl Into<String>) -> Self {
        Self { metric: metric.into(), goal: Goal::Maximize, patience: None }
    }

    /// Keep the epoch with the smallest `metric`.
    pub fn min(metric: impl Into<String>) -> Self {
        Self { metric: metric.into(), goal: Goal::Minimize, patience: None }
    }

    /// Stop after `epochs` epochs without improvement (at least 1).
    pub fn with_patience(mut self, epochs: usize) -> Self {
        self.patience = Some(epochs.max(1));
        self
    }

    fn better(&self, value: f64, best: f64) -> bool {
        match self.goal {
            Goal::Maximize => value > best,
            Goal::Minimize => value < best,
        }
    }
}

/// The best model seen so far and the epochs since.
pub(crate) struct Tracker<M> {
    selection: Selection,
    best: Option<(f64, usize, M)>,
    since: usize,
}

impl<M> Tracker<M> {
    pub(crate) fn new(selection: Selection) -> Self {
        Self { selection, best: None, since: 0 }
    }

    /// Looks at one finished epoch; `model` is called only when it is the best so far. Returns
    /// whether the patience is exhausted.
    pub(crate) fn observe(&mut self, record: &EpochRecord, model: impl FnOnce() -> M) -> Result<bool> {
        let Some(valid) = &record.valid else {
            return Err(CoreError::InvalidConfig("model selection needs validation data".into()));
        };
        let Some(&value) = valid.get(&self.selection.metric) else {
            let known: Vec<&String> = valid.keys().collect();
            return Err(CoreError::InvalidConfig(format!(
                "model selection on {:?}, but validation reports only {known:?}",
                self.selection.metric
            )));
        };
        let improved = value.is_finite() && self.best.as_ref().is_none_or(|(b, _, _)| self.selection.better(value, *b));
        if improved {
            self.best = Some((value, record.global_epoch, model()));
            self.since = 0;
        } else {
            self.since += 1;
        }
        Ok(self.selection.patience.is_some_and(|p| self.since >= p))
    }

    /// The best model and its global epoch (1-based), or `last` when no epoch was seen.
    pub(crate) fn finish(self, last: M) -> (M, Option<usize>) {
        match self.best {
            Some((_, epoch, model)) => (model, Some(epoch)),
            None => (last, None),
        }
    }
}
