//! The training engine every Kiln family uses.
//!
//! A run is a list of [`Phase`]s. A gradient phase ([`TrainPhase`]) has its own epochs,
//! optimiser, learning-rate schedule and trainable parameters (by module path); an action phase
//! edits the model without gradients (ProtoPNet's push, pruning). The model implements
//! [`TrainModel`]: given a batch it returns its loss and named loss terms, which the engine
//! logs. The [`Trainer`] owns the rest: the loop, progress bar, `metrics.jsonl`, checkpoints
//! (burnpack) every N epochs, `resume`, and seeding.

mod batch;
mod cache;
pub mod checkpoint;
pub mod cluster;
mod engine;
pub mod lars;
mod parallel;
pub mod params;
pub mod phase;
mod progress;
pub mod report;
mod running;
pub mod schedule;
mod selection;
pub mod step;

pub use crate::seed::{DEVICE_SEED_STREAM, STEP_SEED_STREAM};
pub use batch::{ImageBatch, VectorBatch};
pub use cache::DeviceCache;
pub use cluster::{Cluster, ClusterConfig};
pub use engine::Trainer;
pub use lars::{Lars, LarsState};
pub use phase::{Action, ActionContext, OptimizerConfig, ParamGroupSettings, Phase, PhaseKind, TrainPhase, Trainable};
pub use report::{EpochRecord, Evaluation, Report};
pub use schedule::LrSchedule;
pub use selection::{Goal, Selection};
pub use step::{BatchSource, StepContext, StepOutput, TrainModel};
