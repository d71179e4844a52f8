//! # kiln-semi
//!
//! Learning from few labels and from context.
//!
//! - [`simclr`]: SimCLRv2 (Chen, Kornblith, Swersky, Norouzi, Hinton, NeurIPS 2020): NT-Xent
//!   contrastive pretraining with a 3-layer projection head, fine-tuning from the first head
//!   layer on 1% / 10% of the labels, self-distillation on all images.
//! - [`catnet`]: CATNet's context modules (Liu et al., IEEE TNNLS 2023): DenseFPN, the
//!   spatial context pyramid (SCP) and hierarchical RoI extraction (HRoIE), with the detection
//!   pieces they need (`roi_align`, NMS, AP, focal loss, a RetinaNet-lite head).
//! - [`mgd`]: multi-granularity distillation for semi-supervised segmentation (Qin et al.,
//!   ECCV 2022).

pub mod augment;
pub mod catnet;
pub mod distill;
pub mod error;
pub mod mgd;
pub mod simclr;

pub use error::{Result, SemiError};
