//! [`FactoryError`]: everything a user of NN-Factory can get wrong, naming the value.

use std::path::PathBuf;

/// A bad task, budget, checkpoint or setting.
#[derive(Debug, thiserror::Error)]
pub enum FactoryError {
    /// A task without classes.
    #[error("the task has no classes")]
    EmptyTask,
    /// A class listed twice.
    #[error("class {class} is listed twice in the task")]
    DuplicateClass {
        /// The repeated class.
        class: usize,
    },
    /// A class the supernet does not know.
    #[error("class {class} is out of range: the factory has classes 0..{num_classes}")]
    ClassOutOfRange {
        /// The class.
        class: usize,
        /// Classes of the factory.
        num_classes: usize,
    },
    /// A MAC budget below the smallest assembly (one module per layer).
    #[error("a budget of {macs} MACs is below the smallest assembly for this task ({smallest} MACs)")]
    BudgetTooSmall {
        /// The requested budget.
        macs: u64,
        /// MACs of the smallest assembly.
        smallest: u64,
    },
    /// An assembly whose gates do not fit the factory.
    #[error("invalid assembly: {0}")]
    InvalidAssembly(String),
    /// A setting out of range.
    #[error("invalid NN-Factory config: {0}")]
    InvalidConfig(String),
    /// A checkpoint file that is not there.
    #[error("no NN-Factory checkpoint at {path}: {what} is missing")]
    MissingCheckpoint {
        /// The checkpoint directory.
        path: PathBuf,
        /// The missing file.
        what: String,
    },
    /// A checkpoint that does not fit (another config, another model, unreadable).
    #[error("checkpoint {path} does not match: {message}")]
    MismatchedCheckpoint {
        /// The offending file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A file that cannot be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An error of the engine or a device read.
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
}
