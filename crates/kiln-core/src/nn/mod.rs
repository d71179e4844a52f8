//! Shared layers and backbones: [`Mlp`], the small [`Cnn`], a configurable [`ResNet`], and the
//! [`Backbone`] enum that prototype and supernet models use as a feature extractor.

mod backbone;
mod classify;
mod cnn;
mod distill;
pub mod fused;
mod mlp;
mod resnet;

pub use backbone::{Backbone, BackboneConfig, ReceptiveField};
pub use classify::{classification_step, cross_entropy};
pub use cnn::{Cnn, CnnConfig, ConvBlock};
pub use distill::distillation_loss;
pub use mlp::{Mlp, MlpConfig};
pub use resnet::{BasicBlock, ResNet, ResNetConfig};
