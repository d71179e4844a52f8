//! The paper's gradient baselines on the benchmark's missions
//! ([`ReconBenchmark::run_with_baselines`](super::ReconBenchmark::run_with_baselines)): the
//! same clients with the same mission data, each baseline fine-tuning the pretrained encoder
//! plus a softmax head ([`GradientBaseline`] on a [`Classifier`] of the [`ProtoNet`]), scored
//! on the same test images as prototype averaging.
//!
//! Every baseline starts from the pretrained encoder with the head that classifies as the
//! nearest base prototype ([`Classifier::from_prototypes`]), so before any mission it scores
//! exactly what prototype averaging scores on the base classes; the upper bound's training
//! set starts with the base training images (joint training on everything seen). Deviation:
//! the official baselines' head starts from the base-class training instead (not verified).

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::seed::derive_seed;
use kiln_data::{ImageBatcher, ImageExample};

use super::baselines::{Baseline, BaselineSettings, GradientBaseline};
use super::classifier::Classifier;
use super::data::ReconData;
use super::protonet::ProtoNet;
use super::report::{MethodEval, ReconMethod};
use super::store::PrototypeStore;
use crate::core::Client;
use crate::error::{FedError, Result};

/// Seed stream of the baselines' fits (plus the baseline's position).
const BASELINE_STREAM: u64 = 5_000;

/// The classes a mission is scored on: `earlier`, known before it and not drawn in it (the
/// base classes and field classes of earlier missions); `mission`, drawn by its clients.
pub(crate) struct ClassSplit {
    pub(crate) earlier: Vec<usize>,
    pub(crate) mission: Vec<usize>,
}

impl ClassSplit {
    /// Both lists, `earlier` first.
    pub(crate) fn all(&self) -> Vec<usize> {
        self.earlier.iter().chain(&self.mission).copied().collect()
    }
}

/// Pooled accuracy over the items of `classes` (`None` when there are none), from one
/// prediction per item.
pub(crate) fn subset_accuracy(items: &[ImageExample], predicted: &[Option<usize>], classes: &[usize]) -> Option<f64> {
    let (mut correct, mut total) = (0usize, 0usize);
    for (item, p) in items.iter().zip(predicted) {
        if classes.contains(&item.label) {
            total += 1;
            correct += usize::from(*p == Some(item.label));
        }
    }
    (total > 0).then(|| correct as f64 / total as f64)
}

/// The gradient baselines of one benchmark run.
pub(crate) struct BaselineRuns {
    runs: Vec<GradientBaseline<Classifier<ProtoNet>, ImageExample>>,
    test: Vec<ImageExample>,
    device: Device,
}

impl BaselineRuns {
    /// One run per entry of `kinds`, from `encoder` and the head of the base prototypes in
    /// `store` (classes `0..B`), seeded from `seed`.
    ///
    /// # Errors
    /// Invalid settings, a baseline listed twice, a base class without a prototype.
    pub(crate) fn new(
        kinds: &[Baseline],
        settings: &BaselineSettings,
        encoder: &ProtoNet,
        store: &PrototypeStore,
        data: &ReconData,
        seed: u64,
        device: &Device,
    ) -> Result<Self> {
        settings.validate()?;
        if let Some((i, kind)) = kinds.iter().enumerate().find(|(i, k)| kinds[..*i].contains(k)) {
            return Err(FedError::setting("baselines", format!("{kind:?} (position {i})"), "a baseline appears twice"));
        }
        let base = store.classes();
        let prototypes = base
            .iter()
            .map(|&c| store.prototype(c).ok_or_else(|| FedError::setting("base class", c, "has no prototype")))
            .collect::<Result<Vec<_>>>()?;
        let model = Classifier::from_prototypes(encoder.clone(), &prototypes, device)?;
        let batcher = ImageBatcher::new(data.normalize.clone());
        let runs = kinds
            .iter()
            .enumerate()
            .map(|(i, &kind)| {
                let seed = derive_seed(seed, BASELINE_STREAM + i as u64);
                let run = GradientBaseline::with_batcher(
                    kind,
                    model.clone(),
                    batcher.clone(),
                    &base,
                    settings.clone(),
                    device,
                    seed,
                )?;
                Ok(run.with_history(data.base_train.clone()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { runs, test: data.test.clone(), device: device.clone() })
    }

    /// Every baseline's mission over `clients`, then its head's predictions on the test images
    /// of `split`'s classes: accuracy on the earlier, mission and all of them; bytes sent and
    /// received.
    ///
    /// # Errors
    /// A failed baseline mission; a tensor read.
    pub(crate) fn mission(&mut self, clients: &[Client<ImageExample>], split: &ClassSplit) -> Result<Vec<MethodEval>> {
        let all = split.all();
        let test: Vec<ImageExample> = self.test.iter().filter(|e| all.contains(&e.label)).cloned().collect();
        let mut evals = Vec::with_capacity(self.runs.len());
        for run in &mut self.runs {
            let start = Instant::now();
            let record = run.mission(clients)?;
            let predicted = run.predictions(&test, &self.device)?;
            evals.push(MethodEval {
                method: ReconMethod::Gradient(run.kind()),
                earlier_accuracy: subset_accuracy(&test, &predicted, &split.earlier),
                mission_accuracy: subset_accuracy(&test, &predicted, &split.mission),
                all_accuracy: subset_accuracy(&test, &predicted, &all),
                bytes: record.bytes_sent + record.bytes_received,
                seconds: start.elapsed().as_secs_f64(),
            });
        }
        Ok(evals)
    }
}
