//! # kiln-efficient
//!
//! Memory-efficient transfer learning on a frozen backbone, with the memory measured.
//!
//! - [`unipt`]: UniPT (Diao et al., CVPR 2024), a light parallel network that reads the
//!   detached hidden states of a frozen backbone, so no gradient and no activation storage flows
//!   into the backbone.
//! - [`backbone`]: [`FrozenBackbone`], the backbone run without autodiff.
//! - [`adapter`]: the bottleneck-adapter baseline (Houlsby et al. 2019 style, one after every
//!   residual block; gradients flow back through the frozen backbone).
//! - [`transfer`]: the four transfer methods (full fine-tuning, linear probe, adapters, UniPT)
//!   trained the same way; [`transfer::train_transfer`] is the entry point for a CLI.
//! - [`task`]: the transfer tasks (pretrain on procedural classes 0–11, transfer to 12–23 or to
//!   the digits).
//! - [`memory`]: trainable-parameter counts, state sizes and one measured training step.
//! - [`revcol`]: RevCol (Cai et al., ICLR 2023), reversible columns whose backward rebuilds
//!   each column from the next instead of storing activations (`TrainModel::gradients`).
//! - [`weights`]: saving and loading either network (burnpack), errors naming the file.

pub mod adapter;
pub mod backbone;
pub mod error;
pub mod memory;
pub mod revcol;
pub mod task;
pub mod transfer;
pub mod unipt;
pub mod weights;

pub use backbone::FrozenBackbone;
pub use error::{EfficientError, Result};
