//! What a run reports: one record per epoch, and a summary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::ClassificationMetrics;

/// Averages of a pass over a data source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean total loss per batch.
    pub loss: f64,
    /// Mean of each named loss term.
    pub terms: BTreeMap<String, f64>,
    /// Accuracy, top-k and confusion matrix, when the model returned logits.
    pub classification: Option<ClassificationMetrics>,
}

impl Evaluation {
    /// Top-1 accuracy, when available.
    pub fn accuracy(&self) -> Option<f64> {
        self.classification.as_ref().map(ClassificationMetrics::accuracy)
    }

    /// The numbers worth a log line: loss, terms, accuracy, top-k.
    pub fn scalars(&self) -> BTreeMap<String, f64> {
        let mut out = self.terms.clone();
        out.insert("loss".into(), self.loss);
        if let Some(c) = &self.classification {
            out.insert("accuracy".into(), c.accuracy());
            out.insert(format!("top{}", c.k), c.topk_accuracy());
        }
        out
    }
}

/// One completed epoch (or action).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Phase name.
    pub phase: String,
    /// Epoch within the phase (0-based).
    pub epoch: usize,
    /// Epochs completed over the run, this one included.
    pub global_epoch: usize,
    /// Learning rate at the end of the epoch (0 for actions).
    pub lr: f64,
    /// Training averages.
    pub train: BTreeMap<String, f64>,
    /// Validation averages, when validation data was given.
    pub valid: Option<BTreeMap<String, f64>>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The result of [`Trainer::fit`](super::Trainer::fit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Every epoch, in order (a resumed run includes the epochs before the interruption).
    pub records: Vec<EpochRecord>,
    /// Whether every phase ran to the end (false when halted early).
    pub completed: bool,
    /// Optimiser steps over the run.
    pub global_step: u64,
    /// The global epoch (1-based) whose model was returned, under a
    /// [`Selection`](super::Selection); `None`: the last one.
    #[serde(default)]
    pub best_epoch: Option<usize>,
    /// Whether the selection's patience ended the run before its last phase.
    #[serde(default)]
    pub stopped_early: bool,
}

impl Report {
    /// Total epochs recorded.
    pub fn epochs(&self) -> usize {
        self.records.len()
    }

    /// Last validation accuracy, if any.
    pub fn final_valid_accuracy(&self) -> Option<f64> {
        self.records.iter().rev().find_map(|r| r.valid.as_ref()?.get("accuracy").copied())
    }
}
