//! [`InstaTuneConfig`]: the class split of the two tasks and the settings of pretraining and
//! elastic fine-tuning, with our defaults and a CPU preset for the digits.

use serde::{Deserialize, Serialize};

use super::error::InstaTuneError;
use super::model::SandwichRule;
use crate::ofa::OfaConfig;

/// The classes of the pretraining task and of the new fine-tuning task. A task's labels are
/// remapped to positions in its list (fine-tuning digit 7 of `5..10` is class 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSplit {
    /// Original labels of the pretraining task.
    pub pretrain: Vec<usize>,
    /// Original labels of the fine-tuning task.
    pub finetune: Vec<usize>,
}

impl ClassSplit {
    /// Digits 0–4 for pretraining, 5–9 for fine-tuning.
    pub fn digits() -> Self {
        Self { pretrain: (0..5).collect(), finetune: (5..10).collect() }
    }

    /// Checks that both tasks have classes, none twice, and that no class is in both.
    ///
    /// # Errors
    /// [`InstaTuneError::EmptyClasses`], [`InstaTuneError::DuplicateClass`] or
    /// [`InstaTuneError::OverlappingClasses`].
    pub fn validate(&self) -> Result<(), InstaTuneError> {
        for (task, classes) in [("pretrain", &self.pretrain), ("finetune", &self.finetune)] {
            if classes.is_empty() {
                return Err(InstaTuneError::EmptyClasses { task });
            }
            if let Some(&class) = classes.iter().enumerate().find_map(|(i, c)| classes[..i].contains(c).then_some(c)) {
                return Err(InstaTuneError::DuplicateClass { task, class });
            }
        }
        match self.finetune.iter().find(|c| self.pretrain.contains(c)) {
            Some(&class) => Err(InstaTuneError::OverlappingClasses { class }),
            None => Ok(()),
        }
    }

    /// The task label of original label `label` in `classes` (`None` when not in the task).
    pub fn remap(classes: &[usize], label: usize) -> Option<usize> {
        classes.iter().position(|&c| c == label)
    }
}

impl Default for ClassSplit {
    /// [`ClassSplit::digits`].
    fn default() -> Self {
        Self::digits()
    }
}

/// InstaTune's settings: the tasks, pretraining of the full network, elastic fine-tuning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstaTuneConfig {
    /// The pretraining and fine-tuning classes.
    pub classes: ClassSplit,
    /// Epochs of pretraining (the largest subnet only, no elasticity).
    pub pretrain_epochs: usize,
    /// Pretraining rate (Adam, constant).
    pub pretrain_lr: f64,
    /// Epochs of fine-tuning (elastic, and of the static and standalone baselines).
    pub finetune_epochs: usize,
    /// Fine-tuning rate (Adam, constant).
    pub finetune_lr: f64,
    /// The sandwich rule and loss weights of an elastic fine-tuning step.
    pub sandwich: SandwichRule,
    /// `true`: a freshly initialised classifier head for the new task (the usual fine-tuning
    /// of a pretrained backbone); `false`: the pretrained head's outputs are re-used as the
    /// new classes (both tasks must have as many classes).
    pub new_head: bool,
    /// Mini-batch size of both tasks.
    pub batch_size: usize,
}

impl InstaTuneConfig {
    /// Our defaults (the paper's §3 gives no numbers we could find): digits 0–4 → 5–9, the
    /// sandwich rule with 2 random subnets and weights 1 ([`SandwichRule::default`]), 10
    /// epochs of each stage at 10⁻³ (Adam; equal pretraining and fine-tuning lengths as in
    /// our notes' experiment), a new head, batches of 64.
    pub fn new() -> Self {
        Self {
            classes: ClassSplit::digits(),
            pretrain_epochs: 10,
            pretrain_lr: 1e-3,
            finetune_epochs: 10,
            finetune_lr: 1e-3,
            sandwich: SandwichRule::default(),
            new_head: true,
            batch_size: 64,
        }
    }

    /// A CPU preset for the digits supernet: 4 epochs of pretraining, 3 of fine-tuning, both
    /// at 3·10⁻³.
    pub fn small() -> Self {
        Self { pretrain_epochs: 4, pretrain_lr: 3e-3, finetune_epochs: 3, finetune_lr: 3e-3, ..Self::new() }
    }

    /// Checks every setting.
    ///
    /// # Errors
    /// The [`InstaTuneError`] of the first bad setting: the class split
    /// ([`ClassSplit::validate`]), a re-used head of the wrong size, zero epochs, a bad rate
    /// or loss weight, a zero batch size.
    pub fn validate(&self) -> Result<(), InstaTuneError> {
        self.classes.validate()?;
        let (pretrain, finetune) = (self.classes.pretrain.len(), self.classes.finetune.len());
        if !self.new_head && pretrain != finetune {
            return Err(InstaTuneError::HeadSize { pretrain, finetune });
        }
        if self.pretrain_epochs == 0 {
            return Err(InstaTuneError::ZeroEpochs { stage: "pretrain" });
        }
        if self.finetune_epochs == 0 {
            return Err(InstaTuneError::ZeroEpochs { stage: "finetune" });
        }
        for lr in [self.pretrain_lr, self.finetune_lr] {
            if !(lr.is_finite() && lr > 0.0) {
                return Err(InstaTuneError::LearningRate(lr));
            }
        }
        self.sandwich.validate()?;
        if self.batch_size == 0 {
            return Err(InstaTuneError::ZeroBatchSize);
        }
        Ok(())
    }

    /// The supernet of `base`'s search space for pretraining: one output per pretraining
    /// class.
    pub fn ofa_config(&self, base: &OfaConfig) -> OfaConfig {
        OfaConfig { num_classes: self.classes.pretrain.len(), ..base.clone() }
    }
}

impl Default for InstaTuneConfig {
    /// [`InstaTuneConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}
