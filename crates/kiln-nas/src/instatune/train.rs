//! InstaTune's data (the two tasks of the digits), its engine phases, the runs (pretraining,
//! elastic fine-tuning), the baselines, the pass counts that match their budgets, and the
//! search of the fine-tuned supernet.

use burn::prelude::Device;
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::train::{BatchSource, ImageBatch, Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatcher, ImageExample, Normalize, digits, split};

use super::config::{ClassSplit, InstaTuneConfig};
use super::error::InstaTuneError;
use super::model::{InstaTuneModel, InstaTuneStage, with_new_head};
use crate::ofa::{
    NasData, OfaConfig, OfaSupernet, Subnet, SubnetConfig, SubnetEvaluator, SubnetObjective, problem_for,
};
use crate::search::{LinasConfig, SearchTrace, linas};

/// The examples of `examples` whose label is in `classes`, relabelled by position in
/// `classes` ([`ClassSplit::remap`]).
pub fn task_examples(examples: &[ImageExample], classes: &[usize]) -> Vec<ImageExample> {
    examples
        .iter()
        .filter_map(|e| ClassSplit::remap(classes, e.label).map(|label| ImageExample { image: e.image.clone(), label }))
        .collect()
}

/// The two tasks' loaders.
pub struct InstaTuneData {
    /// The pretraining task (its classes relabelled `0..`).
    pub pretrain: NasData,
    /// The fine-tuning task (its classes relabelled `0..`).
    pub finetune: NasData,
}

/// The embedded digits split 70/10/20 by `seed` (as [`nas_data`](crate::ofa::nas_data)),
/// each split divided into the two tasks of `classes`; both tasks are normalised by the
/// pretraining task's training statistics (the pretrained network's input normalisation);
/// training batches of `batch_size` (shuffled by `seed`), 256 for validation and test.
///
/// # Errors
/// A bad class split or batch size, a task without examples in a split, or the dataset
/// failing to load.
pub fn instatune_data(classes: &ClassSplit, batch_size: usize, seed: u64) -> Result<InstaTuneData, InstaTuneError> {
    classes.validate()?;
    if batch_size == 0 {
        return Err(InstaTuneError::ZeroBatchSize);
    }
    let s = split(digits()?, 0.1, 0.2, seed);
    let task = |task: &'static str, list: &[usize]| -> Result<[Vec<ImageExample>; 3], InstaTuneError> {
        let parts = [task_examples(&s.train, list), task_examples(&s.valid, list), task_examples(&s.test, list)];
        for (part, name) in parts.iter().zip(["train", "valid", "test"]) {
            if part.is_empty() {
                return Err(InstaTuneError::EmptyTask { task, split: name });
            }
        }
        Ok(parts)
    };
    let [pre_train, pre_valid, pre_test] = task("pretrain", &classes.pretrain)?;
    let [fine_train, fine_valid, fine_test] = task("finetune", &classes.finetune)?;
    let batcher = ImageBatcher::new(Normalize::fit(&pre_train));
    let loaders = |train: Vec<ImageExample>, valid, test| NasData {
        train: DataLoader::new(train, batcher.clone(), batch_size).shuffled(seed),
        valid: DataLoader::new(valid, batcher.clone(), 256),
        test: DataLoader::new(test, batcher.clone(), 256),
    };
    Ok(InstaTuneData {
        pretrain: loaders(pre_train, pre_valid, pre_test),
        finetune: loaders(fine_train, fine_valid, fine_test),
    })
}

/// (subnet, batch) training passes of a run: one per subnet forward and backward on one
/// mini-batch, the unit in which budgets of InstaTune and its baselines are matched.
pub fn training_passes(epochs: usize, batches_per_epoch: usize, subnets_per_step: usize) -> usize {
    epochs * batches_per_epoch * subnets_per_step
}

impl InstaTuneConfig {
    /// The pretraining phase: `pretrain_epochs` at `pretrain_lr` in [`InstaTuneStage::Pretrain`].
    ///
    /// # Errors
    /// The [`InstaTuneError`] of [`validate`](Self::validate).
    pub fn pretrain_phases(&self) -> Result<Vec<Phase<InstaTuneModel>>, InstaTuneError> {
        self.validate()?;
        let phase = TrainPhase::new(self.pretrain_epochs, self.pretrain_lr);
        Ok(vec![Phase::train("pretrain", phase).in_stage(InstaTuneStage::Pretrain)])
    }

    /// InstaTune's fine-tuning phase: `finetune_epochs` at `finetune_lr` in
    /// [`InstaTuneStage::ElasticFinetune`] with the configured sandwich rule.
    ///
    /// # Errors
    /// The [`InstaTuneError`] of [`validate`](Self::validate).
    pub fn finetune_phases(&self) -> Result<Vec<Phase<InstaTuneModel>>, InstaTuneError> {
        self.validate()?;
        let phase = TrainPhase::new(self.finetune_epochs, self.finetune_lr);
        Ok(vec![
            Phase::train("elastic_finetune", phase).in_stage(InstaTuneStage::ElasticFinetune(self.sandwich.clone())),
        ])
    }

    /// The elastic-pretraining baseline's phase ("an OFA supernet on the first task, then
    /// fine-tuned"): `pretrain_epochs` at `pretrain_lr` in
    /// [`InstaTuneStage::ElasticFinetune`] with the configured sandwich rule, on the
    /// pretraining task.
    ///
    /// # Errors
    /// The [`InstaTuneError`] of [`validate`](Self::validate).
    pub fn elastic_pretrain_phases(&self) -> Result<Vec<Phase<InstaTuneModel>>, InstaTuneError> {
        self.validate()?;
        let phase = TrainPhase::new(self.pretrain_epochs, self.pretrain_lr);
        Ok(vec![
            Phase::train("elastic_pretrain", phase).in_stage(InstaTuneStage::ElasticFinetune(self.sandwich.clone())),
        ])
    }

    /// The static baseline's phase: the same length and rate in
    /// [`InstaTuneStage::StaticFinetune`] (the full network only).
    ///
    /// # Errors
    /// The [`InstaTuneError`] of [`validate`](Self::validate).
    pub fn static_finetune_phases(&self) -> Result<Vec<Phase<InstaTuneModel>>, InstaTuneError> {
        self.validate()?;
        let phase = TrainPhase::new(self.finetune_epochs, self.finetune_lr);
        Ok(vec![Phase::train("static_finetune", phase).in_stage(InstaTuneStage::StaticFinetune)])
    }

    /// The starting point of every fine-tuning (InstaTune and the baselines): the pretrained
    /// supernet, with a new head for the fine-tuning classes when [`new_head`](Self::new_head)
    /// is set (initialised from the device's generator).
    pub fn finetune_start(&self, pretrained: &OfaSupernet, device: &Device) -> OfaSupernet {
        if self.new_head {
            with_new_head(pretrained.clone(), self.classes.finetune.len(), device)
        } else {
            pretrained.clone()
        }
    }

    /// Pretrains a supernet of `base`'s space ([`ofa_config`](Self::ofa_config)) on the
    /// pretraining task with `trainer`; returns it and its (subnet, batch) passes.
    ///
    /// # Errors
    /// A bad configuration or a failed run.
    pub fn pretrain(
        &self,
        base: &OfaConfig,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(OfaSupernet, usize), InstaTuneError> {
        self.pretrain_with(self.pretrain_phases()?, 1, base, data, device, trainer)
    }

    /// Baseline: a supernet made elastic already in pretraining (the sandwich rule on the
    /// pretraining task, [`elastic_pretrain_phases`](Self::elastic_pretrain_phases)), the
    /// conventional route InstaTune replaces; fine-tune it with
    /// [`elastic_finetune`](Self::elastic_finetune). Returns it and its (subnet, batch)
    /// passes (`2 + random_subnets` per step).
    ///
    /// # Errors
    /// A bad configuration or a failed run.
    pub fn elastic_pretrain(
        &self,
        base: &OfaConfig,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(OfaSupernet, usize), InstaTuneError> {
        let per_step = self.sandwich.subnets_per_step();
        self.pretrain_with(self.elastic_pretrain_phases()?, per_step, base, data, device, trainer)
    }

    /// A fresh supernet of `base`'s space trained by `phases` on the pretraining task, with its
    /// passes at `per_step` subnets per step.
    fn pretrain_with(
        &self,
        phases: Vec<Phase<InstaTuneModel>>,
        per_step: usize,
        base: &OfaConfig,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(OfaSupernet, usize), InstaTuneError> {
        let model = InstaTuneModel::new(self.ofa_config(base).init(device));
        let (model, _) = trainer.fit(model, &phases, &data.pretrain.train, None)?;
        let steps = data.pretrain.train.num_batches();
        Ok((model.supernet, training_passes(self.pretrain_epochs, steps, per_step)))
    }

    /// InstaTune: elastic fine-tuning of `pretrained` on the fine-tuning task; returns the
    /// supernet and its passes (`2 + random_subnets` per step).
    ///
    /// # Errors
    /// A bad configuration or a failed run.
    pub fn elastic_finetune(
        &self,
        pretrained: &OfaSupernet,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(OfaSupernet, usize), InstaTuneError> {
        let phases = self.finetune_phases()?;
        let model = InstaTuneModel::new(self.finetune_start(pretrained, device));
        let (model, _) = trainer.fit(model, &phases, &data.finetune.train, None)?;
        let steps = data.finetune.train.num_batches();
        Ok((model.supernet, training_passes(self.finetune_epochs, steps, self.sandwich.subnets_per_step())))
    }

    /// Baseline: static fine-tuning of the full network of `pretrained` (no elasticity, same
    /// epochs and rate); its subnets are then sliced out of it. Returns the supernet and its
    /// passes (one per step).
    ///
    /// # Errors
    /// A bad configuration or a failed run.
    pub fn static_finetune(
        &self,
        pretrained: &OfaSupernet,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(OfaSupernet, usize), InstaTuneError> {
        let phases = self.static_finetune_phases()?;
        let model = InstaTuneModel::new(self.finetune_start(pretrained, device));
        let (model, _) = trainer.fit(model, &phases, &data.finetune.train, None)?;
        Ok((model.supernet, training_passes(self.finetune_epochs, data.finetune.train.num_batches(), 1)))
    }

    /// Baseline: the subnet `subnet` sliced out of `pretrained` ([`OfaSupernet::extract`],
    /// after the head of [`finetune_start`](Self::finetune_start)) and fine-tuned on its own
    /// for `finetune_epochs` at `finetune_lr`. Returns it and its passes (one per step).
    ///
    /// # Errors
    /// A bad configuration or a failed run.
    pub fn standalone_finetune(
        &self,
        pretrained: &OfaSupernet,
        subnet: &SubnetConfig,
        data: &InstaTuneData,
        device: &Device,
        trainer: &Trainer,
    ) -> Result<(Subnet, usize), InstaTuneError> {
        self.validate()?;
        let model = self.finetune_start(pretrained, device).extract(subnet);
        let phases = vec![Phase::train("standalone", TrainPhase::new(self.finetune_epochs, self.finetune_lr))];
        let (model, _) = trainer.fit(model, &phases, &data.finetune.train, None)?;
        Ok((model, training_passes(self.finetune_epochs, data.finetune.train.num_batches(), 1)))
    }
}

/// Accuracy of a standalone (extracted) subnet on `data`, with its own BN statistics.
///
/// # Errors
/// When the source cannot build a batch.
pub fn standalone_accuracy(
    model: &Subnet,
    data: &dyn BatchSource<ImageBatch>,
    device: &Device,
) -> Result<f64, InstaTuneError> {
    let mut metrics = ClassificationMetrics::new(1);
    for i in 0..data.num_batches() {
        let batch = data.batch(0, i, device)?;
        metrics.update(model.forward(batch.images), batch.targets);
    }
    Ok(metrics.accuracy())
}

/// One subnet of a searched front with its measured objective values.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMember {
    /// The subnet.
    pub subnet: SubnetConfig,
    /// Its values, in the order of the search's objectives.
    pub values: Vec<f64>,
}

/// Searches the fine-tuned supernet with LINAS ([`linas`]) over its subnets
/// ([`problem_for`]), real evaluations by [`SubnetEvaluator`] on the fine-tuning task (BN
/// recalibrated on its training batches, accuracy on its validation split), `settings.budget`
/// real evaluations. Returns the trace and its non-dominated front.
///
/// # Errors
/// A search error (bad settings, a failed evaluation).
pub fn search_front(
    supernet: &OfaSupernet,
    data: &NasData,
    device: &Device,
    objectives: &[SubnetObjective],
    settings: &LinasConfig,
) -> Result<(SearchTrace, Vec<FrontMember>), InstaTuneError> {
    let problem = problem_for(supernet, objectives, device)?;
    let mut evaluator = SubnetEvaluator::new(supernet, data, device, objectives);
    let trace = linas(&problem, &mut evaluator, settings)?;
    let front = trace
        .front()?
        .into_iter()
        .map(|i| {
            let (encoding, values) = &trace.evaluations[i];
            FrontMember { subnet: SubnetConfig::decode(encoding, &supernet.config), values: values.clone() }
        })
        .collect();
    Ok((trace, front))
}
