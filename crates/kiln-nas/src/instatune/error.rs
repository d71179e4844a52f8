//! [`InstaTuneError`]: settings, data or runs that InstaTune cannot use.

use thiserror::Error;

use crate::search::SearchError;

/// Why an InstaTune configuration, class split or run failed.
#[derive(Debug, Error)]
pub enum InstaTuneError {
    /// A task (`"pretrain"` or `"finetune"`) has no classes.
    #[error("the {task} task has no classes")]
    EmptyClasses {
        /// The task.
        task: &'static str,
    },
    /// A class is listed twice in one task.
    #[error("class {class} is listed twice in the {task} task")]
    DuplicateClass {
        /// The task.
        task: &'static str,
        /// The repeated class.
        class: usize,
    },
    /// A class is in both tasks: fine-tuning would not be a new task.
    #[error("class {class} is in both the pretraining and the fine-tuning task")]
    OverlappingClasses {
        /// The shared class.
        class: usize,
    },
    /// The pretrained head is re-used for the fine-tuning classes, but the tasks have
    /// different numbers of classes.
    #[error("re-using the head needs as many fine-tuning classes as pretraining classes ({pretrain} vs {finetune})")]
    HeadSize {
        /// Pretraining classes.
        pretrain: usize,
        /// Fine-tuning classes.
        finetune: usize,
    },
    /// A stage has no epochs.
    #[error("the {stage} stage needs at least one epoch")]
    ZeroEpochs {
        /// The stage.
        stage: &'static str,
    },
    /// A learning rate that is not positive and finite.
    #[error("learning rate must be positive and finite, got {0}")]
    LearningRate(f64),
    /// A loss weight that is negative or not finite.
    #[error("loss weight {name} must be finite and non-negative, got {value}")]
    LossWeight {
        /// The weight's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A batch size of zero.
    #[error("the batch size must be at least 1")]
    ZeroBatchSize,
    /// A task's split (training, validation or test) has no examples of its classes.
    #[error("the {task} task has no {split} examples of its classes")]
    EmptyTask {
        /// The task.
        task: &'static str,
        /// `"train"`, `"valid"` or `"test"`.
        split: &'static str,
    },
    /// The dataset could not be loaded.
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
    /// Training or evaluation failed.
    #[error(transparent)]
    Train(#[from] kiln_core::CoreError),
    /// The search failed.
    #[error(transparent)]
    Search(#[from] SearchError),
}
