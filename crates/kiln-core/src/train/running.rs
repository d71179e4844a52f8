//! Per-epoch bookkeeping of the engine: running means of the loss terms and classification
//! counts, and the learning rate of every parameter group at a step.

use std::collections::BTreeMap;

use burn::lr_scheduler::module_lr_scheduler::{ModuleLearningRate, ModuleLrScheduler};
use burn::module::ParamGroup;

use super::phase::TrainPhase;
use super::report::Evaluation;
use super::step::StepOutput;
use crate::metrics::ClassificationMetrics;

/// The learning rate of every parameter at this step: the phase's base rate, with per-group
/// overrides, times the schedule's factor.
pub(crate) fn module_lr(tp: &TrainPhase, factor: f64) -> ModuleLearningRate {
    let mut scheduler = ModuleLrScheduler::new(tp.lr * factor);
    for group in &tp.groups {
        scheduler = scheduler.with_group(ParamGroup::from_predicate(group.path.clone()), group.lr * factor);
    }
    scheduler.step()
}

/// Running means of the loss and terms, and classification counts.
pub(crate) struct Running {
    batches: usize,
    loss: f64,
    terms: BTreeMap<String, f64>,
    classification: Option<ClassificationMetrics>,
    topk: usize,
}

impl Running {
    pub(crate) fn new(topk: usize) -> Self {
        Self { batches: 0, loss: 0.0, terms: BTreeMap::new(), classification: None, topk }
    }

    pub(crate) fn add(&mut self, output: StepOutput) {
        self.batches += 1;
        self.loss += f64::from(output.loss.into_scalar::<f32>());
        for (name, value) in output.terms {
            *self.terms.entry(name.to_string()).or_default() += f64::from(value.into_scalar::<f32>());
        }
        if let (Some(logits), Some(targets)) = (output.logits, output.targets) {
            let topk = self.topk;
            self.classification
                .get_or_insert_with(|| ClassificationMetrics::new(topk))
                .update(logits.detach(), targets);
        }
    }

    pub(crate) fn message(&self) -> String {
        let n = self.batches.max(1) as f64;
        let mut msg = format!("loss {:.4}", self.loss / n);
        if let Some(c) = &self.classification {
            msg.push_str(&format!(" acc {:.1}%", c.accuracy() * 100.0));
        }
        msg
    }

    pub(crate) fn finish(self) -> Evaluation {
        let n = self.batches.max(1) as f64;
        Evaluation {
            loss: self.loss / n,
            terms: self.terms.into_iter().map(|(k, v)| (k, v / n)).collect(),
            classification: self.classification,
        }
    }
}
