//! SN-Net: Stitchable Neural Networks (Pan, Cai, Zhuang, CVPR 2023; official code
//! `ziplab/SN-Net`, `stitching_deit/`).
//!
//! Independently trained anchors of equal depth (DeiT-Ti/S/B; here the small ViTs of
//! [`SnNetConfig::small`] and [`SnNetConfig::digits`]) are joined by linear stitch layers
//! ([`crate::stitch::StitchLayer`], `Linear(d_front → d_end)` on every token) into a family of
//! networks between and around the anchors' sizes:
//! - **Stitching space.** A sliding window (kernel 2, stride 1) over block ids yields the stitch
//!   positions `(j, k)`: the front anchor runs blocks `0..=j`, the end anchor `k..` (so
//!   `(i, i + 1)` keeps the depth, `(i, i)` and `(i + 1, i)` add one and two blocks). Positions of
//!   one window share a stitch layer ([`sliding_window_stitches`]). Only nearest anchors are
//!   stitched (Ti–S, S–B); with the anchors alone the family has `n + (n − 1)(3d − 2)` members,
//!   `6d − 1` for three anchors (71 for DeiT's 12 blocks), as the official `get_stitch_configs`
//!   ([`stitch_configs`]).
//! - **Initialisation.** Each stitch layer starts from the least-squares fit between the two
//!   anchors' activations on one batch, averaged over the positions it serves
//!   ([`SnNet::init_stitches_least_squares`]).
//! - **Training.** Every step trains one uniformly drawn configuration ([`SnNetStage::Stitching`]).
//!
//! [`SnNet::configs`] lists the family in the official order (anchors, then Ti–S, then S–B
//! positions), so an index is the official stitch id.
//!
//! Measured on the embedded digits ([`SnNetConfig::digits`], 2 anchor epochs, 2 stitching
//! epochs): anchors 0.87 / 0.94 / 0.95 test accuracy; the 20 stitched networks average 0.08 with
//! fresh stitch layers, 0.72 right after the least-squares initialisation and 0.85 after
//! stitching.
//!
//! Deviations: the official run stitches ImageNet-pretrained DeiTs and trains 50 epochs with
//! DeiT's recipe (AdamW, strong augmentation; its `losses.py` also offers distillation); here
//! the anchors are trained from scratch in the same run ([`SnNetStage::Anchors`], each on its
//! own cross-entropy) and stitching uses plain cross-entropy with Adam. Only nearest stitching is
//! implemented (the official three-anchor configurations are disabled by `nearest_stitching`).
//! A stitched network's parameters include the front anchor's class token and position
//! embedding (the official `get_model_size` counts only the patch embedding).

mod config;
mod model;
mod train;

pub use config::{SnNetConfig, SnNetError, StitchConfig, StitchPosition, sliding_window_stitches, stitch_configs};
pub use model::SnNet;
pub use train::{SnNetSchedule, SnNetStage};
