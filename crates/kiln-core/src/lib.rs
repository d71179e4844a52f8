//! # kiln-core
//!
//! The foundation of Kiln, the Rust reference implementation of a family of research models on
//! burn 0.22:
//!
//! - [`device`]: `auto | cpu | flex | ndarray | wgpu[:N] | cuda[:N]` selection, from a flag or
//!   `KILN_DEVICE`; the one place that knows burn's backend features.
//! - [`nn`]: shared layers and backbones (MLP, small CNN, ResNet feature extractor).
//! - [`train`]: the training engine: phases, optimisers, schedules, freezing, metrics log,
//!   checkpoints and resume.
//! - [`metrics`]: accuracy, top-k, confusion matrix, ROC AUC. [`seed`]: reproducible randomness.
//! - [`testing`]: run one test body on every compiled device. [`timing`]: warm-up + median
//!   wall-clock timing for latency tables and benchmarks.
//! - [`experiment`]: the kit of the families' reproduce programs: arguments, `mean ± std`,
//!   Markdown tables, provenance, results pages.
//!
//! ## Features
//! `flex` (default, pure-Rust CPU), `ndarray` (deprecated by burn), `wgpu`, `cuda`.

pub mod device;
pub mod error;
pub mod experiment;
pub mod metrics;
pub mod nn;
pub mod seed;
pub mod tensor;
pub mod testing;
pub mod timing;
pub mod train;

pub use burn;
pub use device::{DeviceSpec, select};
pub use error::{CoreError, Result};
